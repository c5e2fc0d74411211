/** Seed 003's call recordings under /v1/oncall/recordings. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { addWebhookRow, queuedDeliveries } from '../support/webhook-rows';
import { errorOf, Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let agent1: Session;
let agent2: Session;
let supervisor: Session;
let otherAdmin: Session;
let call1: string; // agent1's call
let call2: string; // agent2's call
let foreignCall: string; // a call of the other organization
const RECORDINGS = '/v1/oncall/recordings';

// The seed's "Create Recording" body (callId must name a real call) and "Update Recording" body.
const seedCreate = (callId: string) => ({
  callId,
  url: 'https://storage.example.com/recordings/1.mp3',
  duration: 300,
  metadata: { format: 'mp3', size: '2.5MB' },
});
const SEED_UPDATE = { status: 'completed', duration: 360 };



const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((s) => s.id);

async function newCall(as: Session): Promise<string> {
  const res = await http.post('/v1/oncall/calls', { phoneNumber: '+447700900000', region: 'england' }, as);
  expect(res.status).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  [agent1, agent2, supervisor, otherAdmin] = await Promise.all(
    ['agent1@demo.test', 'agent2@demo.test', 'supervisor@demo.test', 'admin@other.test'].map((e) => http.login(e)),
  );
  [call1, call2, foreignCall] = await Promise.all([newCall(agent1), newCall(agent2), newCall(otherAdmin)]);
});
afterAll(() => stopAndClean(server));

describe('POST /v1/oncall/recordings', () => {
  it("lets the agent's softphone register the seed's example recording of its own call", async () => {
    const res = await http.post(RECORDINGS, seedCreate(call1), agent1);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      callId: call1,
      url: 'https://storage.example.com/recordings/1.mp3',
      duration: 300,
      status: 'pending',
      metadata: { format: 'mp3', size: '2.5MB' },
      organizationId: server.orgs.demo,
    });
    expect(res.body.createdAt).toBe(res.body.updatedAt);
    const fetched = await http.get(`${RECORDINGS}/${res.body.id}`, agent1);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
  });

  it("lets a supervisor register a recording of any agent's call", async () => {
    const res = await http.post(RECORDINGS, { ...seedCreate(call2), status: 'processing' }, supervisor);
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('processing');
  });

  it('needs callId to be a call the caller can see (422 on callId)', async () => {
    for (const [callId, as] of [
      [call2, agent1], // another agent's call
      [foreignCall, supervisor], // another organization's call
      [randomUUID(), supervisor],
      ['call_123', supervisor], // the seed's placeholder id
    ] as const) {
      const res = await http.post(RECORDINGS, seedCreate(callId), as);
      expect(res.status).toBe(422);
      expect(errorOf(res).code).toBe('VALIDATION_FAILED');
      expect(errorOf(res).details).toHaveProperty('callId');
    }
  });

  it('rejects a non-http url and an impossible duration with per-field details', async () => {
    const res = await http.post(RECORDINGS, { ...seedCreate(call1), url: 'ftp://example.com/1.mp3', duration: -5 }, agent1);
    expect(res.status).toBe(422);
    expect(Object.keys(errorOf(res).details!)).toEqual(expect.arrayContaining(['url', 'duration']));
    const noUrl = await http.post(RECORDINGS, { callId: call1, duration: 10 }, agent1);
    expect(noUrl.status).toBe(422);
    expect(errorOf(noUrl).details).toHaveProperty('url');
  });
});

describe('PATCH /v1/oncall/recordings/{id}', () => {
  it("applies the seed's example body", async () => {
    const created = await http.post(RECORDINGS, seedCreate(call1), agent1);
    const res = await http.patch(`${RECORDINGS}/${created.body.id}`, SEED_UPDATE, agent1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', duration: 360, metadata: { format: 'mp3', size: '2.5MB' } });
    expect((await http.get(`${RECORDINGS}/${created.body.id}`, agent1)).body).toEqual(res.body);
  });

  it('merges metadata over what is there', async () => {
    const created = await http.post(RECORDINGS, seedCreate(call1), agent1);
    const res = await http.patch(`${RECORDINGS}/${created.body.id}`, { metadata: { size: '2.6MB', checksum: 'abc' } }, agent1);
    expect(res.body.metadata).toEqual({ format: 'mp3', size: '2.6MB', checksum: 'abc' });
  });

  it('never leaves completed or failed (409)', async () => {
    for (const final of ['completed', 'failed']) {
      const created = await http.post(RECORDINGS, seedCreate(call1), agent1);
      const url = `${RECORDINGS}/${created.body.id}`;
      expect((await http.patch(url, { status: 'processing' }, agent1)).body.status).toBe('processing');
      expect((await http.patch(url, { status: final }, agent1)).body.status).toBe(final);
      expect((await http.patch(url, { status: final, metadata: { note: 'same status is fine' } }, agent1)).status).toBe(200);
      const back = await http.patch(url, { status: 'pending' }, agent1);
      expect(back.status).toBe(409);
      expect(errorOf(back).code).toBe('INVALID_STATUS_TRANSITION');
    }
  });

  it("hides another agent's recording behind 404, and refuses an empty patch", async () => {
    const created = await http.post(RECORDINGS, seedCreate(call1), agent1);
    expect((await http.patch(`${RECORDINGS}/${created.body.id}`, SEED_UPDATE, agent2)).status).toBe(404);
    expect((await http.patch(`${RECORDINGS}/${created.body.id}`, {}, agent1)).status).toBe(422);
    expect((await http.patch(`${RECORDINGS}/${created.body.id}`, { duration: 100 }, supervisor)).body.duration).toBe(100);
  });
});

describe('GET /v1/oncall/recordings', () => {
  let call3: string;
  let made: { id: string; duration: number; status: string }[];

  beforeAll(async () => {
    call3 = await newCall(agent1);
    made = [];
    for (const [duration, status] of [
      [30, 'pending'],
      [300, 'completed'],
      [600, 'failed'],
      [900, 'completed'],
    ] as const) {
      const res = await http.post(RECORDINGS, { ...seedCreate(call3), duration, status }, agent1);
      expect(res.status).toBe(201);
      made.push(res.body);
    }
  });
  const newestFirst = () => made.map((r) => r.id).reverse();

  it('filters by callId, newest first then id', async () => {
    const res = await http.get(`${RECORDINGS}?callId=${call3}`, agent1);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(newestFirst());
    expect(res.body.nextCursor).toBeNull();
  });

  it('filters by status', async () => {
    const res = await http.get(`${RECORDINGS}?callId=${call3}&status=completed`, supervisor);
    expect(ids(res)).toEqual([made[3]!.id, made[1]!.id]);
    expect((await http.get(`${RECORDINGS}?status=lost`, supervisor)).status).toBe(400);
  });

  it('filters by minDuration and maxDuration (inclusive)', async () => {
    const min = await http.get(`${RECORDINGS}?callId=${call3}&minDuration=300`, agent1);
    expect(ids(min)).toEqual([made[3]!.id, made[2]!.id, made[1]!.id]);
    const max = await http.get(`${RECORDINGS}?callId=${call3}&maxDuration=300`, agent1);
    expect(ids(max)).toEqual([made[1]!.id, made[0]!.id]);
    const both = await http.get(`${RECORDINGS}?callId=${call3}&minDuration=300&maxDuration=600`, agent1);
    expect(ids(both)).toEqual([made[2]!.id, made[1]!.id]);
    const bad = await http.get(`${RECORDINGS}?minDuration=long`, agent1);
    expect(bad.status).toBe(400);
    expect(errorOf(bad).details).toHaveProperty('minDuration');
  });

  it('pages with a total', async () => {
    const page1 = await http.get(`${RECORDINGS}?callId=${call3}&limit=3&page=1&includeTotal=true`, agent1);
    const page2 = await http.get(`${RECORDINGS}?callId=${call3}&limit=3&page=2&includeTotal=true`, agent1);
    expect(page1.body).toMatchObject({ page: 1, limit: 3, total: 4 });
    expect(page2.body).toMatchObject({ page: 2, limit: 3, total: 4 });
    expect([...ids(page1), ...ids(page2)]).toEqual(newestFirst());
  });

  it('shows an agent only recordings of their own calls; a supervisor all of them', async () => {
    const agent2Sees = await http.get(`${RECORDINGS}?limit=200`, agent2);
    expect(agent2Sees.body.items.length).toBeGreaterThan(0);
    expect(agent2Sees.body.items.every((r: { callId: string }) => r.callId === call2)).toBe(true);
    expect((await http.get(`${RECORDINGS}?callId=${call3}`, agent2)).body.items).toEqual([]);
    expect((await http.get(`${RECORDINGS}/${made[0]!.id}`, agent2)).status).toBe(404);
    const all = await http.get(`${RECORDINGS}?limit=200`, supervisor);
    const callIds = new Set(all.body.items.map((r: { callId: string }) => r.callId));
    expect([...callIds].sort()).toEqual([call1, call2, call3].sort());
  });
});

describe('isolation', () => {
  it("answers 404 for another organization's recording and never lists it", async () => {
    const created = await http.post(RECORDINGS, seedCreate(call1), agent1);
    const get = await http.get(`${RECORDINGS}/${created.body.id}`, otherAdmin);
    expect(get.status).toBe(404);
    expect(errorOf(get).code).toBe('NOT_FOUND');
    expect((await http.patch(`${RECORDINGS}/${created.body.id}`, SEED_UPDATE, otherAdmin)).status).toBe(404);
    const list = await http.get(`${RECORDINGS}?limit=200`, otherAdmin);
    expect(ids(list)).not.toContain(created.body.id);
    expect(list.body.items.every((r: { organizationId: string }) => r.organizationId === otherAdmin.user.organization_id)).toBe(true);
  });
});

describe('webhooks', () => {
  it('queues recording.created on create and recording.completed once, when the status turns completed', async () => {
    const hook = await addWebhookRow(server, ['recording.created', 'recording.completed']);
    const created = await http.post(RECORDINGS, seedCreate(call1), agent1);
    const url = `${RECORDINGS}/${created.body.id}`;
    await http.patch(url, { status: 'processing' }, agent1);
    const done = await http.patch(url, SEED_UPDATE, agent1);
    await http.patch(url, { metadata: { archived: true } }, agent1);
    const sent = (await queuedDeliveries(server, hook)).filter((d) => d.data.id === created.body.id);
    expect(sent.map((d) => d.event)).toEqual(['recording.created', 'recording.completed']);
    expect(sent[0]!.data).toEqual({ id: created.body.id, type: 'recording', attributes: created.body });
    expect(sent[1]!.data.attributes).toEqual(done.body);
  });

  it('a recording registered as completed fires recording.completed at once', async () => {
    const hook = await addWebhookRow(server, ['recording.completed']);
    const created = await http.post(RECORDINGS, { ...seedCreate(call1), status: 'completed' }, agent1);
    expect((await queuedDeliveries(server, hook)).map((d) => [d.event, d.data.id])).toEqual([['recording.completed', created.body.id]]);
  });
});

describe('a settled recording is frozen', () => {
  it.each(['completed', 'failed'])('once %s, its url and duration cannot change (422), and nothing is stored', async (status) => {
    const created = await http.post(RECORDINGS, seedCreate(call1), agent1);
    // the PATCH that settles it may still set them
    const settled = await http.patch(`${RECORDINGS}/${created.body.id}`, { status, duration: 360 }, agent1);
    expect(settled.status).toBe(200);

    for (const patch of [{ url: 'https://storage.example.com/recordings/other.mp3' }, { duration: 1 }]) {
      for (const as of [agent1, supervisor]) {
        const res = await http.patch(`${RECORDINGS}/${created.body.id}`, patch, as);
        expect(res.status).toBe(422);
        expect(errorOf(res).details).toHaveProperty(Object.keys(patch)[0]!);
      }
    }
    const stored = await http.get(`${RECORDINGS}/${created.body.id}`, supervisor);
    expect(stored.body).toMatchObject({ url: seedCreate(call1).url, duration: 360, status });
    // sending the values it already has changes nothing, and metadata stays editable
    const same = await http.patch(`${RECORDINGS}/${created.body.id}`, { url: seedCreate(call1).url, duration: 360, metadata: { note: 'ok' } }, agent1);
    expect(same.status).toBe(200);
    expect(same.body.metadata).toMatchObject({ note: 'ok' });
  });
});
