/**
 * Seed 003's calls under /v1/oncall: the same records as seed 000's calls, seen in camelCase,
 * with the organization taken from the credential.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { addWebhookRow, queuedDeliveries } from '../support/webhook-rows';
import { errorOf, Http, type Session } from '../support/http';
import { query, sql } from '../support/store';

let server: ApiServer;
let http: Http;
let agent1: Session;
let agent2: Session;
let supervisor: Session;
let otherAdmin: Session;
let org: string;
const CALLS = '/v1/oncall/calls';
const v1Calls = () => `/api/v1/organizations/${org}/calls`;

// The seed's "Create Call" and "Update Call" request bodies, verbatim.
const SEED_CREATE = {
  phoneNumber: '+447700900000',
  region: 'england',
  priority: 'normal',
  metadata: { caller_name: 'John Doe', location: 'Ward A' },
};
const SEED_UPDATE = { status: 'active', metadata: { assigned_staff: 'staff_123' } };



/** A call logged days ago (no endpoint back-dates calls; offline sync does, through the same table). */
async function insertOldCall(agentId: string, startedAt: string): Promise<string> {
  const id = uuidv7();
  await query(
    server,
    sql`INSERT INTO calls (id, organization_id, patient_id, agent_id, direction, phone_number, status, priority, region,
       notes, outcome, metadata, started_at, ended_at, created_at, updated_at, version)
     VALUES (${id}, ${org}, NULL, ${agentId}, 'inbound', '+447700900999', 'completed', 'high', 'scotland', '', NULL, '{}',
       ${startedAt}, ${startedAt}, ${startedAt}, ${startedAt}, 1)`,
  );
  return id;
}

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [agent1, agent2, supervisor, otherAdmin] = await Promise.all(
    ['agent1@demo.test', 'agent2@demo.test', 'supervisor@demo.test', 'admin@other.test'].map((e) => http.login(e)),
  );
});
afterAll(() => stopAndClean(server));

describe('POST /v1/oncall/calls', () => {
  it("accepts the seed's example body and answers the seed's response shape", async () => {
    const before = Date.now();
    const res = await http.post(CALLS, SEED_CREATE, agent1);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      phoneNumber: '+447700900000',
      region: 'england',
      priority: 'normal',
      status: 'pending',
      direction: 'inbound',
      endTime: null,
      metadata: { caller_name: 'John Doe', location: 'Ward A' },
      organizationId: org,
      agentId: agent1.user.id,
    });
    expect(Date.parse(res.body.startTime)).toBeGreaterThanOrEqual(before - 1000);
    expect(res.body.createdAt).toBe(res.body.startTime);
    expect(res.body.updatedAt).toBe(res.body.createdAt);
    const fetched = await http.get(`${CALLS}/${res.body.id}`, agent1);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
  });

  it('normalises the number like the v1 facade', async () => {
    const res = await http.post(CALLS, { ...SEED_CREATE, phoneNumber: '07700 900321' }, agent1);
    expect(res.status).toBe(201);
    expect(res.body.phoneNumber).toBe('+447700900321');
  });

  it('rejects invalid input with 422 and camelCase field details', async () => {
    const res = await http.post(CALLS, { phoneNumber: 'call me', region: 'atlantis', priority: 'asap' }, agent1);
    expect(res.status).toBe(422);
    const err = errorOf(res);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(err.details!)).toEqual(expect.arrayContaining(['phoneNumber', 'region', 'priority']));

    const missing = await http.post(CALLS, { phoneNumber: '+447700900000' }, agent1);
    expect(missing.status).toBe(422);
    expect(errorOf(missing).details).toHaveProperty('region');
  });

  it('refuses a request without a credential in the error format', async () => {
    const res = await http.post(CALLS, SEED_CREATE);
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHORIZED');
  });
});

describe('PATCH /v1/oncall/calls/{id}', () => {
  it("applies the seed's example body, merging metadata over what is there", async () => {
    const created = await http.post(CALLS, SEED_CREATE, agent1);
    const res = await http.patch(`${CALLS}/${created.body.id}`, SEED_UPDATE, agent1);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
    expect(res.body.metadata).toEqual({ caller_name: 'John Doe', location: 'Ward A', assigned_staff: 'staff_123' });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
  });

  it('follows the call status workflow: completing sets endTime, leaving completed is 409', async () => {
    const created = await http.post(CALLS, SEED_CREATE, agent1);
    const id = created.body.id;
    await http.patch(`${CALLS}/${id}`, { status: 'active' }, agent1);
    const done = await http.patch(`${CALLS}/${id}`, { status: 'completed', outcome: 'resolved', notes: 'Sorted' }, agent1);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', outcome: 'resolved', notes: 'Sorted' });
    expect(done.body.endTime).not.toBeNull();
    const back = await http.patch(`${CALLS}/${id}`, { status: 'active' }, agent1);
    expect(back.status).toBe(409);
    expect(errorOf(back).code).toBe('INVALID_STATUS_TRANSITION');
  });

  it('changes priority and region, and rejects an empty or invalid patch with 422', async () => {
    const created = await http.post(CALLS, SEED_CREATE, agent1);
    const res = await http.patch(`${CALLS}/${created.body.id}`, { priority: 'urgent', region: 'wales' }, agent1);
    expect(res.body).toMatchObject({ priority: 'urgent', region: 'wales' });
    const empty = await http.patch(`${CALLS}/${created.body.id}`, {}, agent1);
    expect(empty.status).toBe(422);
    const bad = await http.patch(`${CALLS}/${created.body.id}`, { status: 'teleported' }, agent1);
    expect(bad.status).toBe(422);
    expect(errorOf(bad).details).toHaveProperty('status');
  });
});

describe('one store, two facades', () => {
  it('a call created through /v1/oncall is the same record under /api/v1, mapped field by field', async () => {
    const created = await http.post(CALLS, { ...SEED_CREATE, priority: 'high', direction: 'outbound' }, agent1);
    const v1 = await http.get(`${v1Calls()}/${created.body.id}`, agent1);
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({
      id: created.body.id,
      organization_id: org,
      agent_id: agent1.user.id,
      phone_number: '+447700900000',
      region: 'england',
      priority: 'high',
      direction: 'outbound',
      status: 'pending',
      metadata: SEED_CREATE.metadata,
      started_at: created.body.startTime,
      ended_at: null,
      created_at: created.body.createdAt,
      updated_at: created.body.updatedAt,
    });
  });

  it('a call logged and updated through /api/v1 reads back through /v1/oncall', async () => {
    const created = await http.post(v1Calls(), { direction: 'inbound', phone_number: '+447700900777', region: 'wales' }, agent1);
    const patched = await http.patch(`${v1Calls()}/${created.body.id}`, { status: 'completed', notes: 'Done', outcome: 'resolved' }, agent1);
    const res = await http.get(`${CALLS}/${created.body.id}`, agent1);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: created.body.id,
      phoneNumber: '+447700900777',
      region: 'wales',
      priority: 'normal',
      status: 'completed',
      direction: 'inbound',
      patientId: null,
      agentId: agent1.user.id,
      notes: 'Done',
      outcome: 'resolved',
      startTime: created.body.started_at,
      endTime: patched.body.ended_at,
      metadata: {},
      organizationId: org,
      createdAt: created.body.created_at,
      updatedAt: patched.body.updated_at,
    });
  });

  it('a PATCH through /v1/oncall shows up in the v1 facade', async () => {
    const created = await http.post(v1Calls(), { direction: 'inbound', phone_number: '+447700900778' }, agent1);
    await http.patch(`${CALLS}/${created.body.id}`, { status: 'on_hold', metadata: { queue: 'triage' } }, agent1);
    const v1 = await http.get(`${v1Calls()}/${created.body.id}`, agent1);
    expect(v1.body).toMatchObject({ status: 'on_hold', metadata: { queue: 'triage' }, version: 2 });
  });
});

describe('GET /v1/oncall/calls', () => {
  let oldCallId: string;
  const oldStart = new Date(Date.now() - 3 * 86_400_000).toISOString();

  beforeAll(async () => {
    oldCallId = await insertOldCall(agent1.user.id, oldStart);
    await http.post(CALLS, { ...SEED_CREATE, region: 'northern_ireland' }, agent2);
  });

  it("has no default date range (unlike the v1 facade's today's calls)", async () => {
    const all = await http.get(`${CALLS}?limit=200&includeTotal=true`, supervisor);
    expect(all.status).toBe(200);
    expect(all.body.items.map((c: { id: string }) => c.id)).toContain(oldCallId);
    const v1 = await http.get(`${v1Calls()}?limit=200&include_total=true`, supervisor);
    expect(v1.body.items.map((c: { id: string }) => c.id)).not.toContain(oldCallId);
    expect(all.body.total).toBe(v1.body.total + 1);
  });

  it('filters by startDate and endDate (from inclusive, to exclusive)', async () => {
    const around = await http.get(
      `${CALLS}?startDate=${encodeURIComponent(new Date(Date.parse(oldStart) - 60_000).toISOString())}&endDate=${encodeURIComponent(new Date(Date.parse(oldStart) + 60_000).toISOString())}`,
      supervisor,
    );
    expect(around.body.items.map((c: { id: string }) => c.id)).toEqual([oldCallId]);
    expect(around.body.nextCursor).toBeNull();
    // exactly at the start, written with an offset and no milliseconds
    const exact = new Date(oldStart);
    const plusOne = new Date(exact.getTime() + 3_600_000).toISOString().slice(0, 19) + '+01:00';
    const atStart = await http.get(`${CALLS}?startDate=${encodeURIComponent(plusOne)}`, supervisor);
    expect(atStart.body.items.map((c: { id: string }) => c.id)).toContain(oldCallId);
    const untilStart = await http.get(`${CALLS}?endDate=${encodeURIComponent(oldStart)}`, supervisor);
    expect(untilStart.body.items.map((c: { id: string }) => c.id)).not.toContain(oldCallId);
    const since = await http.get(`${CALLS}?startDate=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&includeTotal=true`, supervisor);
    expect(since.body.total).toBe((await http.get(`${CALLS}?includeTotal=true`, supervisor)).body.total - 1);
  });

  it('filters by region and status', async () => {
    const scotland = await http.get(`${CALLS}?region=scotland`, supervisor);
    expect(scotland.body.items.map((c: { id: string }) => c.id)).toEqual([oldCallId]);
    const pending = await http.get(`${CALLS}?status=pending&limit=200`, supervisor);
    expect(pending.body.items.length).toBeGreaterThan(0);
    expect(pending.body.items.every((c: { status: string }) => c.status === 'pending')).toBe(true);
    const ni = await http.get(`${CALLS}?region=northern_ireland&status=pending`, supervisor);
    expect(ni.body.items).toHaveLength(1);
    expect(ni.body.items[0].agentId).toBe(agent2.user.id);
    const bad = await http.get(`${CALLS}?region=atlantis`, supervisor);
    expect(bad.status).toBe(400);
    expect(errorOf(bad).details).toHaveProperty('region');
  });

  it('pages newest first by startTime then id, with a total', async () => {
    const all = await http.get(`${CALLS}?limit=200&includeTotal=true`, supervisor);
    const items = all.body.items as { id: string; startTime: string }[];
    const sorted = [...items].sort((a, b) => (b.startTime === a.startTime ? (b.id > a.id ? 1 : -1) : b.startTime > a.startTime ? 1 : -1));
    expect(items.map((c) => c.id)).toEqual(sorted.map((c) => c.id));
    expect(items.at(-1)!.id).toBe(oldCallId);

    const page1 = await http.get(`${CALLS}?limit=3&page=1&includeTotal=true`, supervisor);
    const page2 = await http.get(`${CALLS}?limit=3&page=2&includeTotal=true`, supervisor);
    expect(page1.body).toMatchObject({ page: 1, limit: 3, total: all.body.total });
    expect(page2.body).toMatchObject({ page: 2, limit: 3, total: all.body.total });
    expect([...page1.body.items, ...page2.body.items].map((c: { id: string }) => c.id)).toEqual(items.slice(0, 6).map((c) => c.id));
    const beyond = await http.get(`${CALLS}?limit=3&page=1000`, supervisor);
    expect(beyond.body.items).toEqual([]);
    const tooBig = await http.get(`${CALLS}?limit=5000`, supervisor);
    expect(tooBig.status).toBe(400);
    expect(errorOf(tooBig).details).toHaveProperty('limit');
  });

  it('shows an agent only their own calls', async () => {
    const res = await http.get(`${CALLS}?limit=200`, agent2);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((c: { agentId: string }) => c.agentId === agent2.user.id)).toBe(true);
  });
});

describe('isolation', () => {
  it("hides another agent's call behind 404", async () => {
    const mine = await http.post(CALLS, SEED_CREATE, agent1);
    expect((await http.get(`${CALLS}/${mine.body.id}`, agent2)).status).toBe(404);
    expect((await http.patch(`${CALLS}/${mine.body.id}`, { notes: 'x' }, agent2)).status).toBe(404);
    expect((await http.get(`${CALLS}/${mine.body.id}`, supervisor)).status).toBe(200);
  });

  it("answers 404 for another organization's call and never lists it", async () => {
    const mine = await http.post(CALLS, SEED_CREATE, agent1);
    const get = await http.get(`${CALLS}/${mine.body.id}`, otherAdmin);
    expect(get.status).toBe(404);
    expect(errorOf(get).code).toBe('NOT_FOUND');
    expect(get.text).not.toContain('John Doe');
    expect((await http.patch(`${CALLS}/${mine.body.id}`, { status: 'cancelled' }, otherAdmin)).status).toBe(404);
    const list = await http.get(`${CALLS}?limit=200`, otherAdmin);
    expect(list.body.items.every((c: { organizationId: string }) => c.organizationId === otherAdmin.user.organization_id)).toBe(true);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(mine.body.id);
    expect((await http.get(`${CALLS}/not-a-uuid`, agent1)).status).toBe(404);
  });
});

describe('webhooks', () => {
  it('queues call.created and call.updated with the camelCase call as attributes', async () => {
    const hook = await addWebhookRow(server, ['call.created', 'call.updated']);
    const created = await http.post(CALLS, SEED_CREATE, agent1);
    const updated = await http.patch(`${CALLS}/${created.body.id}`, SEED_UPDATE, agent1);
    const sent = (await queuedDeliveries(server, hook)).filter((d) => d.data.id === created.body.id);
    expect(sent.map((d) => d.event)).toEqual(['call.created', 'call.updated']);
    expect(sent[0]!.data).toEqual({ id: created.body.id, type: 'call', attributes: created.body });
    expect(sent[1]!.data.attributes).toMatchObject({ status: 'active', metadata: updated.body.metadata });
  });
});

describe('X-API-Key', () => {
  it('works for the facade, with the organization taken from the key', async () => {
    const admin = await http.login('admin@demo.test');
    const key = await http.post(`/api/v1/organizations/${org}/api-keys`, { name: 'oncall facade test', role: 'supervisor' }, admin);
    expect(key.status).toBe(201);
    const apiKey = { apiKey: key.body.key as string };
    const created = await http.post(CALLS, SEED_CREATE, apiKey);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ organizationId: org, agentId: null, status: 'pending' });
    expect((await http.get(`${CALLS}/${created.body.id}`, apiKey)).body).toEqual(created.body);
    const foreign = await http.post(CALLS, SEED_CREATE, otherAdmin);
    expect((await http.get(`${CALLS}/${foreign.body.id}`, apiKey)).status).toBe(404);
  });
});
