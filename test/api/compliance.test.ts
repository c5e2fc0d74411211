/** Seed 003's compliance records under /v1/oncall/compliance (supervisors and admins only). */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { addWebhookRow, queuedDeliveries } from '../support/webhook-rows';
import { errorOf, Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let agent1: Session;
let supervisor: Session;
let admin: Session;
let otherAdmin: Session;
let call: string;
let foreignCall: string;
const COMPLIANCE = '/v1/oncall/compliance';

// The seed's "Create Compliance Record" body (callId must name a real call) and its update body.
const seedCreate = (callId: string) => ({
  callId,
  region: 'england',
  regulatoryBody: 'CQC',
  checkType: 'recording_retention',
  details: {
    retentionPeriod: '7 years',
    encryptionLevel: 'AES-256',
    accessControls: ['role_based', 'mfa_required'],
  },
});
const SEED_UPDATE = {
  status: 'compliant',
  details: { lastChecked: '2024-03-21T10:00:00Z', checkedBy: 'compliance_officer_123' },
};



const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((s) => s.id);

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  [agent1, supervisor, admin, otherAdmin] = await Promise.all(
    ['agent1@demo.test', 'supervisor@demo.test', 'admin@demo.test', 'admin@other.test'].map((e) => http.login(e)),
  );
  const body = { phoneNumber: '+447700900000', region: 'england' };
  const [mine, theirs] = await Promise.all([http.post('/v1/oncall/calls', body, agent1), http.post('/v1/oncall/calls', body, otherAdmin)]);
  call = mine.body.id;
  foreignCall = theirs.body.id;
});
afterAll(() => stopAndClean(server));

describe('POST /v1/oncall/compliance', () => {
  it("creates the seed's example record, status pending", async () => {
    const res = await http.post(COMPLIANCE, seedCreate(call), supervisor);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      callId: call,
      region: 'england',
      regulatoryBody: 'CQC',
      checkType: 'recording_retention',
      status: 'pending',
      details: seedCreate(call).details,
      metadata: {},
      organizationId: server.orgs.demo,
    });
    const fetched = await http.get(`${COMPLIANCE}/${res.body.id}`, supervisor);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
  });

  it('needs callId to be a call of the organization (422 on callId)', async () => {
    for (const callId of [foreignCall, randomUUID(), 'call_123']) {
      const res = await http.post(COMPLIANCE, seedCreate(callId), admin);
      expect(res.status).toBe(422);
      expect(errorOf(res).details).toHaveProperty('callId');
    }
  });

  it('rejects an unknown region, an empty regulator and an unknown status with per-field details', async () => {
    const res = await http.post(COMPLIANCE, { ...seedCreate(call), region: 'atlantis', regulatoryBody: '  ', status: 'fine' }, supervisor);
    expect(res.status).toBe(422);
    expect(errorOf(res).code).toBe('VALIDATION_FAILED');
    expect(Object.keys(errorOf(res).details!)).toEqual(expect.arrayContaining(['region', 'regulatoryBody', 'status']));
  });
});

describe('roles', () => {
  it('refuses agents everything with 403', async () => {
    const created = await http.post(COMPLIANCE, seedCreate(call), supervisor);
    const attempts = [
      await http.post(COMPLIANCE, seedCreate(call), agent1),
      await http.get(COMPLIANCE, agent1),
      await http.get(`${COMPLIANCE}/${created.body.id}`, agent1),
      await http.patch(`${COMPLIANCE}/${created.body.id}`, SEED_UPDATE, agent1),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(errorOf(res).code).toBe('FORBIDDEN');
    }
    expect((await http.get(`${COMPLIANCE}/${created.body.id}`, supervisor)).body.status).toBe('pending');
  });
});

describe('PATCH /v1/oncall/compliance/{id}', () => {
  it("applies the seed's example body, merging details over what the check recorded", async () => {
    const created = await http.post(COMPLIANCE, seedCreate(call), supervisor);
    const res = await http.patch(`${COMPLIANCE}/${created.body.id}`, SEED_UPDATE, supervisor);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('compliant');
    expect(res.body.details).toEqual({ ...seedCreate(call).details, ...SEED_UPDATE.details });
    expect((await http.get(`${COMPLIANCE}/${created.body.id}`, admin)).body).toEqual(res.body);
  });

  it('merges metadata, allows re-checks in any direction and refuses an empty patch', async () => {
    const created = await http.post(COMPLIANCE, { ...seedCreate(call), metadata: { ticket: 'C-1' } }, supervisor);
    const url = `${COMPLIANCE}/${created.body.id}`;
    const res = await http.patch(url, { metadata: { reviewer: 'sam' }, status: 'non_compliant' }, supervisor);
    expect(res.body.metadata).toEqual({ ticket: 'C-1', reviewer: 'sam' });
    expect((await http.patch(url, { status: 'under_review' }, supervisor)).body.status).toBe('under_review');
    expect((await http.patch(url, { status: 'compliant', regulatoryBody: 'CIW', region: 'wales' }, admin)).body).toMatchObject({
      status: 'compliant',
      regulatoryBody: 'CIW',
      region: 'wales',
    });
    expect((await http.patch(url, {}, supervisor)).status).toBe(422);
  });
});

describe('GET /v1/oncall/compliance', () => {
  let made: string[];

  beforeAll(async () => {
    made = [];
    for (const [region, regulatoryBody, checkType, status] of [
      ['scotland', 'Care Inspectorate', 'consent', 'pending'],
      ['scotland', 'Care Inspectorate', 'recording_retention', 'compliant'],
      ['wales', 'HIW', 'consent', 'non_compliant'],
      ['scotland', 'Care Inspectorate', 'consent', 'compliant'],
    ] as const) {
      const res = await http.post(COMPLIANCE, { ...seedCreate(call), region, regulatoryBody, checkType, status }, supervisor);
      expect(res.status).toBe(201);
      made.push(res.body.id);
    }
  });

  it('filters by region, regulatoryBody, status and checkType, newest first then id', async () => {
    const scotland = await http.get(`${COMPLIANCE}?region=scotland`, supervisor);
    expect(ids(scotland)).toEqual([made[3], made[1], made[0]]);
    expect(scotland.body.total).toBeUndefined(); // counted only when asked for
    expect((await http.get(`${COMPLIANCE}?region=scotland&includeTotal=true`, supervisor)).body.total).toBe(3);
    const hiw = await http.get(`${COMPLIANCE}?regulatoryBody=HIW`, supervisor);
    expect(ids(hiw)).toEqual([made[2]]);
    const compliant = await http.get(`${COMPLIANCE}?region=scotland&status=compliant`, supervisor);
    expect(ids(compliant)).toEqual([made[3], made[1]]);
    const consent = await http.get(`${COMPLIANCE}?checkType=consent&regulatoryBody=Care%20Inspectorate`, admin);
    expect(ids(consent)).toEqual([made[3], made[0]]);
    const bad = await http.get(`${COMPLIANCE}?status=fine`, supervisor);
    expect(bad.status).toBe(400);
    expect(errorOf(bad).details).toHaveProperty('status');
  });

  it('pages newest first with a total', async () => {
    const all = await http.get(`${COMPLIANCE}?limit=200&includeTotal=true`, supervisor);
    const items = all.body.items as { id: string; createdAt: string }[];
    const sorted = [...items].sort((a, b) => (b.createdAt === a.createdAt ? (b.id > a.id ? 1 : -1) : b.createdAt > a.createdAt ? 1 : -1));
    expect(items.map((c) => c.id)).toEqual(sorted.map((c) => c.id));
    expect(items.slice(0, 4).map((c) => c.id)).toEqual([...made].reverse());
    const page1 = await http.get(`${COMPLIANCE}?limit=2&page=1`, supervisor);
    const page2 = await http.get(`${COMPLIANCE}?limit=2&page=2&includeTotal=true`, supervisor);
    expect(page2.body).toMatchObject({ page: 2, limit: 2, total: all.body.total });
    expect([...ids(page1), ...ids(page2)]).toEqual(items.slice(0, 4).map((c) => c.id));
  });
});

describe('isolation', () => {
  it("answers 404 for another organization's record and never lists it", async () => {
    const created = await http.post(COMPLIANCE, seedCreate(call), supervisor);
    const get = await http.get(`${COMPLIANCE}/${created.body.id}`, otherAdmin);
    expect(get.status).toBe(404);
    expect(errorOf(get).code).toBe('NOT_FOUND');
    expect((await http.patch(`${COMPLIANCE}/${created.body.id}`, SEED_UPDATE, otherAdmin)).status).toBe(404);
    const list = await http.get(`${COMPLIANCE}?limit=200`, otherAdmin);
    expect(ids(list)).not.toContain(created.body.id);
    expect(list.body.items.every((c: { organizationId: string }) => c.organizationId === otherAdmin.user.organization_id)).toBe(true);
  });
});

describe('webhooks', () => {
  it('queues compliance.checked for a verdict and compliance.violated too when it is non_compliant', async () => {
    const hook = await addWebhookRow(server, ['compliance.checked', 'compliance.violated']);
    const ok = await http.post(COMPLIANCE, seedCreate(call), supervisor);
    await http.patch(`${COMPLIANCE}/${ok.body.id}`, { status: 'under_review' }, supervisor);
    const passed = await http.patch(`${COMPLIANCE}/${ok.body.id}`, SEED_UPDATE, supervisor);
    await http.patch(`${COMPLIANCE}/${ok.body.id}`, { details: { note: 'no new verdict' } }, supervisor);

    const bad = await http.post(COMPLIANCE, seedCreate(call), supervisor);
    const failed = await http.patch(`${COMPLIANCE}/${bad.body.id}`, { status: 'non_compliant' }, supervisor);

    const born = await http.post(COMPLIANCE, { ...seedCreate(call), status: 'non_compliant' }, supervisor);

    const sent = await queuedDeliveries(server, hook);
    const of = (id: string) => sent.filter((d) => d.data.id === id).map((d) => d.event);
    expect(of(ok.body.id)).toEqual(['compliance.checked']);
    expect(of(bad.body.id)).toEqual(['compliance.checked', 'compliance.violated']);
    expect(of(born.body.id)).toEqual(['compliance.checked', 'compliance.violated']);
    const first = sent.find((d) => d.data.id === ok.body.id)!;
    expect(first.data).toEqual({ id: ok.body.id, type: 'compliance', attributes: passed.body });
    expect(sent.find((d) => d.event === 'compliance.violated' && d.data.id === bad.body.id)!.data.attributes).toEqual(failed.body);
  });
});
