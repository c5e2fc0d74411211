/**
 * A bounded, seeded fuzz of every route in the API's own OpenAPI document (GET /docs/json):
 * thousands of malformed bodies, query strings, headers and path ids, as an admin and as an
 * agent, then a few hundred well-formed requests with real ids. The API must never answer 5xx,
 * every error must be in seed 003's format, garbage credentials must never get data, and no
 * answer may carry the other organization's records. Set FUZZ_SEED to replay another run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../src-shared/schemas/errors';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { malformedRequest, validishRequest, type FuzzContext, type FuzzRequest } from '../support/fuzz-cases';
import { Http, type Session } from '../support/http';
import {
  collectionFor,
  describeOp,
  fetchOpenApi,
  fillPath,
  Rng,
  routesOf,
  type RouteOp,
} from '../support/openapi-routes';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_122);
const MALFORMED_PER_ROUTE_AND_ROLE = 40;
const VALIDISH_PER_ROUTE_AND_ROLE = 4;
const CONCURRENCY = 8;
const BODY_LIMIT = 256 * 1024;
/** Throwaway sessions per role, for POST /auth/logout (it revokes the token it is sent with). */
const LOGOUT_SESSIONS = 4;

interface Outcome {
  req: FuzzRequest;
  status: number | 'network-error';
  text: string;
  requestId: string | null;
  ms: number;
  error?: string;
}

let server: ApiServer;
let http: Http;
let ops: RouteOp[];
const sessions: Record<'admin' | 'agent', Session> = {} as never;
const logoutTokens: Record<'admin' | 'agent', string[]> = { admin: [], agent: [] };
const foreignIds: string[] = [];
/** ids per path parameter name, seen in the demo organization's lists */
const idPool = new Map<string, string[]>();
let protectedIds: Set<string>;

async function idsFrom(path: string, token: string): Promise<string[]> {
  const res = await http.request('GET', `${path}?limit=200`, { as: { token } });
  const items: unknown = Array.isArray(res.body) ? res.body : res.body?.items;
  if (!Array.isArray(items)) return [];
  return items.map((i: { id?: unknown }) => i?.id).filter((id): id is string => typeof id === 'string');
}

/** Fills the id pools from every list route, for the demo organization and the other one. */
async function collectIds(otherAdmin: Session) {
  const users = ops.find((o) => o.method === 'GET' && o.path.endsWith('/organizations/{org_id}/users'));
  if (users) idPool.set('user_id', await idsFrom(fillPath(users.path, { org_id: server.orgs.demo }), sessions.admin.token));
  for (const op of ops) {
    for (const p of op.pathParams) {
      if (p.name === 'org_id' || idPool.has(p.name)) continue;
      const list = collectionFor(ops, op, p.name);
      if (!list) continue;
      const own = await idsFrom(fillPath(list.path, { org_id: server.orgs.demo }), sessions.admin.token);
      idPool.set(p.name, own.filter((id) => !protectedIds.has(id)));
      const theirs = await idsFrom(fillPath(list.path, { org_id: server.orgs.other }), otherAdmin.token);
      foreignIds.push(...theirs.slice(0, 5));
    }
  }
}

function fuzzContext(seed: number): FuzzContext {
  const hintRng = new Rng(seed);
  return {
    pathValues: (op, rng) => {
      const values: Record<string, string> = {};
      for (const p of op.pathParams) {
        const pool = idPool.get(p.name) ?? [];
        values[p.name] =
          p.name === 'org_id' ? server.orgs.demo : pool.length && rng.chance(0.7) ? rng.pick(pool) : rng.uuid();
      }
      return values;
    },
    foreignIds,
    hint: (name, schema) => {
      if (schema.format !== 'uuid' && !schema.anyOf) return undefined;
      // callId -> call_id; people are users whatever the field calls them.
      let key = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      if (/^(assignee|agent|staff|created_by)(_id)?$/.test(key)) key = 'user_id';
      const pool = idPool.get(key);
      return pool?.length && hintRng.chance(0.8) ? hintRng.pick(pool) : undefined;
    },
    someToken: sessions.agent.token,
    bodyLimit: BODY_LIMIT,
  };
}

/** A webhook created by the fuzz must never deliver anywhere but this machine. */
function assertOnlyLocalUrls(req: FuzzRequest) {
  const text = typeof req.body === 'string' ? req.body : '';
  const external = /https?:\/\/(?!127\.0\.0\.1[:/])[^"\s]*/i.exec(text);
  if (external) throw new Error(`fuzz generated an external URL (${external[0]}) for ${describeOp(req.op)}`);
}

let logoutTurn = 0;
function credentialHeaders(req: FuzzRequest): Record<string, string> {
  if (req.as !== 'admin' && req.as !== 'agent') return {};
  const token =
    req.op.path.endsWith('/auth/logout')
      ? logoutTokens[req.as][logoutTurn++ % LOGOUT_SESSIONS]!
      : sessions[req.as].token;
  return { authorization: `Bearer ${token}` };
}

async function send(req: FuzzRequest): Promise<Outcome> {
  assertOnlyLocalUrls(req);
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(server.url + req.url, {
      method: req.method,
      headers: { ...credentialHeaders(req), ...req.headers },
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(20_000),
    });
    // The sync event stream never ends by itself: its status and headers are the answer.
    const streaming = res.headers.get('content-type')?.includes('text/event-stream');
    const text = streaming ? (await res.body?.cancel(), '') : await res.text();
    return { req, status: res.status, text, requestId: res.headers.get('x-request-id'), ms: ms() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { req, status: 'network-error', text: '', requestId: null, ms: ms(), error: `${String(err)} ${cause?.code ?? cause?.message ?? ''}` };
  }
}

async function sendAll(requests: FuzzRequest[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      outcomes[i] = await send(requests[i]!);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

function show(o: Outcome): string {
  const body = o.req.body === undefined ? '' : typeof o.req.body === 'string' ? o.req.body : `<bytes ${Buffer.from(o.req.body).toString('hex')}>`;
  const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}... (${s.length} chars)` : s);
  return [
    `[${o.req.kind}] as ${o.req.as}: ${o.req.method} ${clip(o.req.url, 200)} -> ${o.status} ${o.error ?? ''}`,
    `  headers: ${clip(JSON.stringify(o.req.headers), 200)}`,
    body ? `  body: ${clip(body)}` : '',
    `  answer: ${clip(o.text)}`,
  ]
    .filter(Boolean)
    .join('\n');
}

function countsByStatus(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}

/** Everything a client must be able to rely on, whatever it sent. */
/**
 * An audit answer lists the refusals of this organization's own principals, each with the request
 * it refused (`changes.request`): a fuzzed path naming the other organization's id comes back
 * there as this organization's own words, not as the other's data, so those strings are left out.
 */
function withoutOwnRequests(text: string): string {
  let body: { items?: Array<{ action?: string; changes?: Record<string, unknown> }> };
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  if (!Array.isArray(body?.items)) return text;
  for (const entry of body.items) if (entry?.action === 'denied' || entry?.action === 'rate_limited') delete entry.changes?.request;
  return JSON.stringify(body);
}

function violations(outcomes: Outcome[]): string[] {
  const found: string[] = [];
  for (const o of outcomes) {
    if (o.status === 'network-error') {
      // Only requests over the server's limits may have their connection closed early.
      if (!o.req.oversized) found.push(`connection failed\n${show(o)}`);
      continue;
    }
    if (o.status >= 500) found.push(`5xx\n${show(o)}`);
    if (o.status >= 300) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(o.text);
      } catch {
        parsed = undefined;
      }
      if (!ErrorBody.safeParse(parsed).success) found.push(`not in the error format\n${show(o)}`);
    }
    if (o.status < 300 && o.req.as === 'garbage' && !o.req.op.isPublic) found.push(`garbage credential got data\n${show(o)}`);
    if (o.status < 300 && foreignIds.some((id) => withoutOwnRequests(o.text).includes(id))) found.push(`other organization's data\n${show(o)}`);
    if (o.requestId !== null && !/^[\w.-]{1,64}$/.test(o.requestId)) found.push(`unsafe X-Request-Id echoed\n${show(o)}`);
  }
  return found;
}

beforeAll(async () => {
  server = await startApiServer({
    env: {
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_HOUR: '1000000',
      RATE_LIMIT_PER_DAY: '1000000',
    },
  });
  http = new Http(server.url);
  ops = routesOf(await fetchOpenApi(server.url));
  const [admin, agent, otherAdmin, ...spares] = await Promise.all(
    [
      'admin@demo.test',
      'agent1@demo.test',
      'admin@other.test',
      ...Array.from({ length: LOGOUT_SESSIONS }, () => 'admin@demo.test'),
      ...Array.from({ length: LOGOUT_SESSIONS }, () => 'agent1@demo.test'),
    ].map((e) => http.login(e)),
  );
  sessions.admin = admin!;
  sessions.agent = agent!;
  logoutTokens.admin = spares.slice(0, LOGOUT_SESSIONS).map((s) => s.token);
  logoutTokens.agent = spares.slice(LOGOUT_SESSIONS).map((s) => s.token);
  protectedIds = new Set([admin!.user.id, agent!.user.id]);
  foreignIds.push(server.orgs.other, otherAdmin!.user.id);
  await collectIds(otherAdmin!);
});
afterAll(() => stopAndClean(server));

describe('API fuzz from the OpenAPI document', () => {
  it('covers both facades', () => {
    expect(ops.some((o) => o.path.startsWith('/api/v1/'))).toBe(true);
    expect(ops.some((o) => o.path.startsWith('/v1/oncall/'))).toBe(true);
  });

  it('answers thousands of malformed requests with 4xx in the error format, never a 5xx', async () => {
    const rng = new Rng(SEED);
    const ctx = fuzzContext(SEED);
    const requests: FuzzRequest[] = [];
    for (const op of ops) {
      for (const as of ['admin', 'agent'] as const) {
        for (let i = 0; i < MALFORMED_PER_ROUTE_AND_ROLE; i++) requests.push(malformedRequest(op, as, rng, ctx));
      }
    }
    const started = Date.now();
    const outcomes = await sendAll(requests);
    console.log(
      `fuzz seed ${SEED}: ${outcomes.length} malformed requests to ${ops.length} operations in ${Date.now() - started} ms; by status:`,
      countsByStatus(outcomes),
    );
    const byKind: Record<string, Record<string, number>> = {};
    for (const o of outcomes) (byKind[o.req.kind] ??= {})[o.status] = (byKind[o.req.kind]![o.status] ?? 0) + 1;
    console.log('by kind:', JSON.stringify(byKind));
    const slowest = [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, 5);
    console.log('slowest:', slowest.map((o) => `${o.ms} ms ${o.req.kind} ${describeOp(o.req.op)} -> ${o.status}`));

    expect(outcomes.length).toBeGreaterThanOrEqual(3000);
    expect(violations(outcomes).slice(0, 15).join('\n\n')).toBe('');
    // Not a fuzz of the validator alone: handlers ran and answered 2xx to part of it.
    expect(outcomes.filter((o) => typeof o.status === 'number' && o.status < 300).length).toBeGreaterThan(100);
  });

  it('answers a few hundred well-formed requests with real ids without a 5xx, and every list route works', async () => {
    const rng = new Rng(SEED + 1);
    const ctx = fuzzContext(SEED + 1);
    const requests: FuzzRequest[] = [];
    for (const op of ops) {
      for (const as of ['admin', 'agent'] as const) {
        for (let i = 0; i < VALIDISH_PER_ROUTE_AND_ROLE; i++) requests.push(validishRequest(op, as, rng, ctx));
      }
    }
    const outcomes = await sendAll(requests);
    console.log(`fuzz seed ${SEED + 1}: ${outcomes.length} well-formed requests; by status:`, countsByStatus(outcomes));

    expect(violations(outcomes).slice(0, 15).join('\n\n')).toBe('');
    const listRoutes = ops.filter((o) => o.method === 'GET' && o.pathParams.every((p) => p.name === 'org_id'));
    const unanswered = listRoutes.filter(
      (op) => !outcomes.some((o) => o.req.op === op && o.req.as === 'admin' && o.status === 200),
    );
    expect(unanswered.map(describeOp)).toEqual([]);
  });

  it('is still up and serving afterwards', async () => {
    expect(server.process.exitCode).toBeNull();
    const me = await http.get('/api/v1/users/me', { token: sessions.admin.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(sessions.admin.user.id);
  });
});
