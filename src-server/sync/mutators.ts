/**
 * The server side of a pushed mutator: validate its arguments with the shared schema, then run
 * the rulebook's body (the same as the desktop's, and as the REST routes') as the pushing user,
 * inside the push's transaction. Audit, change log and webhooks come with it (domain/rulebook.ts).
 */
import type { z } from 'zod';
import { MUTATORS, type MutatorName } from '../../src-shared/schemas/sync';
import type { Mutation } from '../domain/mutation';
import { recordAgentStateEvent } from '../domain/agent-states';
import { applyRule, type RuleOptions } from '../domain/rulebook';
import type { AgentStateSet } from '../../src-shared/schemas/agent-states';
import { ApiError } from '../http/api-error';

/** The same per-field details as a REST body that fails validation. */
function validationError(error: z.ZodError): ApiError {
  const details: Record<string, string> = {};
  for (const issue of error.issues) details[issue.path.map(String).join('.') || '_'] ??= issue.message;
  return new ApiError('VALIDATION_FAILED', 'validation failed', details);
}

/** Validates and applies one mutation; throws ApiError for a mutation that can never apply. */
export async function applyMutator(m: Mutation, name: MutatorName, args: unknown, options: Pick<RuleOptions, 'settings' | 'existing'>): Promise<void> {
  const parsed = MUTATORS[name].safeParse(args);
  if (!parsed.success) throw validationError(parsed.error);
  await applyRule(m, name, parsed.data as { id: string }, { ...options, formerOwnerRule: true, reportOverwrites: true });
  // Accepted: the change joins the history even when it was older than the current state.
  if (name === 'agent_state.set') await recordAgentStateEvent(m, parsed.data as AgentStateSet);
}
