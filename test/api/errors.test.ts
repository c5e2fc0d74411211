/**
 * Every error path of the API answers seed 003's format {"error":{"code","message","details"?}}
 * with the right status, on every route the API documents at GET /docs/json, and that document
 * is valid OpenAPI 3 listing both facades and both credentials.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../src-shared/schemas/errors';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http, type Res, type Session } from '../support/http';
import { holdWriteLock } from '../support/store';
import {
  collectionFor,
  describeOp,
  fetchOpenApi,
  fillPath,
  Rng,
  routesOf,
  sampleQuery,
  sampleValue,
  type OpenApiDocument,
  type RouteOp,
} from '../support/openapi-routes';

const BODY_LIMIT = 16 * 1024;

let server: ApiServer;
let http: Http;
let doc: OpenApiDocument;
let ops: RouteOp[];
let admin: Session;
let otherAdmin: Session;
const rng = new Rng(3);

/** The error object of a response, after checking status, content type and format. */
function expectError(res: Res, status: number, code?: string) {
  const where = `${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, where).toBe(status);
  expect(res.headers.get('content-type'), where).toMatch(/^application\/json/);
  const parsed = ErrorBody.safeParse(res.body);
  expect(parsed.success, `not in the error format: ${where}`).toBe(true);
  if (code) expect(res.body.error.code, where).toBe(code);
  return res.body.error as { code: string; message: string; details?: Record<string, unknown> };
}

/** A concrete URL for the operation: own organization, random ids unless given. */
function urlOf(op: RouteOp, values: Record<string, string> = {}): string {
  const filled: Record<string, string> = {};
  for (const p of op.pathParams) filled[p.name] = values[p.name] ?? (p.name === 'org_id' ? server.orgs.demo : rng.uuid());
  return fillPath(op.path, filled);
}

const withBody = () => ops.filter((o) => o.body);
const protectedOps = () => ops.filter((o) => !o.isPublic);
const entityParam = (op: RouteOp) => op.pathParams.find((p) => p.name !== 'org_id');

beforeAll(async () => {
  server = await startApiServer({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
  http = new Http(server.url);
  doc = await fetchOpenApi(server.url);
  ops = routesOf(doc);
  [admin, otherAdmin] = await Promise.all([http.login('admin@demo.test'), http.login('admin@other.test')]);
});
afterAll(() => stopAndClean(server));

describe('OpenAPI document at /docs/json', () => {
  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('declares both credentials and requires one of them by default', () => {
    expect(doc.components?.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    expect(doc.security).toEqual(expect.arrayContaining([{ bearerAuth: [] }, { apiKey: [] }]));
    expect(ops.filter((o) => o.isPublic).map(describeOp).sort()).toEqual([
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/refresh',
    ]);
  });

  it("lists every route of seed 000's facade and seed 003's facade", () => {
    const documented = new Set(ops.map(describeOp));
    const org = '/api/v1/organizations/{org_id}';
    const v1 = [
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/refresh',
      'POST /api/v1/auth/logout',
      'GET /api/v1/users/me',
      'GET /api/v1/users/me/tasks',
      `GET ${org}/users`,
      ...['calls', 'tasks', 'patients'].flatMap((r) => [`GET ${org}/${r}`, `POST ${org}/${r}`]),
      `GET ${org}/calls/{call_id}`,
      `PATCH ${org}/calls/{call_id}`,
      `GET ${org}/tasks/{task_id}`,
      `PATCH ${org}/tasks/{task_id}`,
      `GET ${org}/patients/{patient_id}`,
      `PATCH ${org}/patients/{patient_id}`,
      `GET ${org}/dispositions`,
      `GET ${org}/api-keys`,
      `POST ${org}/api-keys`,
      `GET ${org}/audit`,
      `GET ${org}/webhooks`,
      `POST ${org}/webhooks`,
      `POST ${org}/sync/push`,
      `GET ${org}/sync/pull`,
    ];
    const oncall = ['calls', 'schedules', 'recordings', 'compliance'].flatMap((r) => [
      `GET /v1/oncall/${r}`,
      `POST /v1/oncall/${r}`,
      `GET /v1/oncall/${r}/{id}`,
      `PATCH /v1/oncall/${r}/{id}`,
    ]);
    expect([...v1, ...oncall].filter((r) => !documented.has(r))).toEqual([]);
  });

  it('documents only routes that exist', async () => {
    for (const op of ops) {
      // Logging out revokes the token it is sent with: spend a session of its own.
      const as = op.path.endsWith('/auth/logout') ? await http.login('admin@demo.test') : admin;
      const res = await fetch(server.url + urlOf(op), {
        method: op.method,
        headers: { authorization: `Bearer ${as.token}`, ...(op.body ? { 'content-type': 'application/json' } : {}) },
        body: op.body ? '{}' : undefined,
      });
      // Read no further than the status: the sync event stream never ends.
      const text = res.headers.get('content-type')?.includes('event-stream') ? (await res.body?.cancel(), '') : await res.text();
      const missing = res.status === 404 && text.includes('"route ');
      expect(missing, `${describeOp(op)} is documented but not served`).toBe(false);
    }
  });
});

describe('routing errors', () => {
  it('answers an unknown route 404 NOT_FOUND', async () => {
    for (const path of ['/', '/api/v1/nope', '/v1/oncall/nope', '/api/v2/calls', `/api/v1/organizations/${server.orgs.demo}/nope`]) {
      expectError(await http.get(path, admin), 404, 'NOT_FOUND');
    }
  });

  it('answers a documented path asked with another method 405 with an Allow header', async () => {
    for (const path of Object.keys(doc.paths)) {
      const documented = Object.keys(doc.paths[path]!).map((m) => m.toUpperCase());
      const wrong = ['PUT', 'DELETE', 'PATCH', 'POST', 'GET'].find((m) => !documented.includes(m))!;
      const op = ops.find((o) => o.path === path)!;
      const res = await http.request(wrong, urlOf(op), { as: admin });
      const err = expectError(res, 405, 'METHOD_NOT_ALLOWED');
      const allow = res.headers.get('allow')?.split(/,\s*/) ?? [];
      expect(allow, `${wrong} ${path}`).toEqual(expect.arrayContaining(documented));
      expect(err.details?.allow).toEqual(allow);
    }
  });

  it('answers bad percent-encoding in the path 400 and an overlong id 404', async () => {
    expectError(await http.get(`/api/v1/organizations/${server.orgs.demo}/calls/%ZZ`, admin), 400, 'BAD_REQUEST');
    expectError(await http.get(`/api/v1/organizations/${server.orgs.demo}/calls/${'a'.repeat(500)}`, admin), 404, 'NOT_FOUND');
  });

  it('answers headers over the limit 431 in the error format', async () => {
    const res = await http.get(`/api/v1/organizations/${server.orgs.demo}/calls`, { apiKey: 'k'.repeat(20_000) });
    expectError(res, 431, 'HEADERS_TOO_LARGE');
  });
});

describe('body errors', () => {
  it('answers malformed JSON 400 INVALID_JSON on every route that takes a body', async () => {
    for (const op of withBody()) {
      const res = await http.request(op.method, urlOf(op), {
        as: admin,
        rawBody: '{"phone_number": "+4477',
        headers: { 'content-type': 'application/json' },
      });
      expectError(res, 400, 'INVALID_JSON');
    }
  });

  it('answers a body that is not JSON 415 UNSUPPORTED_MEDIA_TYPE on every route that takes a body', async () => {
    for (const op of withBody()) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const res = await http.request(op.method, urlOf(op), { as: admin, rawBody: 'a=b', headers: { 'content-type': type } });
        expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
    }
  });

  it('answers a body over BODY_LIMIT_BYTES 413 PAYLOAD_TOO_LARGE', async () => {
    for (const op of withBody()) {
      const res = await http.request(op.method, urlOf(op), { as: admin, body: { notes: 'x'.repeat(BODY_LIMIT + 1) } });
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    }
  });

  it('answers an empty POST 400 INVALID_JSON, with or without a JSON content type', async () => {
    for (const op of withBody().filter((o) => o.method === 'POST')) {
      expectError(await http.request('POST', urlOf(op), { as: admin }), 400, 'INVALID_JSON');
      const typed = await http.request('POST', urlOf(op), { as: admin, rawBody: '', headers: { 'content-type': 'application/json' } });
      expectError(typed, 400, 'INVALID_JSON');
    }
  });

  it('answers invalid fields 422 VALIDATION_FAILED naming every missing required field', async () => {
    const withRequired = withBody().filter((o) => (o.body?.required?.length ?? 0) > 0);
    expect(withRequired.length).toBeGreaterThan(5);
    for (const op of withRequired) {
      const err = expectError(await http.request(op.method, urlOf(op), { as: admin, body: {} }), 422, 'VALIDATION_FAILED');
      expect(Object.keys(err.details ?? {}), describeOp(op)).toEqual(expect.arrayContaining(op.body!.required!));
    }
  });

  it('answers a field of the wrong type 422 with that field in details', async () => {
    const res = await http.post(
      `/api/v1/organizations/${server.orgs.demo}/calls`,
      { direction: 'inbound', phone_number: 447700900123, priority: 'whenever' },
      admin,
    );
    const err = expectError(res, 422, 'VALIDATION_FAILED');
    expect(Object.keys(err.details!).sort()).toEqual(['phone_number', 'priority']);
    const oncall = expectError(await http.post('/v1/oncall/recordings', { callId: 'x', url: 'ftp://x', duration: -1 }, admin), 422);
    expect(Object.keys(oncall.details!)).toEqual(expect.arrayContaining(['callId', 'url', 'duration']));
  });
});

describe('text with a NUL character', () => {
  // PostgreSQL cannot store U+0000 in text (the write was a 500 there) while SQLite keeps it:
  // both stores refuse it the same way, before any handler runs.
  it('is refused 422 in a body and 400 in a query, naming the field, on both facades', async () => {
    const call = await http.post(`/api/v1/organizations/${server.orgs.demo}/calls`, { direction: 'inbound', phone_number: '+447700900123' }, admin);
    expect(call.status).toBe(201);
    const body = await http.patch(`/v1/oncall/calls/${call.body.id}`, { notes: 'nul\u0000byte', metadata: { ['k\u0000']: 1 } }, admin);
    expect(body.status).toBe(422);
    expect(ErrorBody.parse(body.body).error).toMatchObject({ code: 'VALIDATION_FAILED', details: { notes: expect.stringContaining('NUL') } });
    const query = await http.get(`/api/v1/organizations/${server.orgs.demo}/patients?q=a%00b`, admin);
    expect(query.status).toBe(400);
    expect(ErrorBody.parse(query.body).error.code).toBe('BAD_REQUEST');
    expect((await http.get(`/api/v1/organizations/${server.orgs.demo}/calls/${call.body.id}`, admin)).body.notes).toBe('');
  });
});

describe('query and path errors', () => {
  it('answers a bad query 400 BAD_REQUEST with per-parameter details on every paged list', async () => {
    const paged = ops.filter((o) => o.queryParams.some((p) => p.name === 'limit'));
    expect(paged.length).toBeGreaterThan(5);
    for (const op of paged) {
      const bad: Record<string, string> = op.queryParams.some((p) => p.name === 'page') ? { limit: '0', page: '-1' } : { limit: '0' };
      const query = new URLSearchParams({ ...sampleQuery(op, rng, 0), ...bad });
      const err = expectError(await http.get(`${urlOf(op)}?${query}`, admin), 400, 'BAD_REQUEST');
      expect(Object.keys(err.details ?? {}).sort(), describeOp(op)).toEqual(Object.keys(bad).sort());
    }
  });

  it('answers a path id that is not a UUID 404 NOT_FOUND on every route', async () => {
    for (const op of ops.filter((o) => o.pathParams.length > 0)) {
      for (const p of op.pathParams) {
        const res = await http.request(op.method, urlOf(op, { [p.name]: 'not-a-uuid' }), { as: admin, body: op.body ? {} : undefined });
        expectError(res, 404, 'NOT_FOUND');
      }
    }
  });

  it("answers another organization's records 404 NOT_FOUND, never their data", async () => {
    let checked = 0;
    for (const op of ops.filter((o) => entityParam(o) && (o.method === 'GET' || o.method === 'DELETE'))) {
      const param = entityParam(op)!.name;
      const list = collectionFor(ops, op, param);
      if (!list) continue;
      const theirs = await http.get(`${fillPath(list.path, { org_id: server.orgs.other })}?limit=1`, otherAdmin);
      const id: string | undefined = theirs.body?.items?.[0]?.id;
      if (!id) continue;
      for (const org of [server.orgs.demo, server.orgs.other]) {
        const res = await http.request(op.method, urlOf(op, { org_id: org, [param]: id }), { as: admin });
        expectError(res, 404, 'NOT_FOUND');
        expect(res.text).not.toContain(id);
      }
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it("answers every route of another organization's path 404 with a well-formed request", async () => {
    for (const op of ops.filter((o) => o.pathParams.some((p) => p.name === 'org_id'))) {
      const body = op.body ? sampleValue(op.body, rng) : undefined;
      const query = new URLSearchParams(sampleQuery(op, rng, 0));
      const res = await http.request(op.method, `${urlOf(op, { org_id: server.orgs.other })}?${query}`, { as: admin, body });
      // Validation runs before the organization check, so a sample the schema refuses is a 422.
      expect([404, 422], `${describeOp(op)}: ${res.text.slice(0, 200)}`).toContain(res.status);
      expectError(res, res.status);
    }
  });
});

describe('credential errors', () => {
  it('answers every protected route without a credential 401 UNAUTHORIZED', async () => {
    for (const op of protectedOps()) expectError(await http.request(op.method, urlOf(op)), 401, 'UNAUTHORIZED');
  });

  it('answers a bad token, a malformed Authorization header or a bad API key 401 UNAUTHORIZED', async () => {
    for (const op of protectedOps()) {
      expectError(await http.request(op.method, urlOf(op), { as: { token: 'oca_not-a-real-token' } }), 401, 'UNAUTHORIZED');
      expectError(await http.request(op.method, urlOf(op), { as: { apiKey: 'ock_not-a-real-key' } }), 401, 'UNAUTHORIZED');
      const basic = await http.request(op.method, urlOf(op), { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
      expectError(basic, 401, 'UNAUTHORIZED');
    }
  });
});

describe('X-Request-Id', () => {
  // The server names every request itself (the client's id is audited apart, docs/auth.md).
  it("answers its own X-Request-Id on success and on every kind of error, whatever the client sent", async () => {
    const calls = `/api/v1/organizations/${server.orgs.demo}/calls`;
    const cases: [string, string, Record<string, string>, string?][] = [
      ['GET', calls, {}],
      ['GET', `${calls}?limit=0`, {}],
      ['GET', '/api/v1/nope', {}],
      ['DELETE', calls, {}],
      ['GET', `${calls}/%ZZ`, {}],
      ['POST', calls, { 'content-type': 'application/json' }, '{bad'],
    ];
    for (const [i, [method, path, headers, rawBody]] of cases.entries()) {
      const id = `trace-${i}.abc_DEF`;
      const res = await http.request(method, path, { as: admin, headers: { ...headers, 'x-request-id': id }, rawBody });
      expect(res.headers.get('x-request-id'), `${method} ${path} -> ${res.status}`).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-request-id')).not.toBe(id);
    }
  });

  it('answers its own also for an unsafe X-Request-Id, and makes one when none is sent', async () => {
    for (const garbage of ['<script>', 'a'.repeat(65), 'has spaces', '']) {
      const res = await http.request('GET', '/api/v1/users/me', { as: admin, headers: { 'x-request-id': garbage } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const a = await http.get('/api/v1/users/me', admin);
    const b = await http.get('/api/v1/users/me', admin);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('a busy database', () => {
  it('answers 503 with Retry-After in the error format, not a 500, and the write goes through on retry', async () => {
    const calls = `/api/v1/organizations/${server.orgs.demo}/calls`;
    const body = { direction: 'inbound', phone_number: '+447700900563' };
    // Another writer (a backup, a migration) holds the write lock longer than the server waits.
    const release = await holdWriteLock(server);
    let res: Res;
    try {
      res = await http.post(calls, body, admin);
    } finally {
      await release();
    }
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(ErrorBody.parse(res.body).error.code).toBe('SERVICE_UNAVAILABLE');
    expect((await http.post(calls, body, admin)).status).toBe(201);
  });
});
