/**
 * Reads the current rows behind a page of changes, in bulk, as the REST API shows them
 * (CallRead, TaskRead, PatientRead, UserRead, the camelCase Schedule), together with the raw row
 * the visibility rules look at.
 */
import type { Transaction } from 'kysely';
import type { Change, SyncEntity } from '../../src-shared/schemas/sync';
import { readRows, rowReader } from '../db/array-rows';
import { groupedBy } from '../db/chunks';
import type { CallRow, Database, PatientRow, TaskRow } from '../db/schema';
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

const CALL_COLUMNS = [
  'id', 'organization_id', 'patient_id', 'agent_id', 'direction', 'phone_number', 'status', 'priority', 'region',
  'notes', 'outcome', 'metadata', 'started_at', 'ended_at', 'created_at', 'updated_at', 'version',
] as const satisfies readonly (keyof CallRow)[];
const TASK_COLUMNS = [
  'id', 'organization_id', 'title', 'description', 'assignee_id', 'created_by', 'priority', 'status', 'due_date',
  'call_id', 'patient_id', 'completed_at', 'created_at', 'updated_at', 'version',
] as const satisfies readonly (keyof TaskRow)[];
const PATIENT_COLUMNS = [
  'id', 'organization_id', 'first_name', 'last_name', 'search_name', 'phone_number', 'alt_phone_number', 'email',
  'date_of_birth', 'mrn', 'notes', 'created_at', 'updated_at', 'version',
] as const satisfies readonly (keyof PatientRow)[];

type CallWithNames = CallRow & { first_name: string | null; last_name: string | null; agent_name: string | null; patient_name: string | null };
const callRows = rowReader<CallWithNames>([...CALL_COLUMNS, 'first_name', 'last_name', 'agent_name']);
const taskRows = rowReader<TaskRow & { assignee_name: string | null }>([...TASK_COLUMNS, 'assignee_name']);
const patientRows = rowReader<PatientRow>(PATIENT_COLUMNS);

// The three entities a first download is made of are read as arrays and built into rows once
// (db/array-rows.ts); the rows are then completed in place, never copied (copying each wide row
// with object rest/spread was 85% of the calls' loader: 30,000 calls, 1.6 s against 0.2 s).
const LOADERS: Record<SyncEntity, (trx: Trx, org: string, ids: string[]) => Promise<Array<[string, SyncRecord]>>> = {
  call: async (trx, org, ids) => {
    const query = trx
      .selectFrom('calls')
      .leftJoin('patients', (join) => join.onRef('patients.id', '=', 'calls.patient_id').onRef('patients.organization_id', '=', 'calls.organization_id'))
      .leftJoin('users', 'users.id', 'calls.agent_id')
      .select(CALL_COLUMNS.map((c) => `calls.${c}` as const))
      .select(['patients.first_name', 'patients.last_name', 'users.name as agent_name'])
      .where('calls.organization_id', '=', org)
      .where('calls.id', 'in', ids);
    return (await readRows(trx, query, callRows)).map((row) => {
      row.patient_name = row.patient_id ? fullName(row.first_name, row.last_name) : null;
      return [row.id, { row, data: toCallRead(row) }];
    });
  },
  task: async (trx, org, ids) => {
    const query = trx
      .selectFrom('tasks')
      .leftJoin('users', 'users.id', 'tasks.assignee_id')
      .select(TASK_COLUMNS.map((c) => `tasks.${c}` as const))
      .select('users.name as assignee_name')
      .where('tasks.organization_id', '=', org)
      .where('tasks.id', 'in', ids);
    return (await readRows(trx, query, taskRows)).map((row) => [row.id, { row, data: toTaskRead(row) }]);
  },
  patient: async (trx, org, ids) => {
    const query = trx.selectFrom('patients').select(PATIENT_COLUMNS).where('organization_id', '=', org).where('id', 'in', ids);
    return (await readRows(trx, query, patientRows)).map((row) => [row.id, { row, data: toPatientRead(row) }]);
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
  const records = new Map<string, SyncRecord>();
  for (const [entity, ids] of groupedBy(wanted, (w) => w.entity, (w) => w.entity_id)) {
    for (const [id, record] of await LOADERS[entity](trx, organizationId, ids)) records.set(recordKey(entity, id), record);
  }
  return records;
}
