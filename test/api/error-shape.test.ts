/**
 * Seed 003's error shape, as an integrator meets it: `details` on every error (an object, empty
 * when there is nothing to add), camelCase details in the OnCall facade, 405 with Allow whether
 * or not the request had a body, unknown query parameters refused with the allowed ones named,
 * and a date-only due date refused with a message that says what to send. Real API process;
 * the route lists come from its own OpenAPI document, so new routes are covered as they appear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../src-shared/schemas/errors';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http, type Res, type Session } from '../support/http';
import { describeOp, fetchOpenApi, fillPath, routesOf, type RouteOp } from '../support/openapi-routes';

let server: ApiServer;
let http: Http;
let ops: RouteOp[];
let admin: Session;

function errorOf(res: Res, status: number, code: string) {
  const where = `${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, where).toBe(status);
  expect(ErrorBody.safeParse(res.body).success, `not in the error format: ${where}`).toBe(true);
  expect(res.body.error.code, where).toBe(code);
  return res.body.error as { code: string; message: string; details: Record<string, unknown> };
}

const urlOf = (op: RouteOp) =>
  fillPath(op.path, Object.fromEntries(op.pathParams.map((p) => [p.name, p.name === 'org_id' ? server.orgs.demo : crypto.randomUUID()])));

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  ops = routesOf(await fetchOpenApi(server.url));
  admin = await http.login('admin@demo.test');
});
afterAll(() => stopAndClean(server));

describe('details', () => {
  it('is an object on every kind of error, empty when there is nothing to add', async () => {
    const unauth = errorOf(await http.get('/v1/oncall/calls'), 401, 'UNAUTHORIZED');
    expect(unauth.details).toEqual({});
    const missing = errorOf(await http.get(`/v1/oncall/calls/${crypto.randomUUID()}`, admin), 404, 'NOT_FOUND');
    expect(missing.details).toEqual({});
    const badJson = await http.request('POST', '/v1/oncall/calls', { rawBody: '{', as: admin, headers: { 'content-type': 'application/json' } });
    expect(errorOf(badJson, 400, 'INVALID_JSON').details).toEqual({});
    const route = errorOf(await http.get('/v1/oncall/nowhere', admin), 404, 'NOT_FOUND');
    expect(route.details).toEqual({});
  });
});

describe('the OnCall facade keys every detail in camelCase, one name per field', () => {
  it('reports a service-level check under the facade name (patientId, not patient_id)', async () => {
    const res = await http.post('/v1/oncall/calls', { phoneNumber: '+447700900000', region: 'england', patientId: crypto.randomUUID() }, admin);
    expect(errorOf(res, 422, 'VALIDATION_FAILED').details).toEqual({ patientId: 'no such patient' });
  });

  it('reports an unparseable phone number once, as phoneNumber', async () => {
    const res = await http.post('/v1/oncall/calls', { phoneNumber: '123', region: 'england' }, admin);
    const details = errorOf(res, 422, 'VALIDATION_FAILED').details;
    expect(Object.keys(details)).toEqual(['phoneNumber']);
  });

  it('keeps seed 000 details in snake_case', async () => {
    const res = await http.post(`/api/v1/organizations/${server.orgs.demo}/calls`, { direction: 'inbound', phone_number: '07700 900123', patient_id: crypto.randomUUID() }, admin);
    expect(errorOf(res, 422, 'VALIDATION_FAILED').details).toEqual({ patient_id: 'no such patient' });
  });
});

describe('405 with Allow, with or without a body', () => {
  const variants: [string, { rawBody?: string; headers?: Record<string, string> }][] = [
    ['no body', {}],
    ['an empty JSON body', { headers: { 'content-type': 'application/json' } }],
    ['a broken JSON body', { rawBody: '{', headers: { 'content-type': 'application/json' } }],
    ['a JSON body', { rawBody: '{}', headers: { 'content-type': 'application/json' } }],
    ['a text body', { rawBody: 'x', headers: { 'content-type': 'text/plain' } }],
  ];
  for (const [what, options] of variants) {
    it(`answers 405 to PUT on a collection with ${what}`, async () => {
      for (const path of ['/v1/oncall/calls', `/api/v1/organizations/${server.orgs.demo}/tasks`]) {
        const res = await http.request('PUT', path, { ...options, as: admin });
        const err = errorOf(res, 405, 'METHOD_NOT_ALLOWED');
        expect(res.headers.get('allow'), path).toBe('GET, HEAD, POST');
        expect(err.details.allow).toEqual(['GET', 'HEAD', 'POST']);
      }
    });
  }
});

describe('unknown query parameters', () => {
  it('are refused 400 on every documented route without a body, naming the allowed ones', async () => {
    // (Fastify checks a body before the query: a route with a body is covered by the login case below.)
    const bodiless = ops.filter((o) => o.method === 'GET' || o.method === 'DELETE');
    expect(bodiless.length).toBeGreaterThan(15);
    for (const op of bodiless) {
      const res = await http.request(op.method, `${urlOf(op)}?regulatory_body=CQC`, { as: admin });
      const err = errorOf(res, 400, 'BAD_REQUEST');
      const allowed = op.queryParams.map((p) => p.name).sort();
      expect(err.details.unknown, describeOp(op)).toEqual(['regulatory_body']);
      expect([...(err.details.allowed as string[])].sort(), describeOp(op)).toEqual(allowed);
    }
  });

  it('tells a misspelled seed 003 filter from the right one', async () => {
    const res = await http.get('/v1/oncall/compliance?region=england&regulatory_body=CQC', admin);
    const err = errorOf(res, 400, 'BAD_REQUEST');
    expect(err.message).toContain('"regulatory_body"');
    expect(err.message).toContain('regulatoryBody');
    expect(err.details.allowed).toEqual(expect.arrayContaining(['region', 'regulatoryBody', 'status', 'checkType', 'page', 'limit']));
    expect((await http.get('/v1/oncall/compliance?region=england&regulatoryBody=CQC', admin)).status).toBe(200);
  });

  it('are refused on public routes too', async () => {
    const res = await http.post('/api/v1/auth/login?debug=1', { email: 'admin@demo.test', password: 'demo-password' });
    expect(errorOf(res, 400, 'BAD_REQUEST').details.allowed).toEqual([]);
  });
});

describe('date-only due dates', () => {
  it('are refused with a message that says what to send', async () => {
    const tasks = `/api/v1/organizations/${server.orgs.demo}/tasks`;
    const res = await http.post(tasks, { title: 'Call back', due_date: '2026-12-10' }, admin);
    const err = errorOf(res, 422, 'VALIDATION_FAILED');
    expect(err.details.due_date).toMatch(/date-time with a time zone, e\.g\. 2026-12-10T17:00:00Z/);
    const ok = await http.post(tasks, { title: 'Call back', due_date: '2026-12-10T17:00:00+01:00' }, admin);
    expect(ok.status).toBe(201);
    expect(ok.body.due_date).toBe('2026-12-10T16:00:00.000Z');
  });
});
