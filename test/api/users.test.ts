/**
 * Users (`/users/me`, the organization's list) and the organization's disposition codes, which
 * the same roles read and only admins extend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let org: string;
let admin: Session;
let supervisor: Session;
let agent1: Session;
let otherAdmin: Session;
const users = () => `/api/v1/organizations/${org}/users`;
const dispositions = () => `/api/v1/organizations/${org}/dispositions`;
const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((u) => u.name);

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [admin, supervisor, agent1, otherAdmin] = await Promise.all(
    ['admin@demo.test', 'supervisor@demo.test', 'agent1@demo.test', 'admin@other.test'].map((e) => http.login(e)),
  );
});
afterAll(() => stopAndClean(server));

describe('GET /users/me', () => {
  it('answers the signed-in user, without any credential material', async () => {
    const res = await http.get('/api/v1/users/me', agent1);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: agent1.user.id,
      organization_id: org,
      email: 'agent1@demo.test',
      name: 'Alex Agent',
      role: 'agent',
      active: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(res.text).not.toContain('scrypt');
  });

  it('answers 403 to an API key, which has no user, and 401 without a credential', async () => {
    const created = await http.post(`/api/v1/organizations/${org}/api-keys`, { name: 'CRM sync', role: 'supervisor' }, admin);
    expect(created.status, created.text).toBe(201);
    const res = await http.get('/api/v1/users/me', { apiKey: created.body.key });
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    // the same key may still list the organization's users: only "me" is meaningless for it
    expect((await http.get(users(), { apiKey: created.body.key })).status).toBe(200);

    const anonymous = await http.get('/api/v1/users/me');
    expect(anonymous.status).toBe(401);
  });
});

describe('GET /organizations/{org_id}/users', () => {
  it("lists the organization's users ordered by name, for every role", async () => {
    for (const as of [agent1, supervisor, admin]) {
      const res = await http.get(`${users()}?include_total=true`, as);
      expect(res.status).toBe(200);
      expect(names(res)).toEqual(['Ada Admin', 'Alex Agent', 'Blair Agent', 'Sam Supervisor']);
      expect(res.body).toMatchObject({ page: 1, total: 4 });
      expect(res.body.items.every((u: { organization_id: string }) => u.organization_id === org)).toBe(true);
      expect(res.text).not.toContain('password');
    }
  });

  it('filters by role and pages', async () => {
    const agents = await http.get(`${users()}?role=agent&include_total=true`, supervisor);
    expect(names(agents)).toEqual(['Alex Agent', 'Blair Agent']);
    expect(agents.body.total).toBe(2);
    expect(names(await http.get(`${users()}?role=admin`, supervisor))).toEqual(['Ada Admin']);

    const page2 = await http.get(`${users()}?limit=3&page=2&include_total=true`, supervisor);
    expect(names(page2)).toEqual(['Sam Supervisor']);
    expect(page2.body.total).toBe(4);

    const bad = await http.get(`${users()}?role=owner`, supervisor);
    expect(bad.status).toBe(400);
    expect(errorOf(bad).details).toHaveProperty('role');
  });

  it("answers 404 for another organization's list", async () => {
    const res = await http.get(users(), otherAdmin);
    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('NOT_FOUND');
    expect(res.text).not.toContain('Alex Agent');
  });
});

describe('dispositions', () => {
  it("lists the defaults, then the organization's own codes", async () => {
    const res = await http.get(dispositions(), agent1);
    expect(res.status).toBe(200);
    const codes = res.body.items.map((d: { code: string }) => d.code);
    expect(codes.slice(0, 2)).toEqual(['resolved', 'callback_requested']);
    expect(res.body.items).toContainEqual({ code: 'prescription_query', label: 'Prescription query', builtin: false });
    expect(res.body.items).toContainEqual({ code: 'resolved', label: 'Resolved', builtin: true });
  });

  it('lets an admin add a code, which calls then accept as an outcome', async () => {
    const created = await http.post(dispositions(), { code: 'transport_booked', label: 'Transport booked' }, admin);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ code: 'transport_booked', label: 'Transport booked', builtin: false });
    const listed = await http.get(dispositions(), agent1);
    expect(listed.body.items.at(-1)).toEqual(created.body);

    const call = await http.post(`/api/v1/organizations/${org}/calls`, { direction: 'inbound', phone_number: '07700 900401' }, agent1);
    const outcome = await http.patch(`/api/v1/organizations/${org}/calls/${call.body.id}`, { outcome: 'transport_booked' }, agent1);
    expect(outcome.status).toBe(200);
    // only in this organization
    const other = await http.get(`/api/v1/organizations/${server.orgs.other}/dispositions`, otherAdmin);
    expect(other.body.items.map((d: { code: string }) => d.code)).not.toContain('transport_booked');
  });

  it('answers 409 for an existing code, built-in or not', async () => {
    for (const code of ['resolved', 'prescription_query']) {
      const res = await http.post(dispositions(), { code, label: 'Again' }, admin);
      expect(res.status, code).toBe(409);
      expect(errorOf(res).code).toBe('CONFLICT');
    }
  });

  it('refuses non-admins (403), bad codes (422) and other organizations (404)', async () => {
    for (const as of [agent1, supervisor]) {
      const res = await http.post(dispositions(), { code: 'sneaky', label: 'Sneaky' }, as);
      expect(res.status).toBe(403);
    }
    const bad = await http.post(dispositions(), { code: 'Has Spaces', label: '' }, admin);
    expect(bad.status).toBe(422);
    expect(Object.keys(errorOf(bad).details!)).toEqual(expect.arrayContaining(['code', 'label']));
    expect((await http.post(dispositions(), { code: 'foreign', label: 'Foreign' }, otherAdmin)).status).toBe(404);
    expect((await http.get(dispositions(), otherAdmin)).status).toBe(404);
    const codes = (await http.get(dispositions(), agent1)).body.items.map((d: { code: string }) => d.code);
    expect(codes).not.toContain('sneaky');
    expect(codes).not.toContain('foreign');
  });
});
