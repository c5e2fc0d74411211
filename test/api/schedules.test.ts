/** Seed 003's staff schedules under /v1/oncall/schedules. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { addWebhookRow, queuedDeliveries } from '../support/webhook-rows';
import { query, sql } from '../support/store';
import { errorOf, Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let agent1: Session;
let agent2: Session;
let supervisor: Session;
let admin: Session;
let otherAdmin: Session;
const SCHEDULES = '/v1/oncall/schedules';

// The seed's "Create Schedule" body (staffId must name a real user) and "Update Schedule" body.
const seedCreate = (staffId: string) => ({
  staffId,
  type: 'regular',
  startTime: '2024-03-21T09:00:00Z',
  endTime: '2024-03-21T17:00:00Z',
  metadata: { location: 'Main Building', notes: 'Coverage for evening shift' },
});
const SEED_UPDATE = { status: 'completed', metadata: { handover_notes: 'All tasks completed' } };

// One person never holds two shifts at once (409): every other test shift gets a day of its own.
let nextDay = 0;
const freshShift = (staffId: string) => {
  const day = new Date(Date.UTC(2025, 0, 1) + nextDay++ * 86_400_000).toISOString().slice(0, 10);
  return { ...seedCreate(staffId), startTime: `${day}T09:00:00Z`, endTime: `${day}T17:00:00Z` };
};





const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((s) => s.id);

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  [agent1, agent2, supervisor, admin, otherAdmin] = await Promise.all(
    ['agent1@demo.test', 'agent2@demo.test', 'supervisor@demo.test', 'admin@demo.test', 'admin@other.test'].map((e) => http.login(e)),
  );
});
afterAll(() => stopAndClean(server));

describe('POST /v1/oncall/schedules', () => {
  it("creates the seed's example schedule for a staff member, status scheduled", async () => {
    const res = await http.post(SCHEDULES, seedCreate(agent1.user.id), supervisor);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      staffId: agent1.user.id,
      type: 'regular',
      status: 'scheduled',
      startTime: '2024-03-21T09:00:00.000Z',
      endTime: '2024-03-21T17:00:00.000Z',
      metadata: { location: 'Main Building', notes: 'Coverage for evening shift' },
      organizationId: server.orgs.demo,
    });
    expect(res.body.createdAt).toBe(res.body.updatedAt);
    const fetched = await http.get(`${SCHEDULES}/${res.body.id}`, supervisor);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
  });

  it('lets an admin plan shifts too, and stores times with an offset as UTC', async () => {
    const res = await http.post(
      SCHEDULES,
      { ...seedCreate(agent2.user.id), type: 'on_call', startTime: '2024-03-22T20:00:00+01:00', endTime: '2024-03-23T08:00:00+01:00' },
      admin,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'on_call', startTime: '2024-03-22T19:00:00.000Z', endTime: '2024-03-23T07:00:00.000Z' });
  });

  it('refuses agents with 403', async () => {
    const res = await http.post(SCHEDULES, seedCreate(agent1.user.id), agent1);
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
  });

  it('needs staffId to be a user of the same organization (422 on staffId)', async () => {
    for (const staffId of [otherAdmin.user.id, randomUUID(), 'staff_123']) {
      const res = await http.post(SCHEDULES, seedCreate(staffId), supervisor);
      expect(res.status).toBe(422);
      expect(errorOf(res).code).toBe('VALIDATION_FAILED');
      expect(errorOf(res).details).toHaveProperty('staffId');
    }
  });

  it('needs endTime after startTime (422 on endTime)', async () => {
    for (const endTime of ['2024-03-21T09:00:00Z', '2024-03-21T08:00:00Z']) {
      const res = await http.post(SCHEDULES, { ...seedCreate(agent1.user.id), endTime }, supervisor);
      expect(res.status).toBe(422);
      expect(errorOf(res).details).toHaveProperty('endTime');
    }
  });

  it('rejects unknown types and malformed times with per-field details', async () => {
    const res = await http.post(SCHEDULES, { ...seedCreate(agent1.user.id), type: 'holiday', startTime: 'tomorrow' }, supervisor);
    expect(res.status).toBe(422);
    expect(Object.keys(errorOf(res).details!)).toEqual(expect.arrayContaining(['type', 'startTime']));
  });
});

describe('PATCH /v1/oncall/schedules/{id}', () => {
  it("applies the seed's example body, merging metadata", async () => {
    const created = await http.post(SCHEDULES, freshShift(agent1.user.id), supervisor);
    const res = await http.patch(`${SCHEDULES}/${created.body.id}`, SEED_UPDATE, supervisor);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(res.body.metadata).toEqual({
      location: 'Main Building',
      notes: 'Coverage for evening shift',
      handover_notes: 'All tasks completed',
    });
    expect((await http.get(`${SCHEDULES}/${created.body.id}`, supervisor)).body).toEqual(res.body);
  });

  it('moves through statuses but never out of completed or cancelled (409)', async () => {
    const created = await http.post(SCHEDULES, freshShift(agent1.user.id), supervisor);
    const url = `${SCHEDULES}/${created.body.id}`;
    expect((await http.patch(url, { status: 'active' }, supervisor)).body.status).toBe('active');
    expect((await http.patch(url, { status: 'scheduled' }, supervisor)).body.status).toBe('scheduled');
    expect((await http.patch(url, { status: 'cancelled' }, supervisor)).body.status).toBe('cancelled');
    const again = await http.patch(url, { status: 'cancelled', metadata: { reason: 'sick' } }, supervisor);
    expect(again.status).toBe(200);
    const back = await http.patch(url, { status: 'active' }, supervisor);
    expect(back.status).toBe(409);
    expect(errorOf(back).code).toBe('INVALID_STATUS_TRANSITION');
    expect(errorOf(back).details).toHaveProperty('status');
  });

  it('reassigns and retimes a shift, checking the merged times and the new staff member', async () => {
    const created = await http.post(SCHEDULES, { ...seedCreate(agent1.user.id), startTime: '2024-04-01T09:00:00Z', endTime: '2024-04-01T17:00:00Z' }, supervisor);
    const url = `${SCHEDULES}/${created.body.id}`;
    const moved = await http.patch(url, { staffId: agent2.user.id, endTime: '2024-04-01T18:30:00Z', type: 'overtime' }, supervisor);
    expect(moved.body).toMatchObject({ staffId: agent2.user.id, endTime: '2024-04-01T18:30:00.000Z', type: 'overtime' });
    const beforeStart = await http.patch(url, { endTime: '2024-04-01T08:00:00Z' }, supervisor);
    expect(beforeStart.status).toBe(422);
    expect(errorOf(beforeStart).details).toHaveProperty('endTime');
    const foreign = await http.patch(url, { staffId: otherAdmin.user.id }, supervisor);
    expect(foreign.status).toBe(422);
    expect(errorOf(foreign).details).toHaveProperty('staffId');
    expect((await http.get(url, supervisor)).body).toEqual(moved.body);
  });

  it('refuses agents (403) and an empty patch (422)', async () => {
    const created = await http.post(SCHEDULES, freshShift(agent1.user.id), supervisor);
    const byAgent = await http.patch(`${SCHEDULES}/${created.body.id}`, SEED_UPDATE, agent1);
    expect(byAgent.status).toBe(403);
    const empty = await http.patch(`${SCHEDULES}/${created.body.id}`, {}, supervisor);
    expect(empty.status).toBe(422);
  });
});

describe('overlapping shifts', () => {
  const at = (day: string, from: string, to: string) => ({ startTime: `${day}T${from}:00Z`, endTime: `${day}T${to}:00Z` });

  it('refuses a second shift for the same person at the same time with 409 CONFLICT naming the first', async () => {
    const first = await http.post(SCHEDULES, { ...seedCreate(agent1.user.id), ...at('2026-06-01', '08:00', '16:00') }, supervisor);
    expect(first.status).toBe(201);
    const clash = await http.post(SCHEDULES, { ...seedCreate(agent1.user.id), ...at('2026-06-01', '15:00', '20:00') }, admin);
    expect(clash.status).toBe(409);
    expect(errorOf(clash).code).toBe('CONFLICT');
    expect(errorOf(clash).message).toMatch(/overlaps another shift/);
    expect(errorOf(clash).details).toMatchObject({ conflictingScheduleId: first.body.id });
    // back to back is no overlap; another person at the same time is none either
    expect((await http.post(SCHEDULES, { ...seedCreate(agent1.user.id), ...at('2026-06-01', '16:00', '20:00') }, supervisor)).status).toBe(201);
    expect((await http.post(SCHEDULES, { ...seedCreate(agent2.user.id), ...at('2026-06-01', '08:00', '16:00') }, supervisor)).status).toBe(201);
  });

  it('refuses moving a shift onto another (time or person), allows it once the other is cancelled', async () => {
    const a = await http.post(SCHEDULES, { ...seedCreate(agent1.user.id), ...at('2026-06-02', '08:00', '12:00') }, supervisor);
    const b = await http.post(SCHEDULES, { ...seedCreate(agent1.user.id), ...at('2026-06-02', '13:00', '17:00') }, supervisor);
    const c = await http.post(SCHEDULES, { ...seedCreate(agent2.user.id), ...at('2026-06-02', '09:00', '10:00') }, supervisor);
    const later = await http.patch(`${SCHEDULES}/${a.body.id}`, { endTime: '2026-06-02T14:00:00Z' }, supervisor);
    expect(later.status).toBe(409);
    expect(errorOf(later).details).toMatchObject({ conflictingScheduleId: b.body.id });
    const handedOver = await http.patch(`${SCHEDULES}/${c.body.id}`, { staffId: agent1.user.id }, supervisor);
    expect(handedOver.status).toBe(409);
    // nothing was stored by the refusals
    expect((await http.get(`${SCHEDULES}/${a.body.id}`, supervisor)).body.endTime).toBe('2026-06-02T12:00:00.000Z');
    expect((await http.get(`${SCHEDULES}/${c.body.id}`, supervisor)).body.staffId).toBe(agent2.user.id);
    expect((await http.patch(`${SCHEDULES}/${b.body.id}`, { status: 'cancelled' }, supervisor)).status).toBe(200);
    expect((await http.patch(`${SCHEDULES}/${a.body.id}`, { endTime: '2026-06-02T14:00:00Z' }, supervisor)).status).toBe(200);
    // a note on a shift is never blocked by the rule
    expect((await http.patch(`${SCHEDULES}/${a.body.id}`, { metadata: { handover_notes: 'Ward B keys at desk' } }, supervisor)).status).toBe(200);
  });
});

describe('GET /v1/oncall/schedules', () => {
  let mine: string[];
  let theirs: string[];

  beforeAll(async () => {
    const make = async (staffId: string, start: string, end: string, status?: string) => {
      const res = await http.post(SCHEDULES, { ...seedCreate(staffId), startTime: start, endTime: end, ...(status ? { status } : {}) }, supervisor);
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    mine = [
      await make(agent1.user.id, '2030-01-01T08:00:00Z', '2030-01-01T16:00:00Z'),
      await make(agent1.user.id, '2030-01-02T08:00:00Z', '2030-01-02T16:00:00Z', 'cancelled'),
      await make(agent1.user.id, '2030-01-03T08:00:00Z', '2030-01-03T16:00:00Z'),
    ];
    theirs = [
      await make(agent2.user.id, '2030-01-01T12:00:00Z', '2030-01-01T20:00:00Z'),
      await make(agent2.user.id, '2030-01-03T08:00:00Z', '2030-01-03T16:00:00Z'),
    ];
  });

  const window = '&startDate=2030-01-01T00:00:00Z&endDate=2030-01-04T00:00:00Z';

  it('filters by staffId, newest start first then id', async () => {
    const res = await http.get(`${SCHEDULES}?staffId=${agent1.user.id}${window}&includeTotal=true`, supervisor);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([...mine].reverse());
    expect(res.body.total).toBe(3);
    const all = await http.get(`${SCHEDULES}?limit=200${window}`, supervisor);
    // same start time: the later-created (higher) id first
    expect(ids(all)).toEqual([theirs[1], mine[2], mine[1], theirs[0], mine[0]]);
  });

  it('filters by status', async () => {
    const res = await http.get(`${SCHEDULES}?status=cancelled${window}`, supervisor);
    expect(ids(res)).toEqual([mine[1]]);
    const bad = await http.get(`${SCHEDULES}?status=on_leave`, supervisor);
    expect(bad.status).toBe(400);
    expect(errorOf(bad).details).toHaveProperty('status');
  });

  it('selects the shifts overlapping startDate..endDate', async () => {
    const inProgress = await http.get(`${SCHEDULES}?startDate=2030-01-01T13:00:00Z&endDate=2030-01-01T14:00:00Z`, supervisor);
    expect(ids(inProgress).sort()).toEqual([mine[0], theirs[0]].sort());
    const evening = await http.get(`${SCHEDULES}?startDate=2030-01-01T17:00:00Z&endDate=2030-01-02T00:00:00Z`, supervisor);
    expect(ids(evening)).toEqual([theirs[0]]);
    const from = await http.get(`${SCHEDULES}?startDate=2030-01-02T12:00:00Z`, supervisor);
    expect(ids(from)).toEqual([theirs[1], mine[2], mine[1]]);
    const until = await http.get(`${SCHEDULES}?endDate=2030-01-01T10:00:00Z&staffId=${agent1.user.id}`, supervisor);
    expect(ids(until)).not.toContain(mine[1]);
    expect(ids(until)).toContain(mine[0]);
  });

  it('pages with a total', async () => {
    const page1 = await http.get(`${SCHEDULES}?limit=2&page=1${window}&includeTotal=true`, supervisor);
    const page2 = await http.get(`${SCHEDULES}?limit=2&page=2${window}`, supervisor);
    const page3 = await http.get(`${SCHEDULES}?limit=2&page=3${window}`, supervisor);
    expect(page1.body).toMatchObject({ page: 1, limit: 2, total: 5 });
    expect([...ids(page1), ...ids(page2), ...ids(page3)]).toEqual([theirs[1], mine[2], mine[1], theirs[0], mine[0]]);
    expect((await http.get(`${SCHEDULES}?limit=0`, supervisor)).status).toBe(400);
  });

  it("shows an agent the organization's whole rota (who is on call), in the list and by id, and lets them change none of it", async () => {
    const res = await http.get(`${SCHEDULES}?limit=200${window}`, agent1);
    expect(ids(res).sort()).toEqual([...mine, ...theirs].sort());
    const asked = await http.get(`${SCHEDULES}?staffId=${agent2.user.id}${window}`, agent1);
    expect(ids(asked)).toEqual([...theirs].reverse());
    expect((await http.get(`${SCHEDULES}/${mine[0]}`, agent1)).status).toBe(200);
    expect((await http.get(`${SCHEDULES}/${theirs[0]}`, agent1)).body).toMatchObject({ id: theirs[0], staffId: agent2.user.id });
    const edit = await http.patch(`${SCHEDULES}/${theirs[0]}`, { status: 'cancelled' }, agent1);
    expect(edit.status).toBe(403);
    expect(errorOf(edit).code).toBe('FORBIDDEN');
  });
});

describe('isolation', () => {
  it("answers 404 for another organization's schedule and never lists it", async () => {
    const created = await http.post(SCHEDULES, freshShift(agent1.user.id), supervisor);
    const get = await http.get(`${SCHEDULES}/${created.body.id}`, otherAdmin);
    expect(get.status).toBe(404);
    expect(errorOf(get).code).toBe('NOT_FOUND');
    expect((await http.patch(`${SCHEDULES}/${created.body.id}`, SEED_UPDATE, otherAdmin)).status).toBe(404);
    const list = await http.get(`${SCHEDULES}?limit=200`, otherAdmin);
    expect(list.body.items.every((s: { organizationId: string }) => s.organizationId === otherAdmin.user.organization_id)).toBe(true);
    expect(ids(list)).not.toContain(created.body.id);
  });
});

describe('webhooks and sync', () => {
  it('queues schedule.created and schedule.updated with the camelCase schedule as attributes', async () => {
    const hook = await addWebhookRow(server, ['schedule.created', 'schedule.updated']);
    const created = await http.post(SCHEDULES, freshShift(agent1.user.id), supervisor);
    const updated = await http.patch(`${SCHEDULES}/${created.body.id}`, SEED_UPDATE, supervisor);
    const sent = (await queuedDeliveries(server, hook)).filter((d) => d.data.id === created.body.id);
    expect(sent.map((d) => d.event)).toEqual(['schedule.created', 'schedule.updated']);
    expect(sent[0]!.data).toEqual({ id: created.body.id, type: 'schedule', attributes: created.body });
    expect(sent[1]!.data.attributes).toEqual(updated.body);
  });

  it('moves the schedule up the sync change log the desktop client pulls, on every change', async () => {
    const changeOf = (id: string) => query<{ seq: number; entity: string; op: string }>(server, sql`SELECT seq, entity, op FROM changes WHERE entity_id = ${id}`);
    const created = await http.post(SCHEDULES, freshShift(agent1.user.id), supervisor);
    const [afterCreate] = await changeOf(created.body.id);
    expect(afterCreate).toMatchObject({ entity: 'schedule', op: 'upsert' });
    await http.patch(`${SCHEDULES}/${created.body.id}`, { status: 'active' }, supervisor);
    const [afterUpdate] = await changeOf(created.body.id);
    expect(afterUpdate).toMatchObject({ entity: 'schedule', op: 'upsert' });
    expect(afterUpdate!.seq).toBeGreaterThan(afterCreate!.seq);
  });
});
