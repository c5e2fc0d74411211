/**
 * Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC strings (`Date#toISOString()`),
 * which sort correctly as text in SQLite and PostgreSQL alike; JSON columns are text.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface OrganizationsTable {
  id: string;
  name: string;
  default_country: string;
  created_at: string;
  updated_at: string;
}

export interface OrgDispositionsTable {
  organization_id: string;
  code: string;
  label: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  organization_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  organization_id: string;
  access_hash: string;
  refresh_hash: string;
  access_expires_at: string;
  refresh_expires_at: string;
  revoked_at: string | null;
  created_at: string;
  /** the first session of the refresh chain (its own id for a sign-in) */
  family_id: string;
  /** why it ended: 'rotated' (refreshed), 'logout', 'reuse' (a rotated token came back) */
  revoke_reason: string | null;
}

export interface ApiKeysTable {
  id: string;
  organization_id: string;
  name: string;
  role: string;
  prefix: string;
  key_hash: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface PatientsTable {
  id: string;
  organization_id: string;
  first_name: string;
  last_name: string;
  /** lower-cased "first last" for prefix search */
  search_name: string;
  phone_number: string;
  alt_phone_number: string | null;
  email: string | null;
  date_of_birth: string | null;
  mrn: string | null;
  notes: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface CallsTable {
  id: string;
  organization_id: string;
  patient_id: string | null;
  agent_id: string | null;
  direction: string;
  phone_number: string;
  status: string;
  priority: string;
  region: string | null;
  notes: string;
  outcome: string | null;
  metadata: string;
  started_at: string;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface TasksTable {
  id: string;
  organization_id: string;
  title: string;
  description: string;
  assignee_id: string | null;
  created_by: string | null;
  priority: string;
  status: string;
  due_date: string | null;
  call_id: string | null;
  patient_id: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface SchedulesTable {
  id: string;
  organization_id: string;
  staff_id: string;
  type: string;
  status: string;
  start_time: string;
  end_time: string;
  metadata: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface RecordingsTable {
  id: string;
  organization_id: string;
  call_id: string;
  url: string;
  duration: number;
  status: string;
  metadata: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface ComplianceRecordsTable {
  id: string;
  organization_id: string;
  call_id: string;
  region: string;
  regulatory_body: string;
  check_type: string;
  status: string;
  details: string;
  metadata: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  organization_id: string;
  actor_type: string;
  actor_id: string | null;
  auth_method: string;
  action: string;
  entity: string;
  entity_id: string | null;
  changes: string;
  request_id: string | null;
  /** the X-Request-Id the client sent, if any (request_id is always the server's) */
  client_request_id: string | null;
  ip: string | null;
  created_at: string;
  /** hash chain (src-server/domain/audit-chain.ts) */
  prev_hash: string | null;
  hash: string | null;
}

/** The organization's change sequence that sync pulls follow (one row per changed entity). */
export interface ChangesTable {
  seq: Generated<number>;
  organization_id: string;
  entity: string;
  entity_id: string;
  op: string;
  created_at: string;
}

/** A desktop client of the sync protocol, bound to the user who first used its id. */
export interface SyncClientsTable {
  client_id: string;
  organization_id: string;
  user_id: string;
  role: string;
  last_mutation_seq: number;
  created_at: string;
  updated_at: string;
}

/** Every pushed mutation already processed, applied or rejected (exactly-once). */
export interface SyncMutationsTable {
  mutation_id: string;
  client_id: string;
  seq: number;
  name: string;
  status: string;
  error: string | null;
  created_at: string;
}

/** The users who may ever have seen an entity (besides supervisors, who see all). */
export interface SyncAudienceTable {
  entity: string;
  entity_id: string;
  user_id: string;
  organization_id: string;
}

/** "Your change was overwritten" for a user, delivered by the pull covering `seq` (migration 011). */
export interface SyncNoticesTable {
  id: string;
  organization_id: string;
  user_id: string;
  seq: number;
  entity: string;
  entity_id: string;
  name: string;
  fields: string;
  created_at: string;
}

/** Per organization: cursors below the horizon have missed pruned tombstones. */
export interface SyncOrgsTable {
  organization_id: string;
  horizon_seq: number;
  updated_at: string;
}

export interface WebhooksTable {
  id: string;
  organization_id: string;
  url: string;
  events: string;
  description: string;
  secret: string;
  active: number;
  created_by: string | null;
  created_at: string;
  deleted_at: string | null;
  /** failed attempts since the last success (any delivery) */
  consecutive_failures: Generated<number>;
  /** the first failure of that run */
  failing_since: string | null;
  /** set when the run of failures disabled the endpoint; cleared by re-enabling it */
  disabled_at: string | null;
  disabled_reason: string | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  organization_id: string;
  webhook_id: string;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  /** while an attempt is in flight: when its claim runs out (null otherwise) */
  leased_until: string | null;
}

/** When each user's desktop was last heard on its sync event stream (migration 009). */
export interface AgentPresenceTable {
  user_id: string;
  organization_id: string;
  last_seen_at: string;
}

export interface AgentStatesTable {
  id: string;
  organization_id: string;
  user_id: string;
  state: string;
  reason: string | null;
  since: string;
  previous_state: string | null;
  previous_reason: string | null;
  call_id: string | null;
  version: number;
  updated_at: string;
}

export interface AgentStateEventsTable {
  id: string;
  organization_id: string;
  user_id: string;
  state: string;
  reason: string | null;
  at: string;
  call_id: string | null;
  recorded_at: string;
}

export interface AgentStateSettingsTable {
  organization_id: string;
  /** JSON array of reason labels */
  not_ready_reasons: string;
  acw_limit_seconds: number;
  updated_at: string;
}

export interface Database {
  agent_states: AgentStatesTable;
  agent_presence: AgentPresenceTable;
  agent_state_events: AgentStateEventsTable;
  agent_state_settings: AgentStateSettingsTable;
  organizations: OrganizationsTable;
  org_dispositions: OrgDispositionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  patients: PatientsTable;
  calls: CallsTable;
  tasks: TasksTable;
  schedules: SchedulesTable;
  recordings: RecordingsTable;
  compliance_records: ComplianceRecordsTable;
  audit_log: AuditLogTable;
  changes: ChangesTable;
  sync_clients: SyncClientsTable;
  sync_mutations: SyncMutationsTable;
  sync_audience: SyncAudienceTable;
  sync_orgs: SyncOrgsTable;
  sync_notices: SyncNoticesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type CallRow = Selectable<CallsTable>;
export type TaskRow = Selectable<TasksTable>;
export type PatientRow = Selectable<PatientsTable>;
export type UserRow = Selectable<UsersTable>;
export type ScheduleRow = Selectable<SchedulesTable>;
export type RecordingRow = Selectable<RecordingsTable>;
export type ComplianceRow = Selectable<ComplianceRecordsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type NewCall = Insertable<CallsTable>;
export type CallPatch = Updateable<CallsTable>;
