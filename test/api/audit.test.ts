/** The audit log: who did what, how, with which request; filters; access; append-only at the database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';
import { query, sql } from '../support/store';

let server: ApiServer;
let http: Http;
let admin: Session;
let supervisor: Session;
let agent: Session;
let otherAdmin: Session;
let org: string;
const calls = () => `/api/v1/organizations/${org}/calls`;
const audit = (query = '', as: Session = supervisor, orgId = org) => http.get(`/api/v1/organizations/${orgId}/audit?${query}`, as);

/** A call created and then updated by agent1, with the responses' request ids. */
let call: { id: string; createRequestId: string; updateRequestId: string };

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [admin, supervisor, agent, otherAdmin] = await Promise.all(
    ['admin@demo.test', 'supervisor@demo.test', 'agent1@demo.test', 'admin@other.test'].map((e) => http.login(e)),
  );
  const created = await http.post(calls(), { direction: 'inbound', phone_number: '+447700900400', notes: 'first' }, agent);
  await new Promise((r) => setTimeout(r, 20)); // distinct timestamps for the from/to filter test
  const updated = await http.request('PATCH', `${calls()}/${created.body.id}`, {
    body: { status: 'on_hold', notes: 'second' },
    as: agent,
    headers: { 'x-request-id': 'audit-test-update-1' },
  });
  expect(updated.status).toBe(200);
  call = {
    id: created.body.id,
    createRequestId: created.headers.get('x-request-id')!,
    updateRequestId: updated.headers.get('x-request-id')!,
  };
});
afterAll(() => stopAndClean(server));

describe('entries', () => {
  it('records a create with the new values, who made it, how, from where and in which request', async () => {
    const res = await audit(`entity=call&entity_id=${call.id}&action=create`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const entry = res.body.items[0];
    expect(entry).toMatchObject({
      organization_id: org,
      actor_type: 'user',
      actor_id: agent.user.id,
      auth_method: 'token',
      action: 'create',
      entity: 'call',
      entity_id: call.id,
      request_id: call.createRequestId,
      ip: '127.0.0.1',
    });
    expect(entry.changes.status).toEqual({ before: null, after: 'active' });
    expect(entry.changes.phone_number).toEqual({ before: null, after: '+447700900400' });
    expect(entry.changes.notes).toEqual({ before: null, after: 'first' });
    expect(Date.parse(entry.created_at)).not.toBeNaN();
  });

  it("records an update as before/after of the changed fields only, under the server's request id, keeping the client's apart", async () => {
    const res = await audit(`entity=call&entity_id=${call.id}&action=update`);
    expect(res.body.items).toHaveLength(1);
    const entry = res.body.items[0];
    // the server names every request itself: a client cannot make two entries share an id
    expect(call.updateRequestId).not.toBe('audit-test-update-1');
    expect(entry).toMatchObject({
      action: 'update',
      actor_id: agent.user.id,
      request_id: call.updateRequestId,
      client_request_id: 'audit-test-update-1',
    });
    expect(entry.changes).toEqual({
      status: { before: 'active', after: 'on_hold' },
      notes: { before: 'first', after: 'second' },
    });
  });

  it('records the API key as the actor when a key makes the change', async () => {
    const created = await http.post(`/api/v1/organizations/${org}/api-keys`, { name: 'audit key', role: 'supervisor' }, admin);
    const byKey = await http.post(calls(), { direction: 'outbound', phone_number: '+447700900401' }, { apiKey: created.body.key });
    expect(byKey.status).toBe(201);
    const res = await audit(`entity=call&entity_id=${byKey.body.id}`);
    expect(res.body.items[0]).toMatchObject({ actor_type: 'api_key', actor_id: created.body.id, auth_method: 'api_key', action: 'create' });
  });

  it('never contains secrets: passwords, tokens, API keys, webhook secrets or their hashes', async () => {
    const key = await http.post(`/api/v1/organizations/${org}/api-keys`, { name: 'secretive', role: 'agent' }, admin);
    const hook = await http.post(
      `/api/v1/organizations/${org}/webhooks`,
      { url: 'http://127.0.0.1:9/never', events: ['call.created'] },
      admin,
    );
    expect(hook.status).toBe(201);
    await http.delete(`/api/v1/organizations/${org}/webhooks/${hook.body.id}`, admin);
    const session = await http.login('agent2@demo.test');
    await http.post('/api/v1/auth/refresh', { refresh_token: session.refreshToken });

    const all: string[] = [];
    for (let page = 1; ; page++) {
      const res = await audit(`limit=200&page=${page}`, admin);
      all.push(res.text);
      if (!res.body.next_cursor) break;
    }
    const text = all.join('\n');
    for (const secret of [key.body.key, hook.body.secret, session.token, session.refreshToken, admin.token, PASSWORD]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/key_hash|password_hash|access_hash|refresh_hash|"secret"/);
    expect(text).toContain(key.body.id); // the key's creation is there, just not the key
  });
});

describe('GET /audit filters and paging', () => {
  it('lists newest first by id, pages with a total', async () => {
    const all = await audit('limit=200&include_total=true');
    const ids = all.body.items.map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const page1 = await audit('limit=2&page=1&include_total=true');
    const page2 = await audit('limit=2&page=2');
    expect([...page1.body.items, ...page2.body.items].map((e: { id: number }) => e.id)).toEqual(ids.slice(0, 4));
    expect(page1.body.total).toBe(all.body.total);
  });

  it('filters by entity, entity id, actor, action and time range (from inclusive, to exclusive)', async () => {
    const both = await audit(`entity_id=${call.id}`);
    expect(both.body.items.map((e: { action: string }) => e.action)).toEqual(['update', 'create']);
    const [update, create] = both.body.items;

    const mine = await audit(`actor_id=${agent.user.id}&entity=call`);
    expect(mine.body.items.every((e: { actor_id: string; entity: string }) => e.actor_id === agent.user.id && e.entity === 'call')).toBe(true);
    expect(mine.body.items.map((e: { id: number }) => e.id)).toEqual(expect.arrayContaining([create.id, update.id]));

    const window = await audit(`entity_id=${call.id}&from=${encodeURIComponent(create.created_at)}&to=${encodeURIComponent(update.created_at)}`);
    expect(window.body.items.map((e: { id: number }) => e.id)).toEqual([create.id]);
    const later = await audit(`entity_id=${call.id}&from=${encodeURIComponent(update.created_at)}`);
    expect(later.body.items.map((e: { id: number }) => e.id)).toEqual([update.id]);

    const logins = await audit('action=login&limit=200');
    expect(logins.body.items.length).toBeGreaterThan(0);
    expect(logins.body.items.every((e: { action: string }) => e.action === 'login')).toBe(true);
  });

  it('answers 400 in the error format for a filter that is not valid', async () => {
    const action = await audit('action=teleport');
    expect(action.status).toBe(400);
    expect(errorOf(action).details).toHaveProperty('action');
    const from = await audit('from=yesterday');
    expect(from.status).toBe(400);
    expect(errorOf(from).details).toHaveProperty('from');
  });
});

describe('who may read the log', () => {
  it('is closed to agents (403) and open to supervisors and admins', async () => {
    const res = await audit('', agent);
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect((await audit('', supervisor)).status).toBe(200);
    expect((await audit('', admin)).status).toBe(200);
  });

  it("keeps organizations apart: another organization's admin sees none of these entries", async () => {
    const foreign = await audit('', otherAdmin);
    expect(foreign.status).toBe(404);
    expect(errorOf(foreign).code).toBe('NOT_FOUND');

    const own = await audit('limit=200', otherAdmin, server.orgs.other);
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0); // at least their own sign-in
    expect(own.body.items.every((e: { organization_id: string }) => e.organization_id === server.orgs.other)).toBe(true);
    expect(own.text).not.toContain(call.id);
    expect(own.text).not.toContain(agent.user.id);
    const byId = await audit(`entity_id=${call.id}`, otherAdmin, server.orgs.other);
    expect(byId.body.items).toEqual([]);
  });
});

describe('append-only', () => {
  it('is enforced by the database: UPDATE and DELETE on audit_log are refused', async () => {
    const [entry] = (await audit(`entity_id=${call.id}&action=create`)).body.items;
    await expect(query(server, sql`UPDATE audit_log SET action = 'login' WHERE id = ${entry.id}`)).rejects.toThrow(/append-only/);
    await expect(query(server, sql`UPDATE audit_log SET changes = '{}'`)).rejects.toThrow(/append-only/);
    await expect(query(server, sql`DELETE FROM audit_log WHERE id = ${entry.id}`)).rejects.toThrow(/append-only/);
    await expect(query(server, sql`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    if (server.store === 'postgres') await expect(query(server, sql`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    const [after] = (await audit(`entity_id=${call.id}&action=create`)).body.items;
    expect(after).toEqual(entry);
  });
});
