/**
 * The calls list: the path every desktop and integration polls (docs/BENCHMARKS.md, issue 12).
 * Compiled once per shape (src-server/db/query-templates.ts). Two ways to read a page:
 *
 * - `listCalls`: rows to `CallRead` objects (both stores; seed 003's facade maps them on);
 * - `listCallsJson`: on SQLite, the page as the JSON text of seed 000's answer, each call's object
 *   written by SQLite (`json_object`) in the order and form of `CallRead`, joined in JavaScript
 *   with the one computed field (`duration_seconds`, the rulebook's durations). Turning 50 rows
 *   of 19 columns into JavaScript strings and objects, and back into JSON, was most of what the
 *   list cost beyond the SQL itself; this path creates one string a row instead of 19 values and
 *   no objects. On PostgreSQL it answers null and the caller serialises `listCalls`.
 *
 * Both read the same rows through the same conditions; a test holds every listed call equal to
 * the call fetched alone (test/api/calls.test.ts).
 */
import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely';
import type { CallStatus } from '../../src-shared/domain/call-status';
import { durationBetween, durationSeconds, storedMillisAt, TIMESTAMP_LENGTH } from '../../src-shared/mutators/rules';
import type { CallListQuery, CallRead } from '../../src-shared/schemas/calls';
import type { Page, PageRequest } from '../../src-shared/schemas/common';
import type { Db } from '../db/connection';
import { isPostgres } from '../db/dialect';
import { QueryTemplate, type Placeholders } from '../db/query-templates';
import type { CallRow, Database } from '../db/schema';
import { isSupervisor, type Actor } from './actor';
import { parseJsonObject } from './json';
import { encodeCursor, orderedPage, pageFrom, pageValues, type KeyValue, type SortKey } from './paging';
import type { ServerContext } from './server-context';

export type CallFilters = Omit<CallListQuery, keyof PageRequest> & { region?: string };

let lastDay: { date: string; range: Readonly<{ from: string; to: string }> } | null = null;

export function dayRange(date: string): Readonly<{ from: string; to: string }> {
  // Clients poll the same day over and over: the last answer is kept (a pure function's).
  if (lastDay?.date === date) return lastDay.range;
  const from = new Date(`${date}T00:00:00.000Z`);
  const range = Object.freeze({ from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() });
  lastDay = { date, range };
  return range;
}

/** The list's columns in select order: rows come back as arrays on SQLite (the templates' `arrayRows`). */
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

// Newest first; index calls_org_started (organization_id, started_at, id) and each filter's
// index (migration 012) serve both keys.
const LIST_KEYS: SortKey<never>[] = [
  { by: 'calls.started_at', dir: 'desc', of: () => null },
  { by: 'calls.id', dir: 'desc', of: () => null },
];

/** The patient's display name; empty (a patient without names, or none found) reads as null. */
const PATIENT_NAME = sql<string | null>`trim(coalesce("patients"."first_name", '') || ' ' || coalesce("patients"."last_name", ''))`;

/** The filtered, ordered, limited page with the names joined, selecting `columns`. */
function pageQuery(db: Db, p: Placeholders, columns: (eb: ExpressionBuilder<Database, 'calls' | 'patients' | 'users'>) => RawBuilder<unknown>[] | string[]) {
  const rows = db
    .selectFrom('calls')
    // ids are per organization: the patient is the one of the call's organization
    .leftJoin('patients', (join) => join.onRef('patients.id', '=', 'calls.patient_id').onRef('patients.organization_id', '=', 'calls.organization_id'))
    .leftJoin('users', 'users.id', 'calls.agent_id')
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the two selections type their own rows
    .select(columns as any)
    .where((eb) => listConditions(eb as unknown as ExpressionBuilder<Database, 'calls'>, p));
  return orderedPage(rows, LIST_KEYS, p);
}

const listPage = new QueryTemplate('calls list', (db: Db, p) =>
  pageQuery(db, p, (eb) => [
    ...TABLE_COLUMNS.map((c) => sql.ref(`calls.${c}`)),
    sql`${PATIENT_NAME}`.as('patient_name') as unknown as RawBuilder<unknown>,
    eb.ref('users.name').as('agent_name') as unknown as RawBuilder<unknown>,
  ]),
  { arrayRows: true, literals: ['limit'] },
);

/**
 * SQLite: each call as one JSON text in `CallRead`'s order, with `duration_seconds` written as
 * null: the rulebook computes it, and JavaScript puts it in place (`withDuration`), reading the
 * two timestamps it needs out of the same text. One value a row: every further column cost
 * SQLite and better-sqlite3 about as much as a tenth of the row's JSON (docs/BENCHMARKS.md,
 * "The request path"). `metadata` is stored JSON text: written as JSON when it is an object,
 * `{}` otherwise (as parseJsonObject reads it).
 */
const ROW_JSON = sql`json_object(
  'id', "calls"."id", 'organization_id', "calls"."organization_id",
  'patient_id', "calls"."patient_id",
  'patient_name', case when "calls"."patient_id" is null then null else nullif(${PATIENT_NAME}, '') end,
  'agent_id', "calls"."agent_id", 'agent_name', "users"."name",
  'direction', "calls"."direction", 'phone_number', "calls"."phone_number", 'status', "calls"."status",
  'priority', "calls"."priority", 'region', "calls"."region", 'notes', "calls"."notes", 'outcome', "calls"."outcome",
  'metadata', json(case when json_valid("calls"."metadata") then case when json_type("calls"."metadata") = 'object' then "calls"."metadata" else '{}' end else '{}' end),
  'started_at', "calls"."started_at", 'ended_at', "calls"."ended_at", 'duration_seconds', null,
  'created_at', "calls"."created_at", 'updated_at', "calls"."updated_at", 'version', "calls"."version")`;

const listPageJson = new QueryTemplate('calls list as JSON', (db: Db, p) =>
  pageQuery(db, p, () => [ROW_JSON.as('call') as unknown as RawBuilder<unknown>]),
  { arrayRows: true, literals: ['limit'] },
);

const DURATION = ',"duration_seconds":null,';
const ENDED = ',"ended_at":';
const STARTED = ',"started_at":"';

/** A listed call's duration: where it goes in the call's JSON text, and its value. */
interface Duration {
  at: number;
  seconds: number | null;
}

/**
 * The duration of a listed call from its JSON text. The timestamps are read in place when they
 * are stored timestamps (`toISOString()` form: digits and `-T:.Z` only, so written into JSON
 * as they are), from JSON.parse of the whole call otherwise, so any stored text is read right.
 * Safe to search the text: a JSON string cannot hold an unescaped `"`, so
 * `,"duration_seconds":null,` is found only as the property itself (the last match: `metadata`,
 * an object, comes before it and could have a key of that name, and nothing after it is text
 * but two timestamps), and a value framed by its key and quotes that holds no `"` is that value.
 */
function durationIn(call: string): Duration {
  const at = call.lastIndexOf(DURATION);
  if (at < 0) throw new Error('calls list: a listed call without duration_seconds');
  // a call still running: no end, no duration (whatever its start)
  if (call.startsWith(`${ENDED}null`, at - ENDED.length - 4)) return { at, seconds: null };
  const endedKey = at - ENDED.length - TIMESTAMP_LENGTH - 2;
  const startedKey = endedKey - STARTED.length - TIMESTAMP_LENGTH - 1;
  if (call.startsWith(ENDED, endedKey) && call.charCodeAt(endedKey + ENDED.length) === 34 && call.charCodeAt(at - 1) === 34 && call.startsWith(STARTED, startedKey) && call.charCodeAt(endedKey - 1) === 34) {
    const startedMs = storedMillisAt(call, startedKey + STARTED.length);
    const endedMs = storedMillisAt(call, endedKey + ENDED.length + 1);
    if (!Number.isNaN(startedMs) && !Number.isNaN(endedMs)) return { at, seconds: durationBetween(startedMs, endedMs) };
  }
  const parsed = JSON.parse(call) as { started_at: string; ended_at: string | null };
  return { at, seconds: durationSeconds(parsed.started_at, parsed.ended_at) };
}

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

/** The page's filters by name: who sees what, then the query's (an empty filter is no filter). */
function listFilters(ctx: ServerContext, actor: Actor, query: CallFilters, defaultToToday: boolean) {
  let from = query.from;
  let to = query.to;
  if (query.date) ({ from, to } = dayRange(query.date));
  if (!from && !to && defaultToToday) ({ from, to } = dayRange(ctx.now().toISOString().slice(0, 10)));
  const supervisor = isSupervisor(actor);
  return {
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
}

interface ListOptions {
  /** Seed 000 lists today's calls when no range is given; seed 003's list has no such default. */
  defaultToToday?: boolean;
}

async function totalOf(ctx: ServerContext, filters: ReturnType<typeof listFilters>): Promise<number> {
  const counted = await ctx.db.executeQuery<{ total: unknown }>(listCount.compile(ctx.db, filters));
  return Number(counted.rows[0]?.total ?? 0);
}

export async function listCalls(ctx: ServerContext, actor: Actor, query: CallFilters & PageRequest, options: ListOptions = {}): Promise<Page<CallRead>> {
  const filters = listFilters(ctx, actor, query, options.defaultToToday !== false);
  const page = listPage.compile(ctx.db, { ...filters, ...pageValues('calls', LIST_KEYS.length, query) });
  const [found, total] = await Promise.all([
    ctx.db.executeQuery(page),
    query.include_total ? totalOf(ctx, filters) : undefined,
  ]);
  return pageFrom('calls', query, found.rows.map(listedCall), (c) => [c.started_at, c.id], total);
}

/**
 * Seed 000's answer (`Page<CallRead>` as JSON text, the properties in the schema's order) on
 * SQLite; null on PostgreSQL, where the caller answers `listCalls` instead.
 */
export async function listCallsJson(ctx: ServerContext, actor: Actor, query: CallFilters & PageRequest, options: ListOptions = {}): Promise<string | null> {
  if (isPostgres(ctx.db)) return null;
  const filters = listFilters(ctx, actor, query, options.defaultToToday !== false);
  const page = listPageJson.compile(ctx.db, { ...filters, ...pageValues('calls', LIST_KEYS.length, query) });
  const [found, total] = await Promise.all([
    ctx.db.executeQuery(page),
    query.include_total ? totalOf(ctx, filters) : undefined,
  ]);
  const rows = found.rows as [call: string][];
  const count = Math.min(rows.length, query.limit);
  let items = '';
  for (let i = 0; i < count; i++) {
    const call = rows[i]![0];
    const { at, seconds } = durationIn(call);
    items += `${i ? ',' : ''}${call.slice(0, at)},"duration_seconds":${seconds}${call.slice(at + DURATION.length - 1)}`;
  }
  // the cursor's keys, the last call's started_at and id: parsed from its text, once a page
  const last = rows.length > query.limit && count > 0 ? (JSON.parse(rows[count - 1]![0]) as { started_at: string; id: string }) : null;
  const next = last ? encodeCursor('calls', [last.started_at, last.id] satisfies KeyValue[]) : null;
  // the envelope's properties in the order the route's serializer writes them
  return `{"items":[${items}],"page":${query.page},"limit":${query.limit},"next_cursor":${JSON.stringify(next)}${total === undefined ? '' : `,"total":${total}`}}`;
}
