/**
 * Calls: one store behind both facades (seed 000's v1 API and seed 003's OnCall API) and the
 * sync push. Permissions: agents see and change their own calls; supervisors and admins the
 * whole organization's. API keys act with their role; an agent-role key owns no calls but
 * those logged without an agent (integrations).
 */
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { CallStatus } from '../../src-shared/domain/call-status';
import { durationSeconds } from '../../src-shared/mutators/rules';
import type { CallCreate, CallListQuery, CallRead, CallUpdate } from '../../src-shared/schemas/calls';
import type { OnCallCall } from '../../src-shared/schemas/oncall';
import type { Page, PageRequest } from '../../src-shared/schemas/common';
import type { Db } from '../db/connection';
import { QueryTemplate, type Placeholders } from '../db/query-templates';
import type { Database, CallRow } from '../db/schema';
import { ARRAY_ROWS } from '../db/statement-cache';
import { notFound } from '../http/api-error';
import { isSupervisor, type Actor } from './actor';
import { parseJsonObject } from './json';
import { runRule } from './rulebook';
import type { ServerContext } from './server-context';
import { orderedPage, pageFrom, pageValues, type SortKey } from './paging';

type CallWithNames = CallRow & { patient_name: string | null; agent_name: string | null };

export function toCallRead(row: CallWithNames): CallRead {
  return {
    id: row.id,
    organization_id: row.organization_id,
    patient_id: row.patient_id,
    patient_name: row.patient_name,
    agent_id: row.agent_id,
    agent_name: row.agent_name,
    direction: row.direction as CallRead['direction'],
    phone_number: row.phone_number,
    status: row.status as CallStatus,
    priority: row.priority as CallRead['priority'],
    region: row.region as CallRead['region'],
    notes: row.notes,
    outcome: row.outcome,
    metadata: parseJsonObject(row.metadata),
    started_at: row.started_at,
    ended_at: row.ended_at,
    duration_seconds: durationSeconds(row.started_at, row.ended_at),
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: row.version,
  };
}

/** Seed 003's camelCase view of the same record. */
export function toOnCallCall(call: CallRead): OnCallCall {
  return {
    id: call.id,
    phoneNumber: call.phone_number,
    region: call.region,
    priority: call.priority,
    status: call.status,
    direction: call.direction,
    patientId: call.patient_id,
    agentId: call.agent_id,
    notes: call.notes,
    outcome: call.outcome,
    startTime: call.started_at,
    endTime: call.ended_at,
    metadata: call.metadata,
    organizationId: call.organization_id,
    createdAt: call.created_at,
    updatedAt: call.updated_at,
  };
}

function selectCalls(db: ServerContext['db']) {
  return db
    .selectFrom('calls')
    // ids are per organization: the patient is the one of the call's organization
    .leftJoin('patients', (join) => join.onRef('patients.id', '=', 'calls.patient_id').onRef('patients.organization_id', '=', 'calls.organization_id'))
    .leftJoin('users', 'users.id', 'calls.agent_id')
    .selectAll('calls')
    .select((eb) => [
      eb.fn<string | null>('trim', [sql`coalesce(${eb.ref('patients.first_name')}, '') || ' ' || coalesce(${eb.ref('patients.last_name')}, '')`]).as('patient_name'),
      'users.name as agent_name',
    ]);
}

/** Restricts a calls query to what the actor may see. */
function visibleTo<O>(qb: SelectQueryBuilder<Database, 'calls' | 'patients' | 'users', O>, actor: Actor) {
  qb = qb.where('calls.organization_id', '=', actor.organizationId);
  if (isSupervisor(actor)) return qb;
  return actor.userId ? qb.where('calls.agent_id', '=', actor.userId) : qb.where('calls.agent_id', 'is', null);
}

function withNames(row: CallRow & { patient_name: string | null; agent_name: string | null }): CallWithNames {
  return { ...row, patient_name: row.patient_id ? row.patient_name || null : null };
}

export async function getCall(ctx: ServerContext, actor: Actor, id: string): Promise<CallRead> {
  const row = await visibleTo(selectCalls(ctx.db), actor).where('calls.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('call');
  return toCallRead(withNames(row));
}

export function dayRange(date: string): { from: string; to: string } {
  const from = new Date(`${date}T00:00:00.000Z`);
  return { from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() };
}

export type CallFilters = Omit<CallListQuery, keyof PageRequest> & { region?: string };

/** The list's columns in select order: rows come back as arrays on SQLite (ARRAY_ROWS). */
const TABLE_COLUMNS = [
  'id', 'organization_id', 'patient_id', 'agent_id', 'direction', 'phone_number', 'status', 'priority', 'region',
  'notes', 'outcome', 'metadata', 'started_at', 'ended_at', 'created_at', 'updated_at', 'version',
] as const satisfies readonly (keyof CallRow)[];
const LIST_COLUMNS = [...TABLE_COLUMNS, 'patient_name', 'agent_name'] as const;

/** Who sees what and the filters, by value name (the template's shape is which names are present). */
function listConditions(eb: ExpressionBuilder<Database, 'calls'>, p: Placeholders) {
  const c = [eb('calls.organization_id', '=', p('org'))];
  // Agents see their own calls; an agent-role API key only calls logged without an agent.
  if (p.has('own_agent')) c.push(eb('calls.agent_id', '=', p('own_agent')));
  else if (p.has('own_none')) c.push(eb('calls.agent_id', 'is', null));
  if (p.has('from')) c.push(eb('calls.started_at', '>=', p('from')));
  if (p.has('to')) c.push(eb('calls.started_at', '<', p('to')));
  for (const column of ['status', 'agent_id', 'patient_id', 'outcome', 'direction', 'region'] as const) {
    if (p.has(column)) c.push(eb(`calls.${column}`, '=', p(column)));
  }
  return eb.and(c);
}

// Newest first; index calls_org_started (organization_id, started_at, id) serves both keys.
const LIST_KEYS: SortKey<never>[] = [
  { by: 'calls.started_at', dir: 'desc', of: () => null },
  { by: 'calls.id', dir: 'desc', of: () => null },
];

const listPage = new QueryTemplate('calls list', (db: Db, p) =>
  orderedPage(
    db
      .selectFrom('calls')
      .leftJoin('patients', (join) => join.onRef('patients.id', '=', 'calls.patient_id').onRef('patients.organization_id', '=', 'calls.organization_id'))
      .leftJoin('users', 'users.id', 'calls.agent_id')
      .select(TABLE_COLUMNS.map((c) => `calls.${c}` as const))
      .select((eb) => [
        eb.fn<string | null>('trim', [sql`coalesce(${eb.ref('patients.first_name')}, '') || ' ' || coalesce(${eb.ref('patients.last_name')}, '')`]).as('patient_name'),
        'users.name as agent_name',
      ])
      .where((eb) => listConditions(eb as unknown as ExpressionBuilder<Database, 'calls'>, p)),
    LIST_KEYS,
    p,
  ),
);

const listCount = new QueryTemplate('calls count', (db: Db, p) =>
  db
    .selectFrom('calls')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where((eb) => listConditions(eb, p)),
);

/** A list row (an array on SQLite, an object on PostgreSQL) as the caller sees it. */
function listedCall(row: unknown): CallRead {
  const v = Array.isArray(row) ? (row as unknown[]) : LIST_COLUMNS.map((c) => (row as Record<string, unknown>)[c]);
  const [id, organizationId, patientId, agentId, direction, phone, status, priority, region, notes, outcome, metadata, startedAt, endedAt, createdAt, updatedAt, version, patientName, agentName] = v as [
    string, string, string | null, string | null, string, string, string, string, string | null,
    string, string | null, string, string, string | null, string, string, number, string | null, string | null,
  ];
  return {
    id,
    organization_id: organizationId,
    patient_id: patientId,
    patient_name: patientId ? patientName || null : null,
    agent_id: agentId,
    agent_name: agentName,
    direction: direction as CallRead['direction'],
    phone_number: phone,
    status: status as CallStatus,
    priority: priority as CallRead['priority'],
    region: region as CallRead['region'],
    notes,
    outcome,
    metadata: parseJsonObject(metadata),
    started_at: startedAt,
    ended_at: endedAt,
    duration_seconds: durationSeconds(startedAt, endedAt),
    created_at: createdAt,
    updated_at: updatedAt,
    version,
  };
}

/**
 * The calls list, compiled once per shape (src-server/db/query-templates.ts) and read as arrays
 * on SQLite: the path every desktop and integration polls (docs/BENCHMARKS.md).
 */
export async function listCalls(
  ctx: ServerContext,
  actor: Actor,
  query: CallFilters & PageRequest,
  /** Seed 000 lists today's calls when no range is given; seed 003's list has no such default. */
  options: { defaultToToday?: boolean } = {},
): Promise<Page<CallRead>> {
  let from = query.from;
  let to = query.to;
  if (query.date) ({ from, to } = dayRange(query.date));
  if (!from && !to && options.defaultToToday !== false) ({ from, to } = dayRange(ctx.now().toISOString().slice(0, 10)));

  const supervisor = isSupervisor(actor);
  // An empty filter is no filter (as before: only values that are there narrow the list).
  const filters = {
    org: actor.organizationId,
    own_agent: !supervisor && actor.userId ? actor.userId : undefined,
    own_none: !supervisor && !actor.userId ? true : undefined,
    from: from || undefined,
    to: to || undefined,
    status: query.status || undefined,
    agent_id: query.agent_id || undefined,
    patient_id: query.patient_id || undefined,
    outcome: query.outcome || undefined,
    direction: query.direction || undefined,
    region: query.region || undefined,
  };
  const page = listPage.compile(ctx.db, { ...filters, ...pageValues('calls', LIST_KEYS.length, query) });
  const [found, counted] = await Promise.all([
    ctx.db.executeQuery({ ...page, sql: ARRAY_ROWS + page.sql }),
    query.include_total ? ctx.db.executeQuery<{ total: unknown }>(listCount.compile(ctx.db, filters)) : undefined,
  ]);
  return pageFrom(
    'calls',
    query,
    found.rows.map(listedCall),
    (c) => [c.started_at, c.id],
    counted ? Number(counted.rows[0]?.total ?? 0) : undefined,
  );
}

export interface CallCreateInput extends CallCreate {
  /** client-generated id (sync push); the server makes one otherwise */
  id?: string;
  /** when the call really started (offline logging); defaults to now */
  started_at?: string;
}

/** `call.create` of the rulebook (src-shared/mutators/calls.ts), then read back as the caller sees it. */
export async function createCall(ctx: ServerContext, actor: Actor, input: CallCreateInput): Promise<CallRead> {
  const id = input.id ?? uuidv7();
  await runRule(ctx, actor, 'call.create', { ...input, id });
  return getCall(ctx, actor, id);
}

export interface CallUpdateInput extends Partial<CallUpdate> {
  region?: string | null;
  /** when the status change really happened (offline logging, SIP events); defaults to now */
  at?: string;
}

/** `call.update` of the rulebook. */
export async function updateCall(ctx: ServerContext, actor: Actor, id: string, patch: CallUpdateInput): Promise<CallRead> {
  await runRule(ctx, actor, 'call.update', { ...patch, id });
  return getCall(ctx, actor, id);
}
