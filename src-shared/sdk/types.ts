/**
 * The API's types as the SDK's signatures name them, derived from the zod schemas the server
 * validates with (one source of truth). Every other SDK module takes its API types from here
 * only: the package build (scripts/build-sdk.ts) writes each alias below out in full, so the
 * published declarations need neither zod nor the rest of this project.
 *
 * Bodies and queries are the schemas' inputs (defaults may be left out); answers are outputs.
 */
import type { z } from 'zod';
import type * as agentStateRules from '../domain/agent-state';
import type * as dispositions from '../domain/dispositions';
import type * as agentStates from '../schemas/agent-states';
import type * as audit from '../schemas/audit';
import type * as auth from '../schemas/auth';
import type * as calls from '../schemas/calls';
import type * as common from '../schemas/common';
import type * as errors from '../schemas/errors';
import type * as oncall from '../schemas/oncall';
import type * as patients from '../schemas/patients';
import type * as sync from '../schemas/sync';
import type * as tasks from '../schemas/tasks';
import type * as users from '../schemas/users';
import type * as webhooks from '../schemas/webhooks';

type In<T extends z.ZodType> = z.input<T>;
type Out<T extends z.ZodType> = z.output<T>;
/**
 * List filters: all optional; numbers the server coerces from the query string (page, limit,
 * minDuration...) typed as numbers or their text, and its 'true'/'false' flags also as booleans.
 */
type QueryValue<V> = unknown extends V ? number | string : V extends 'true' | 'false' ? V | boolean : V;
type Filter<T extends z.ZodType> = { [K in keyof z.input<T>]?: QueryValue<Exclude<z.input<T>[K], undefined>> };

// Seed 000's list envelope (snake_case) and seed 003's (camelCase).
export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  /** only when asked for with include_total / includeTotal */
  total?: number;
  /** pass as `cursor` for the next page; null on the last page */
  next_cursor: string | null;
}
export interface OnCallPage<T> {
  items: T[];
  page: number;
  limit: number;
  total?: number;
  nextCursor: string | null;
}

// Errors.
/** Seed 003's error object; `details` is always there in answers from this API. */
export type ErrorObject = Out<typeof errors.StoredErrorObject>;

// Seed 003 (/v1/oncall, camelCase).
export type Call = Out<typeof oncall.OnCallCall>;
export type OnCallCallCreate = In<typeof oncall.OnCallCallCreate>;
export type OnCallCallUpdate = In<typeof oncall.OnCallCallUpdate>;
export type OnCallCallListQuery = Filter<typeof oncall.OnCallCallListQuery>;
export type Schedule = Out<typeof oncall.Schedule>;
export type ScheduleCreate = In<typeof oncall.ScheduleCreate>;
export type ScheduleUpdate = In<typeof oncall.ScheduleUpdate>;
export type ScheduleListQuery = Filter<typeof oncall.ScheduleListQuery>;
export type Recording = Out<typeof oncall.Recording>;
export type RecordingCreate = In<typeof oncall.RecordingCreate>;
export type RecordingUpdate = In<typeof oncall.RecordingUpdate>;
export type RecordingListQuery = Filter<typeof oncall.RecordingListQuery>;
export type Compliance = Out<typeof oncall.Compliance>;
export type ComplianceCreate = In<typeof oncall.ComplianceCreate>;
export type ComplianceUpdate = In<typeof oncall.ComplianceUpdate>;
export type ComplianceListQuery = Filter<typeof oncall.ComplianceListQuery>;

// Seed 000 (/api/v1, snake_case).
export type LoginRequest = In<typeof auth.LoginRequest>;
export type TokenResponse = Out<typeof auth.TokenResponse>;
export type Credential = Out<typeof auth.Credential>;
export type ApiKeyCreate = In<typeof auth.ApiKeyCreate>;
export type ApiKeyRead = Out<typeof auth.ApiKeyRead>;
export type ApiKeyCreated = Out<typeof auth.ApiKeyCreated>;
export type PageQuery = Filter<typeof common.PageQuery>;
export type UserRead = Out<typeof users.UserRead>;
export type UserListQuery = Filter<typeof users.UserListQuery>;
export type CallRead = Out<typeof calls.CallRead>;
export type CallCreate = In<typeof calls.CallCreate>;
export type CallUpdate = In<typeof calls.CallUpdate>;
export type CallListQuery = Filter<typeof calls.CallListQuery>;
export type TaskRead = Out<typeof tasks.TaskRead>;
export type TaskCreate = In<typeof tasks.TaskCreate>;
export type TaskUpdate = In<typeof tasks.TaskUpdate>;
export type TaskListQuery = Filter<typeof tasks.TaskListQuery>;
export type MyTasksQuery = Filter<typeof tasks.MyTasksQuery>;
export type PatientRead = Out<typeof patients.PatientRead>;
export type PatientCreate = In<typeof patients.PatientCreate>;
export type PatientUpdate = In<typeof patients.PatientUpdate>;
export type PatientListQuery = Filter<typeof patients.PatientListQuery>;
export type AuditEntry = Out<typeof audit.AuditEntry>;
export type AuditListQuery = Filter<typeof audit.AuditListQuery>;
export type WebhookCreate = In<typeof webhooks.WebhookCreate>;
export type WebhookRead = Out<typeof webhooks.WebhookRead>;
export type WebhookCreated = Out<typeof webhooks.WebhookCreated>;
export type WebhookDelivery = Out<typeof webhooks.WebhookDelivery>;
export type DeliveryListQuery = Filter<typeof webhooks.DeliveryListQuery>;
/** What a webhook receiver gets in the POST body (seed 003's webhook format). */
export type WebhookPayload = Out<typeof webhooks.WebhookPayload>;
export type Disposition = Out<typeof dispositions.Disposition>;
export type AgentStateRead = Out<typeof agentStates.AgentStateRead>;
export type AgentStateEvent = Out<typeof agentStates.AgentStateEvent>;
export type AgentStateEventQuery = Filter<typeof agentStates.AgentStateEventQuery>;
export type AgentStateSettings = Out<typeof agentStateRules.AgentStateSettings>;
export type PokeEvent = Out<typeof sync.PokeEvent>;
export type PullQuery = In<typeof sync.PullQuery>;
export type PullResponse = Out<typeof sync.PullResponse>;
export type PushRequest = Out<typeof sync.PushRequest>;
export type PushResponse = Out<typeof sync.PushResponse>;
