/**
 * Seed 003's four resources under /v1/oncall, exactly as the seed calls them:
 * `client.calls.create({ phoneNumber, region, priority })`, `client.schedules.update(id, patch)`,
 * `list(query)` with the seed's filters (region, status, startDate, regulatoryBody...), plus
 * `get` and `iterate` (every page, as an async iterator). The organization is the credential's
 * own, so an API key alone is enough.
 */
import { ONCALL_V1 } from '../api-paths';
import { paginate, type PageQuery } from './pagination';
import type { RequestOptions, Transport } from './transport';
import type {
  Call,
  Compliance,
  ComplianceCreate,
  ComplianceListQuery,
  ComplianceUpdate,
  OnCallCallCreate,
  OnCallCallListQuery,
  OnCallCallUpdate,
  OnCallPage,
  Recording,
  RecordingCreate,
  RecordingListQuery,
  RecordingUpdate,
  Schedule,
  ScheduleCreate,
  ScheduleListQuery,
  ScheduleUpdate,
} from './types';

/** Per-call options: abort one request (a timeout of your own, a cancelled screen). */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface OnCallResource<Read, Create, Update, Query> {
  create(body: Create, opts?: CallOptions): Promise<Read>;
  update(id: string, patch: Update, opts?: CallOptions): Promise<Read>;
  get(id: string, opts?: CallOptions): Promise<Read>;
  /** One page: `{ items, page, limit, nextCursor, total? }`. */
  list(query?: Query, opts?: CallOptions): Promise<OnCallPage<Read>>;
  /** Every matching record, page after page: `for await (const c of client.calls.iterate({...}))`. */
  iterate(query?: Query, opts?: CallOptions): AsyncGenerator<Read>;
}

function resource<Read, Create, Update, Query>(http: Transport, name: string): OnCallResource<Read, Create, Update, Query> {
  const base = `${ONCALL_V1}/${name}`;
  const one = (id: string) => `${base}/${encodeURIComponent(id)}`;
  const list = (query: Query | PageQuery | undefined, opts: CallOptions = {}) =>
    http.json<OnCallPage<Read>>('GET', base, { query: query as RequestOptions['query'], absolute: true, ...opts });
  return {
    create: (body, opts = {}) => http.json<Read>('POST', base, { body, absolute: true, ...opts }),
    update: (id, patch, opts = {}) => http.json<Read>('PATCH', one(id), { body: patch, absolute: true, ...opts }),
    get: (id, opts = {}) => http.json<Read>('GET', one(id), { absolute: true, ...opts }),
    list: (query, opts) => list(query, opts),
    iterate: (query, opts) => paginate<Read>((q) => list(q, opts), (query ?? {}) as PageQuery),
  };
}

export interface OnCallResources {
  calls: OnCallResource<Call, OnCallCallCreate, OnCallCallUpdate, OnCallCallListQuery>;
  schedules: OnCallResource<Schedule, ScheduleCreate, ScheduleUpdate, ScheduleListQuery>;
  recordings: OnCallResource<Recording, RecordingCreate, RecordingUpdate, RecordingListQuery>;
  compliance: OnCallResource<Compliance, ComplianceCreate, ComplianceUpdate, ComplianceListQuery>;
}

export function oncallResources(http: Transport): OnCallResources {
  return {
    calls: resource(http, 'calls'),
    schedules: resource(http, 'schedules'),
    recordings: resource(http, 'recordings'),
    compliance: resource(http, 'compliance'),
  };
}
