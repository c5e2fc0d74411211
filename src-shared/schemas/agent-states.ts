/** Agent states in the API (`/organizations/{org_id}/agent-states…`) and in the sync pull. */
import { z } from 'zod';
import { AgentStateName, AgentStateSettings } from '../domain/agent-state';
import { Id, PageQuery, StoredTimestamp, Timestamp } from './common';

/** One agent's current state. Its `id` is the agent's user id (one record per agent). */
export const AgentStateRead = z.object({
  id: Id,
  organization_id: Id,
  user_id: Id,
  state: AgentStateName,
  reason: z.string().nullable(),
  since: StoredTimestamp,
  previous_state: AgentStateName.nullable(),
  previous_reason: z.string().nullable(),
  call_id: Id.nullable(),
  version: z.number().int(),
  updated_at: StoredTimestamp,
});
export type AgentStateRead = z.infer<typeof AgentStateRead>;

/** A state change as the history keeps it (also changes that arrived after a newer one). */
export const AgentStateEvent = z.object({
  id: Id,
  organization_id: Id,
  user_id: Id,
  state: AgentStateName,
  reason: z.string().nullable(),
  at: StoredTimestamp,
  call_id: Id.nullable(),
  /** when the server received it (later than `at` for a change made offline) */
  recorded_at: StoredTimestamp,
});
export type AgentStateEvent = z.infer<typeof AgentStateEvent>;

export const AgentStateEventQuery = PageQuery.extend({
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  agent_id: Id.optional(),
});
export type AgentStateEventQuery = z.infer<typeof AgentStateEventQuery>;

/** The `agent_state.set` mutator's arguments: `id` is the agent's own user id. */
export const AgentStateSet = z.object({
  id: Id,
  state: AgentStateName,
  reason: z.string().trim().min(1).max(40).nullable().optional(),
  /** when the change really happened (kept when it is synced later) */
  at: Timestamp,
  call_id: Id.nullable().optional(),
});
export type AgentStateSet = z.infer<typeof AgentStateSet>;

export { AgentStateSettings };
