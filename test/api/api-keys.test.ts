/** API keys: created by admins, shown once, stored hashed, usable as X-API-Key, revocable, expiring. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';
import { query, sql, storeBytes } from '../support/store';

let server: ApiServer;
let http: Http;
let admin: Session;
let supervisor: Session;
let agent: Session;
let otherAdmin: Session;
let org: string;
const keys = (orgId = org) => `/api/v1/organizations/${orgId}/api-keys`;
const calls = (orgId = org) => `/api/v1/organizations/${orgId}/calls`;
const KEY_FORMAT = /^ock_([0-9a-f]{8})_[\w-]{43}$/;

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [admin, supervisor, agent, otherAdmin] = await Promise.all(
    ['admin@demo.test', 'supervisor@demo.test', 'agent1@demo.test', 'admin@other.test'].map((e) => http.login(e)),
  );
});
afterAll(() => stopAndClean(server));

async function createKey(body: Record<string, unknown>, as = admin) {
  const res = await http.post(keys(), body, as);
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; key: string; prefix: string; role: string; expires_at: string };
}

/** A range around today, so the calls list is not limited to its default (today, UTC). */
function range() {
  const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 86_400_000).toISOString();
  return `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
}

describe('creating and using a key', () => {
  it('answers 201 with the key shown once, in the ock_<prefix>_<secret> format, expiring by default in a year', async () => {
    const before = Date.now();
    const res = await http.post(keys(), { name: 'Reporting export', role: 'supervisor' }, admin);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      organization_id: org,
      name: 'Reporting export',
      role: 'supervisor',
      created_by: admin.user.id,
      last_used_at: null,
      revoked_at: null,
    });
    const [, prefix] = KEY_FORMAT.exec(res.body.key) ?? [];
    expect(prefix).toBe(res.body.prefix);
    const ttl = Date.parse(res.body.expires_at) - before;
    expect(ttl).toBeGreaterThan(364 * 86_400_000);
    expect(ttl).toBeLessThan(366 * 86_400_000);
  });

  it('authenticates X-API-Key on v1 endpoints with the role it was given, and records last use', async () => {
    const key = await createKey({ name: 'BI tool', role: 'admin' });
    const res = await http.get(`${calls()}?${range()}&limit=200`, { apiKey: key.key });
    expect(res.status).toBe(200);
    // Admin role: every call of the organization, including both agents' seeded calls.
    const agents = new Set(res.body.items.map((c: { agent_id: string }) => c.agent_id));
    expect(agents.size).toBeGreaterThanOrEqual(2);

    const list = await http.get(keys(), admin);
    const listed = list.body.items.find((k: { id: string }) => k.id === key.id);
    expect(listed.last_used_at).not.toBeNull();
    expect(Date.parse(listed.last_used_at)).toBeGreaterThanOrEqual(Date.parse(listed.created_at));
  });

  it('gives an agent-role key only what an agent without calls of its own may see', async () => {
    const key = await createKey({ name: 'Kiosk', role: 'agent' });
    const seen = await http.get(`${calls()}?${range()}`, { apiKey: key.key });
    expect(seen.status).toBe(200);
    expect(seen.body.items).toHaveLength(0);
    const made = await http.post(calls(), { direction: 'inbound', phone_number: '+447700900321' }, { apiKey: key.key });
    expect(made.status).toBe(201);
    expect(made.body.agent_id).toBeNull();
    const keyOnly = await http.get(`${calls()}?${range()}`, { apiKey: key.key });
    expect(keyOnly.body.items.map((c: { id: string }) => c.id)).toEqual([made.body.id]);
    // Agent role: the audit log and key management stay closed.
    expect((await http.get(`/api/v1/organizations/${org}/audit`, { apiKey: key.key })).status).toBe(403);
    expect((await http.get(keys(), { apiKey: key.key })).status).toBe(403);
  });

  it('audits every use of a key with the request it made', async () => {
    const key = await createKey({ name: 'Audited', role: 'supervisor' });
    const used = await http.get(`${calls()}?${range()}`, { apiKey: key.key });
    const res = await http.get(`/api/v1/organizations/${org}/audit?action=key_use&actor_id=${key.id}`, admin);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      actor_type: 'api_key',
      actor_id: key.id,
      auth_method: 'api_key',
      entity: 'api_key',
      entity_id: key.id,
      request_id: used.headers.get('x-request-id'),
      changes: { request: { before: null, after: `GET /api/v1/organizations/${org}/calls` } },
    });
    const creation = await http.get(`/api/v1/organizations/${org}/audit?entity=api_key&entity_id=${key.id}&action=create`, admin);
    expect(creation.body.items[0]).toMatchObject({ actor_id: admin.user.id, auth_method: 'token' });
    expect(creation.text).not.toContain(key.key);
  });

  it('refuses an expiry in the past and an unknown role with 422', async () => {
    const past = await http.post(keys(), { name: 'x', expires_at: new Date(Date.now() - 1000).toISOString() }, admin);
    expect(past.status).toBe(422);
    expect(errorOf(past).details).toHaveProperty('expires_at');
    const role = await http.post(keys(), { name: 'x', role: 'owner' }, admin);
    expect(role.status).toBe(422);
    expect(errorOf(role).details).toHaveProperty('role');
    const noName = await http.post(keys(), { name: '   ' }, admin);
    expect(noName.status).toBe(422);
  });
});

describe('listing, revoking and expiry', () => {
  it('lists keys with their prefix but never the key or its hash', async () => {
    const key = await createKey({ name: 'Listed' });
    const res = await http.get(keys(), admin);
    expect(res.status).toBe(200);
    const listed = res.body.items.find((k: { id: string }) => k.id === key.id);
    expect(listed).toMatchObject({ name: 'Listed', prefix: key.prefix, role: 'agent' });
    expect(Object.keys(listed)).not.toContain('key');
    expect(Object.keys(listed)).not.toContain('key_hash');
    // the secret is everything after `ock_<prefix>_`: base64url, so it may hold `_` itself
    expect(res.text).not.toContain(key.key.split('_').slice(2).join('_'));
    expect(res.text).not.toContain(createHash('sha256').update(key.key).digest('hex'));
  });

  it('revokes a key: 200 with the record, the key answers 401 from then on, and the revocation is audited', async () => {
    const key = await createKey({ name: 'Short-lived integration', role: 'supervisor' });
    expect((await http.get(calls(), { apiKey: key.key })).status).toBe(200);

    const res = await http.delete(`${keys()}/${key.id}`, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: key.id, name: 'Short-lived integration' });
    expect(res.body.revoked_at).not.toBeNull();
    expect(res.body).not.toHaveProperty('key');

    const refused = await http.get(calls(), { apiKey: key.key });
    expect(refused.status).toBe(401);
    expect(errorOf(refused).code).toBe('UNAUTHORIZED');

    const again = await http.delete(`${keys()}/${key.id}`, admin);
    expect(again.status).toBe(200);
    expect(again.body.revoked_at).toBe(res.body.revoked_at);

    const entries = await http.get(`/api/v1/organizations/${org}/audit?action=revoke&entity_id=${key.id}`, admin);
    expect(entries.body.items).toHaveLength(1);
    expect(entries.body.items[0].changes.revoked_at).toEqual({ before: null, after: res.body.revoked_at });
  });

  it('answers 401 for a key past its expiry', async () => {
    const key = await createKey({ name: 'Expiring', expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await http.get(calls(), { apiKey: key.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, Date.parse(key.expires_at) - Date.now() + 100));
    const res = await http.get(calls(), { apiKey: key.key });
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHORIZED');
  });

  it('answers 401 for a key that was never issued, even in the right format', async () => {
    const fake = `ock_12345678_${'A'.repeat(43)}`;
    expect((await http.get(calls(), { apiKey: fake })).status).toBe(401);
  });
});

describe('who may manage keys', () => {
  it('refuses supervisors and agents with 403', async () => {
    const key = await createKey({ name: 'Guarded' });
    for (const who of [supervisor, agent]) {
      for (const res of [
        await http.post(keys(), { name: 'mine' }, who),
        await http.get(keys(), who),
        await http.delete(`${keys()}/${key.id}`, who),
      ]) {
        expect(res.status).toBe(403);
        expect(errorOf(res).code).toBe('FORBIDDEN');
      }
    }
    expect((await http.get(calls(), { apiKey: key.key })).status).toBe(200);
  });

  it('lets an admin-role key list keys but not mint or revoke them', async () => {
    const key = await createKey({ name: 'Admin integration', role: 'admin' });
    expect((await http.get(keys(), { apiKey: key.key })).status).toBe(200);
    expect((await http.post(keys(), { name: 'child', role: 'admin' }, { apiKey: key.key })).status).toBe(403);
    expect((await http.delete(`${keys()}/${key.id}`, { apiKey: key.key })).status).toBe(403);
  });

  it("hides another organization's keys behind 404, and a key works only in its own organization", async () => {
    const key = await createKey({ name: 'Demo only', role: 'admin' });
    expect((await http.get(keys(), otherAdmin)).status).toBe(404);
    expect((await http.delete(`${keys()}/${key.id}`, otherAdmin)).status).toBe(404);
    const viaOwnOrg = await http.delete(`${keys(server.orgs.other)}/${key.id}`, otherAdmin);
    expect(viaOwnOrg.status).toBe(404);
    expect((await http.get(keys(server.orgs.other), otherAdmin)).body.items).toHaveLength(0);
    expect((await http.get(calls(server.orgs.other), { apiKey: key.key })).status).toBe(404);
    expect((await http.get(calls(), { apiKey: key.key })).status).toBe(200);
  });
});

describe('keys at rest', () => {
  it('stores only a SHA-256 hash and the prefix: the key is nowhere in the database files', async () => {
    const key = await createKey({ name: 'At rest' });
    const secret = key.key.split('_').at(-1)!;

    const [row] = await query(server, sql`SELECT * FROM api_keys WHERE id = ${key.id}`);
    expect(row!.key_hash).toBe(createHash('sha256').update(key.key).digest('hex'));
    expect(row!.prefix).toBe(key.prefix);
    expect(JSON.stringify(row)).not.toContain(secret);
    const audit = await query<{ changes: string }>(server, sql`SELECT changes FROM audit_log`);
    expect(audit.some((a) => a.changes.includes(secret))).toBe(false);
    // The raw bytes too (SQLite's files, write-ahead log included; PostgreSQL's dump): no copy of
    // the key anywhere, while the hash written with it is found (so the scan does see what was
    // just written).
    const files = storeBytes(server);
    expect(files.some((bytes) => bytes.includes(createHash('sha256').update(key.key).digest('hex')))).toBe(true);
    for (const bytes of files) expect(bytes.includes(secret)).toBe(false);
  });
});
