/**
 * Reads the current rows behind a page of changes, in bulk, as the REST API shows them
 * (CallRead, TaskRead, PatientRead, UserRead, the camelCase Schedule), together with the raw row
 * the visibility rules look at.
 */
import type { Transaction } from 'kysely';
import type { Change, SyncEntity } from '../../src-shared/schemas/sync';
import type { Database } from '../db/schema';
import { toAgentStateRead } from '../domain/agent-states';
import { toCallRead } from '../domain/calls';
import { toPatientRead } from '../domain/patients';
import { toSchedule } from '../domain/schedules';
import { toTaskRead } from '../domain/tasks';
import { toUserRead } from '../domain/users';

type Trx = Transaction<Database>;
type Upsert = Extract<Change, { op: 'upsert' }>;

export interface SyncRecord {
  /** the table row (owner columns for the visibility rules) */
  row: object;
  data: Upsert['data'];
}

const fullName = (first: string | null, last: string | null) => `${first ?? ''} ${last ?? ''}`.trim() || null;

const LOADERS: Record<SyncEntity, (trx: Trx, org: string, ids: string[]) => Promise<Array<[string, SyncRecord]>>> = {
  call: async (trx, org, ids) => {
    const rows = await trx
      .selectFrom('calls')
      .leftJoin('patients', (join) => join.onRef('patients.id', '=', 'calls.patient_id').onRef('patients.organization_id', '=', 'calls.organization_id'))
      .leftJoin('users', 'users.id', 'calls.agent_id')
      .selectAll('calls')
      .select(['patients.first_name', 'patients.last_name', 'users.name as agent_name'])
      .where('calls.organization_id', '=', org)
      .where('calls.id', 'in', ids)
      .execute();
    // The name is added to the row itself: copying each wide row with object rest/spread was
    // 85% of this loader's time (30,000 calls: 1.6 s against 0.2 s; docs/BENCHMARKS.md).
    return rows.map((row) => {
      const named = Object.assign(row, { patient_name: row.patient_id ? fullName(row.first_name, row.last_name) : null });
      return [row.id, { row: named, data: toCallRead(named) }];
    });
  },
  task: async (trx, org, ids) => {
    const rows = await trx
      .selectFrom('tasks')
      .leftJoin('users', 'users.id', 'tasks.assignee_id')
      .selectAll('tasks')
      .select('users.name as assignee_name')
      .where('tasks.organization_id', '=', org)
      .where('tasks.id', 'in', ids)
      .execute();
    return rows.map((row) => [row.id, { row, data: toTaskRead(row) }]);
  },
  patient: async (trx, org, ids) => {
    const rows = await trx.selectFrom('patients').selectAll().where('organization_id', '=', org).where('id', 'in', ids).execute();
    return rows.map((row) => [row.id, { row, data: toPatientRead(row) }]);
  },
  user: async (trx, org, ids) => {
    const rows = await trx
      .selectFrom('users')
      .select(['id', 'organization_id', 'email', 'name', 'role', 'active', 'created_at', 'updated_at'])
      .where('organization_id', '=', org)
      .where('id', 'in', ids)
      .execute();
    return rows.map((row) => [row.id, { row, data: toUserRead(row) }]);
  },
  agent_state: async (trx, org, ids) => {
    const rows = await trx.selectFrom('agent_states').selectAll().where('organization_id', '=', org).where('id', 'in', ids).execute();
    return rows.map((row) => [row.id, { row, data: toAgentStateRead(row) }]);
  },
  schedule: async (trx, org, ids) => {
    const rows = await trx.selectFrom('schedules').selectAll().where('organization_id', '=', org).where('id', 'in', ids).execute();
    return rows.map((row) => [row.id, { row, data: toSchedule(row) }]);
  },
};

export const recordKey = (entity: string, id: string) => `${entity}:${id}`;

/** The current records of the organization behind these changes, keyed by recordKey. */
export async function loadRecords(
  trx: Trx,
  organizationId: string,
  wanted: Array<{ entity: SyncEntity; entity_id: string }>,
): Promise<Map<string, SyncRecord>> {
  const idsByEntity = new Map<SyncEntity, string[]>();
  for (const { entity, entity_id } of wanted) {
    const ids = idsByEntity.get(entity) ?? [];
    ids.push(entity_id);
    idsByEntity.set(entity, ids);
  }
  const records = new Map<string, SyncRecord>();
  for (const [entity, ids] of idsByEntity) {
    for (const [id, record] of await LOADERS[entity](trx, organizationId, ids)) records.set(recordKey(entity, id), record);
  }
  return records;
}
