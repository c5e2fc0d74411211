/**
 * Seed 003's four resources under /v1/oncall, exactly as the seed calls them:
 * `client.calls.create({ phoneNumber, region, priority })`, `client.schedules.update(id, patch)`,
 * `list(query)` with the seed's filters, plus `get` and `iterate` (every page, as an async
 * iterator). The organization is the credential's own, so an API key alone is enough.
 */
import type { z } from 'zod';
import { ONCALL_V1 } from '../api-paths';
import type {
  Compliance,
  ComplianceCreate,
  ComplianceListQuery,
  ComplianceUpdate,
  OnCallCall,
  OnCallCallCreate,
  OnCallCallListQuery,
  OnCallCallUpdate,
  Recording,
  RecordingCreate,
  RecordingListQuery,
  RecordingUpdate,
  Schedule,
  ScheduleCreate,
  ScheduleListQuery,
  ScheduleUpdate,
} from '../schemas/oncall';
import { paginate, type AnyPage, type PageQuery } from './pagination';
import type { RequestOptions, Transport } from './transport';

type Call = { signal?: AbortSignal };

export interface OnCallResource<Read, Create, Update, Query> {
  create(body: Create, opts?: Call): Promise<Read>;
  update(id: string, patch: Update, opts?: Call): Promise<Read>;
  get(id: string, opts?: Call): Promise<Read>;
  list(query?: Query, opts?: Call): Promise<AnyPage<Read>>;
  iterate(query?: Query, opts?: Call): AsyncGenerator<Read>;
}

function resource<Read, Create, Update, Query>(http: Transport, name: string): OnCallResource<Read, Create, Update, Query> {
  const base = `${ONCALL_V1}/${name}`;
  const list = (query: Query | undefined, opts: Call = {}) =>
    http.json<AnyPage<Read>>('GET', base, { query: query as RequestOptions['query'], absolute: true, ...opts });
  return {
    create: (body, opts = {}) => http.json<Read>('POST', base, { body, absolute: true, ...opts }),
    update: (id, patch, opts = {}) => http.json<Read>('PATCH', `${base}/${encodeURIComponent(id)}`, { body: patch, absolute: true, ...opts }),
    get: (id, opts = {}) => http.json<Read>('GET', `${base}/${encodeURIComponent(id)}`, { absolute: true, ...opts }),
    list: (query, opts) => list(query, opts),
    iterate: (query, opts) => paginate<Read>((q) => list(q as Query, opts), (query ?? {}) as PageQuery),
  };
}

type In<T extends z.ZodType> = z.input<T>;
type Q<T extends z.ZodType> = Partial<z.input<T>>;

export function oncallResources(http: Transport) {
  return {
    calls: resource<OnCallCall, In<typeof OnCallCallCreate>, In<typeof OnCallCallUpdate>, Q<typeof OnCallCallListQuery>>(http, 'calls'),
    schedules: resource<Schedule, In<typeof ScheduleCreate>, In<typeof ScheduleUpdate>, Q<typeof ScheduleListQuery>>(http, 'schedules'),
    recordings: resource<Recording, In<typeof RecordingCreate>, In<typeof RecordingUpdate>, Q<typeof RecordingListQuery>>(http, 'recordings'),
    compliance: resource<Compliance, In<typeof ComplianceCreate>, In<typeof ComplianceUpdate>, Q<typeof ComplianceListQuery>>(http, 'compliance'),
  };
}
