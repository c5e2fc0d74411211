/**
 * The server side of each mutator: validate its arguments, then call the same domain service as
 * the REST route, as the pushing user. The services enforce permissions, write the audit log and
 * the change log, exactly as for a REST request.
 */
import type { z } from 'zod';
import { MUTATORS, type MutatorArgs, type MutatorName } from '../../src-shared/schemas/sync';
import type { Actor } from '../domain/actor';
import { createCall, updateCall } from '../domain/calls';
import { createPatient, updatePatient } from '../domain/patients';
import type { ServerContext } from '../domain/server-context';
import { createTask, updateTask } from '../domain/tasks';
import { ApiError } from '../http/api-error';
import { wasInAudience } from './change-log';

/**
 * Times the client reports (when a call really started or ended) are stored as UTC text, which
 * is how every timestamp is compared. Undefined stays undefined: the service uses "now".
 */
function toUtc(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const iso = new Date(value).toISOString();
  // An offset can push 9999-12-31 into year 10000, which ISO-8601 text cannot sort or carry.
  if (!/^\d{4}-/.test(iso)) throw new ApiError('VALIDATION_FAILED', 'validation failed', { [field]: 'not a valid date-time' });
  return iso;
}

type Handlers = { [N in MutatorName]: (ctx: ServerContext, actor: Actor, args: MutatorArgs<N>) => Promise<unknown> };

const HANDLERS: Handlers = {
  'call.create': (ctx, actor, args) => createCall(ctx, actor, { ...args, started_at: toUtc('started_at', args.started_at) }),
  'call.update': (ctx, actor, { id, at, ...patch }) => updateCall(ctx, actor, id, { ...patch, at: toUtc('at', at) }),
  'task.create': (ctx, actor, args) => createTask(ctx, actor, args),
  'task.update': (ctx, actor, { id, ...patch }) =>
    updateTask(ctx, actor, id, patch, { wasOwner: () => wasInAudience(ctx, actor, 'task', id) }),
  'patient.create': (ctx, actor, args) => createPatient(ctx, actor, args),
  'patient.update': (ctx, actor, { id, ...patch }) => updatePatient(ctx, actor, id, patch),
};

/** The same per-field details as a REST body that fails validation. */
function validationError(error: z.ZodError): ApiError {
  const details: Record<string, string> = {};
  for (const issue of error.issues) details[issue.path.map(String).join('.') || '_'] ??= issue.message;
  return new ApiError('VALIDATION_FAILED', 'validation failed', details);
}

/** Validates and applies one mutation; throws ApiError for a mutation that can never apply. */
export async function applyMutator(ctx: ServerContext, actor: Actor, name: MutatorName, args: unknown): Promise<void> {
  const parsed = MUTATORS[name].safeParse(args);
  if (!parsed.success) throw validationError(parsed.error);
  await (HANDLERS[name] as (ctx: ServerContext, actor: Actor, args: unknown) => Promise<unknown>)(ctx, actor, parsed.data);
}
