/**
 * The server runs the rulebook (src-shared/mutators): the same body as the desktop, inside
 * `mutate()`. Everything a body may read is loaded first (it names it in `reads`), the body runs
 * synchronously against those records, and its writes become rows, with the audit entry, the
 * change-log row and the webhook deliveries that `Mutation.record` adds.
 */
import type { Transaction } from 'kysely';
import type { AgentStateSettings } from '../../src-shared/domain/agent-state';
import { DEFAULT_DISPOSITIONS } from '../../src-shared/domain/dispositions';
import {
  RuleError,
  entityOf,
  isCreate,
  readsOf,
  runMutator,
  shiftWindow,
  type MutatorTx,
  type OrgSettings,
  type RecordOf,
  type RuleActor,
  type RuleEntity,
} from '../../src-shared/mutators';
import type { CallRead } from '../../src-shared/schemas/calls';
import type { Schedule } from '../../src-shared/schemas/oncall';
import type { PatientRead } from '../../src-shared/schemas/patients';
import type { MutatorName } from '../../src-shared/schemas/sync';
import type { TaskRead } from '../../src-shared/schemas/tasks';
import type { CallRow, Database, PatientRow, ScheduleRow, TaskRow } from '../db/schema';
import { chunked, groupedBy } from '../db/chunks';
import { lockStaffShifts } from '../db/locks';
import { ApiError } from '../http/api-error';
import { overwrittenBy, recordOverwrites, type Overwrite } from '../sync/overwrites';
import { loadRecords, recordKey } from '../sync/records';
import type { Actor } from './actor';
import { ownershipLostAt } from './ownership';
import { agentStateSettingsIn } from './agent-states';
import { toOnCallCall } from './calls';
import { toSchedule } from './schedules';
import { mutate, type Mutation, type WebhookEmit } from './mutation';
import type { ServerContext } from './server-context';

type Trx = Transaction<Database>;
const TABLE = { call: 'calls', task: 'tasks', patient: 'patients', user: 'users', agent_state: 'agent_states', schedule: 'schedules' } as const;

export const ruleActor = (actor: Actor): RuleActor => ({
  userId: actor.userId,
  organizationId: actor.organizationId,
  role: actor.role,
  name: actor.name,
});

/** Organization settings, read once per request or push batch. */
export class SettingsCache {
  private country?: string;
  private codes?: string[];
  private agentStates?: AgentStateSettings;

  async load(trx: Trx, organizationId: string, dispositions: boolean): Promise<OrgSettings> {
    this.country ??=
      (await trx.selectFrom('organizations').select('default_country').where('id', '=', organizationId).executeTakeFirst())
        ?.default_country ?? 'GB';
    if (dispositions && !this.codes) {
      const custom = await trx.selectFrom('org_dispositions').select('code').where('organization_id', '=', organizationId).execute();
      this.codes = [...DEFAULT_DISPOSITIONS.map((d) => d.code), ...custom.map((d) => d.code)];
    }
    this.agentStates ??= await agentStateSettingsIn(trx, organizationId);
    return { default_country: this.country, dispositions: this.codes ?? null, agent_states: this.agentStates };
  }
}

/**
 * Which of these records exist already, read in one query per table: a push batch checks the
 * ids of all its creates up front instead of one query per create. Keyed by recordKey.
 */
export async function existingRecords(trx: Trx, org: string, records: Array<[RuleEntity, string]>): Promise<Map<string, boolean>> {
  const found = new Map(records.map(([entity, id]) => [recordKey(entity, id), false]));
  for (const [entity, ids] of groupedBy(records, ([entity]) => entity, ([, id]) => id)) {
    for (const part of chunked([...new Set(ids)])) {
      const rows = await trx.selectFrom(TABLE[entity as 'call']).select('id').where('organization_id', '=', org).where('id', 'in', part).execute();
      for (const row of rows) found.set(recordKey(entity, row.id), true);
    }
  }
  return found;
}

export interface RuleOptions {
  /** the sync push: a former owner's status change may still apply (docs/sync-protocol.md) */
  formerOwnerRule?: boolean;
  /** the sync push: an update made on an older version tells whoever's newer value it replaced */
  reportOverwrites?: boolean;
  settings?: SettingsCache;
  /** records known to exist (true) or not (false) when the transaction began (`existingRecords`) */
  existing?: Map<string, boolean>;
}

class ServerTx implements MutatorTx {
  readonly records = new Map<string, { row: object; data: unknown }>();
  readonly writes: Array<[RuleEntity, RecordOf[RuleEntity]]> = [];
  takenIds = new Set<string>();
  /** the version whose change took the record away from the actor (former-owner rule), if any */
  lostAt: number | null = null;
  /** the shifts around the schedule being written, loaded when the mutator asks (`shifts`) */
  around: Schedule[] = [];

  constructor(
    readonly actor: RuleActor,
    readonly now: string,
    readonly settings: OrgSettings,
  ) {}

  read<E extends RuleEntity>(entity: E, id: string): RecordOf[E] | null {
    return (this.records.get(recordKey(entity, id))?.data ?? null) as RecordOf[E] | null;
  }
  taken(entity: RuleEntity, id: string): boolean {
    return this.takenIds.has(recordKey(entity, id));
  }
  wasOwner(_entity: RuleEntity, _id: string, basedOn: number | undefined): boolean {
    return basedOn !== undefined && this.lostAt !== null && basedOn < this.lostAt;
  }
  write<E extends RuleEntity>(entity: E, record: RecordOf[E]): void {
    this.writes.push([entity, record]);
  }
  shifts(staffId: string): Schedule[] {
    return this.around.filter((s) => s.staffId === staffId);
  }
}

/** The staff member's shifts overlapping the window the change puts a shift in (the overlap rule). */
async function shiftsAround(trx: Trx, org: string, args: Record<string, unknown>, current: Schedule | undefined): Promise<Schedule[]> {
  const window = shiftWindow(args, current);
  if (!window) return [];
  await lockStaffShifts(trx, org, window.staffId);
  const rows = await trx
    .selectFrom('schedules')
    .selectAll()
    .where('organization_id', '=', org)
    .where('staff_id', '=', window.staffId)
    .where('start_time', '<', window.endTime)
    .where('end_time', '>', window.startTime)
    .execute();
  return rows.map(toSchedule);
}

function toApiError(err: unknown): unknown {
  return err instanceof RuleError ? new ApiError(err.code, err.message, err.details) : err;
}

/** Read → row: the derived fields (names, duration) are not stored; metadata is JSON text. */
function rowOf(entity: RuleEntity, record: RecordOf[RuleEntity]): Record<string, unknown> {
  if (entity === 'call') {
    const { patient_name: _p, agent_name: _a, duration_seconds: _d, ...row } = record as CallRead;
    return { ...row, metadata: JSON.stringify(row.metadata) } satisfies CallRow;
  }
  if (entity === 'task') {
    const { assignee_name: _n, ...row } = record as TaskRead;
    return row satisfies TaskRow;
  }
  if (entity === 'agent_state') return { ...record };
  if (entity === 'schedule') {
    const s = record as Schedule;
    return {
      id: s.id,
      organization_id: s.organizationId,
      staff_id: s.staffId,
      type: s.type,
      status: s.status,
      start_time: s.startTime,
      end_time: s.endTime,
      metadata: JSON.stringify(s.metadata),
      created_at: s.createdAt,
      updated_at: s.updatedAt,
    } satisfies Omit<ScheduleRow, 'version'>;
  }
  const { full_name: _f, ...row } = record as PatientRead;
  return { ...row, search_name: `${row.first_name} ${row.last_name}`.toLowerCase() } satisfies PatientRow;
}

/**
 * The webhook events of a write. Their payloads are built only if the organization has a
 * webhook to deliver them to (most have none, and a push batch writes hundreds of records).
 */
function webhooksFor(entity: RuleEntity, created: boolean, record: RecordOf[RuleEntity], version: number, row: object): WebhookEmit[] {
  if (entity === 'schedule') {
    return [{ event: created ? 'schedule.created' : 'schedule.updated', type: 'schedule', id: record.id, get attributes() { return toSchedule(row as ScheduleRow); } }];
  }
  if (entity !== 'call') return [];
  const call = record as CallRead;
  return [{ event: created ? 'call.created' : 'call.updated', type: 'call', id: call.id, get attributes() { return toOnCallCall({ ...call, version }); } }];
}

/**
 * Runs one mutator inside the mutation's transaction. Returns whether it wrote anything; throws
 * ApiError for a refusal (the caller rolls back what it had begun).
 */
export async function applyRule(m: Mutation, name: MutatorName, args: { id: string } & Record<string, unknown>, options: RuleOptions = {}): Promise<boolean> {
  const actor = ruleActor(m.actor);
  const org = actor.organizationId;
  const needs = readsOf(name, args, actor);
  const entity = entityOf(name);
  const settings = await (options.settings ?? new SettingsCache()).load(m.trx, org, !!needs.dispositions);
  const tx = new ServerTx(actor, m.now, settings);

  const wanted = needs.records.map(([e, id]) => ({ entity: e, entity_id: id }));
  if (wanted.length) {
    await m.flushInsertsOf(needs.records.map(([e, id]) => recordKey(e, id)));
    for (const [key, record] of await loadRecords(m.trx, org, wanted)) tx.records.set(key, record);
  }
  if (isCreate(name)) {
    // Ids are per organization (migration 008): another organization's record of this id is
    // no business of this one, so only this organization's can make the id taken.
    const key = recordKey(entity, args.id);
    const existing = options.existing?.has(key) ? options.existing : await existingRecords(m.trx, org, [[entity, args.id]]);
    if (existing.get(key) || m.createdHere(key)) tx.takenIds.add(key);
  }
  const current = tx.records.get(recordKey(entity, args.id))?.data as { version: number } | undefined;
  if (needs.ownership && options.formerOwnerRule && actor.userId && current) {
    // The history is the audit log; this batch's earlier changes of the record may still be in memory.
    await m.flushRecord(entity, args.id);
    tx.lostAt = await ownershipLostAt(m.trx, org, entity, args.id, actor.userId, current.version);
  }

  try {
    if (needs.shifts) {
      await m.flushInserts(); // the overlap rule reads the schedules table
      tx.around = await shiftsAround(m.trx, org, args, current as Schedule | undefined);
    }
    runMutator(tx, name, args);
  } catch (err) {
    throw toApiError(err);
  }

  for (const [e, record] of tx.writes) {
    const loadedRecord = tx.records.get(recordKey(e, record.id));
    const loaded = loadedRecord?.data as RecordOf[RuleEntity] | undefined;
    // A schedule's camelCase record carries no version: its row does.
    const before = e === 'schedule' ? (loadedRecord?.row as { version: number } | undefined) : loaded && (rowOf(e, loaded) as { version: number });
    const created = !before;
    const version = created ? 1 : before.version + 1;
    const row = rowOf(e, record); // a new object: the version is set on it, not on a copy of it
    row.version = version;
    if (created) await m.insert(TABLE[e], recordKey(e, record.id), row);
    else {
      const changed = Object.fromEntries(Object.entries(row).filter(([k, v]) => (before as Record<string, unknown>)[k] !== v));
      await m.trx.updateTable(TABLE[e as 'call']).set(changed).where('organization_id', '=', org).where('id', '=', record.id).execute();
    }
    let overwrites: Overwrite[] = [];
    const basedOn = args.based_on;
    if (!created && loaded && options.reportOverwrites && typeof basedOn === 'number' && basedOn < before.version && record.id === args.id && actor.userId) {
      const write = { organizationId: org, entity: e, entityId: record.id, actorId: actor.userId, basedOn, version: before.version };
      await m.flushRecord(e, record.id); // overwrittenBy reads the record's audit entries
      overwrites = await overwrittenBy(m.trx, write, args, loaded as Record<string, unknown>, record as Record<string, unknown>);
    }
    await m.record({
      entity: e,
      entityId: record.id,
      action: created ? 'create' : 'update',
      before: before ?? null,
      after: row,
      sync: true,
      webhooks: webhooksFor(e, created, record, version, row),
    });
    if (overwrites.length) {
      await m.flush(); // the notices name the seq of this change's change-log row
      const seq = m.seqOf(e, record.id)!;
      await recordOverwrites(m.trx, { organizationId: org, seq, entity: e, entityId: record.id, name, now: m.now }, overwrites);
    }
  }
  return tx.writes.length > 0;
}

/** One mutator in its own transaction: a REST request. */
export async function runRule(ctx: ServerContext, actor: Actor, name: MutatorName, args: { id: string } & Record<string, unknown>): Promise<boolean> {
  return mutate(ctx, actor, (m) => applyRule(m, name, args));
}
