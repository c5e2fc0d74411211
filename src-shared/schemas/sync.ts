/**
 * The sync protocol between the desktop client and the central API (docs/sync-protocol.md).
 * Mutators are small named operations with typed arguments, the same names on client and
 * server (Replicache-style): a signature change gets a new name, never a silent reinterpretation.
 */
import { z } from 'zod';
import { AgentStateRead, AgentStateSet } from './agent-states';
import { CallCreate, CallRead, CallUpdate } from './calls';
import { Id, Timestamp } from './common';
import { StoredErrorObject } from './errors';
import { Schedule, ScheduleCreate, ScheduleUpdate } from './oncall';
import { PatientCreate, PatientRead, PatientUpdate } from './patients';
import { TaskCreate, TaskRead, TaskUpdate } from './tasks';
import { UserRead } from './users';

/**
 * 2: update mutators carry `based_on`, the version of the record the change was made on. The
 * server still answers version 1 (without it); only the former-owner rule needs it.
 */
export const SYNC_SCHEMA_VERSION = 2;
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1, 2];
export const MAX_PUSH_BATCH = 500;
export const DEFAULT_PULL_LIMIT = 500;
/** A first download of 100,000 rows is 20 pages of 5,000 (bench:sync): fewer round trips and local commits. */
export const MAX_PULL_LIMIT = 5000;

/** The version of the record an update was made on (0: a record not yet acknowledged by the server). */
const BasedOn = z.number().int().min(0).optional();

/** `id` is the entity's client-generated UUIDv7. Update args carry only the fields that changed. */
export const MUTATORS = {
  'call.create': CallCreate.extend({ id: Id, started_at: Timestamp.optional() }),
  'call.update': CallUpdate.and(z.object({ id: Id, at: Timestamp.optional(), based_on: BasedOn })),
  'task.create': TaskCreate.extend({ id: Id }),
  'task.update': TaskUpdate.and(z.object({ id: Id, based_on: BasedOn })),
  'patient.create': PatientCreate.extend({ id: Id }),
  'patient.update': PatientUpdate.and(z.object({ id: Id, based_on: BasedOn })),
  'agent_state.set': AgentStateSet,
  // Seed 003's camelCase bodies: a supervisor's rota edit offline is the REST request, queued.
  'schedule.create': ScheduleCreate.extend({ id: Id }),
  'schedule.update': ScheduleUpdate.and(z.object({ id: Id, based_on: BasedOn })),
} as const;
export type MutatorName = keyof typeof MUTATORS;
export const MUTATOR_NAMES = Object.keys(MUTATORS) as MutatorName[];
export type MutatorArgs<N extends MutatorName> = z.infer<(typeof MUTATORS)[N]>;

export const PushMutation = z.object({
  seq: z.number().int().min(1),
  id: Id,
  name: z.enum(MUTATOR_NAMES as [MutatorName, ...MutatorName[]]),
  /** validated per mutator on the server, so one bad mutation is rejected alone */
  args: z.record(z.string(), z.unknown()),
});
export type PushMutation = z.infer<typeof PushMutation>;

export const PushRequest = z.object({
  client_id: Id,
  schema_version: z.number().int().min(1),
  mutations: z.array(PushMutation).max(MAX_PUSH_BATCH),
});
export type PushRequest = z.infer<typeof PushRequest>;

export const MUTATION_STATUSES = ['applied', 'duplicate', 'rejected'] as const;
export const PushResult = z.object({
  seq: z.number().int(),
  status: z.enum(MUTATION_STATUSES),
  error: StoredErrorObject.optional(),
});
export type PushResult = z.infer<typeof PushResult>;

export const PushResponse = z.object({
  last_mutation_seq: z.number().int(),
  results: z.array(PushResult),
});
export type PushResponse = z.infer<typeof PushResponse>;

export const PullQuery = z.strictObject({
  client_id: Id,
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
});
export type PullQuery = z.infer<typeof PullQuery>;

/** The poke stream's query: `client_id` only names the desktop in the server's logs. */
export const EventsQuery = z.strictObject({ client_id: Id.optional() });

export const SYNC_ENTITIES = ['call', 'task', 'patient', 'user', 'schedule', 'agent_state'] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

const upsert = <E extends SyncEntity, T extends z.ZodType>(entity: E, data: T) =>
  z.object({ entity: z.literal(entity), id: Id, op: z.literal('upsert'), data, seq: z.number().int() });

export const Change = z.union([
  upsert('call', CallRead),
  upsert('task', TaskRead),
  upsert('patient', PatientRead),
  upsert('user', UserRead),
  upsert('schedule', Schedule),
  upsert('agent_state', AgentStateRead),
  z.object({ entity: z.enum(SYNC_ENTITIES), id: Id, op: z.literal('delete'), data: z.null(), seq: z.number().int() }),
]);
export type Change = z.infer<typeof Change>;

/**
 * Your value of a field was replaced by a change made before you set it (docs/sync-protocol.md,
 * "Same field"). Delivered once, by the pull page whose range covers `seq`.
 */
export const SyncNotice = z.object({
  id: Id,
  entity: z.enum(SYNC_ENTITIES),
  entity_id: Id,
  /** the mutator whose change lost, e.g. `task.update` */
  name: z.string(),
  fields: z.record(z.string(), z.object({ yours: z.unknown(), theirs: z.unknown() })),
  seq: z.number().int(),
  created_at: Timestamp,
});
export type SyncNotice = z.infer<typeof SyncNotice>;

export const PullResponse = z.object({
  changes: z.array(Change),
  /** overwrite notices for this user in this page's range (none on a fresh pull from 0) */
  notices: z.array(SyncNotice).optional(),
  /** pass back as `cursor` next time; never moves backwards */
  cursor: z.number().int(),
  /** the last mutation seq of this client the server has processed */
  last_mutation_seq: z.number().int(),
  has_more: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponse>;

/**
 * The SSE stream's one event: `event: poke`, `data: {"cursor": N}`: pull, there is news up to N.
 * When the change was small the poke also carries it (docs/sync-protocol.md, "Pokes"): of the
 * changes this user may see, those after `since` up to `cursor` are exactly `changes` (and
 * `notices`); a client whose cursor is at or after `since` and before every carried seq may apply
 * them as a pull page and move its cursor to `cursor`. Any other client pulls.
 */
export const PokeEvent = z.object({
  cursor: z.number().int(),
  since: z.number().int().optional(),
  changes: z.array(Change).optional(),
  notices: z.array(SyncNotice).optional(),
});
export type PokeEvent = z.infer<typeof PokeEvent>;
