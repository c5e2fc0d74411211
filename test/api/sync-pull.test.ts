/**
 * Sync pull (docs/sync-protocol.md): the changes a user may see since their cursor, paged, in
 * the REST API's shapes, compacted to one change per record, with deletes for records the user
 * lost sight of, and CURSOR_EXPIRED when the server can no longer continue a cursor.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';
import { holdWriteLock, query, sql } from '../support/store';

let server: ApiServer;
let http: Http;
let agent1: Session;
let agent2: Session;
let supervisor: Session;
let org: string;
const api = (path: string) => `/api/v1/organizations/${org}${path}`;

interface Change {
  entity: string;
  id: string;
  op: 'upsert' | 'delete';
  data: any;
  seq: number;
}
interface Pulled {
  changes: Change[];
  cursor: number;
  last_mutation_seq: number;
  has_more: boolean;
}

/** One client per user, as a desktop would have. */
const clients = new Map<string, string>();
const clientOf = (s: Session) => clients.get(s.user.id) ?? clients.set(s.user.id, uuidv7()).get(s.user.id)!;

async function pullPage(as: Session, cursor: number, limit = 2000, orgId = org) {
  const res = await http.get<Pulled>(`/api/v1/organizations/${orgId}/sync/pull?client_id=${clientOf(as)}&cursor=${cursor}&limit=${limit}`, as);
  if (res.status !== 200) throw new Error(`pull failed: ${res.status} ${res.text}`);
  return res.body;
}

/** Pulls every page from `cursor`, checking that the cursor only moves forward. */
async function pullAll(as: Session, cursor = 0, limit = 2000, orgId = org) {
  const changes: Change[] = [];
  let pages = 0;
  for (;;) {
    const page = await pullPage(as, cursor, limit, orgId);
    expect(page.cursor).toBeGreaterThanOrEqual(cursor);
    changes.push(...page.changes);
    cursor = page.cursor;
    pages++;
    if (!page.has_more) return { changes, cursor, pages };
  }
}

const ids = (changes: Change[], entity: string) =>
  changes
    .filter((c) => c.entity === entity)
    .map((c) => c.id)
    .sort();

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [agent1, agent2, supervisor] = await Promise.all(
    ['agent1@demo.test', 'agent2@demo.test', 'supervisor@demo.test'].map((e) => http.login(e)),
  );
});
afterAll(() => stopAndClean(server));

describe('a fresh pull (cursor 0)', () => {
  it("gives an agent the seeded records they may see, and nothing of anyone else's", async () => {
    const { changes } = await pullAll(agent1);
    expect(changes.every((c) => c.op === 'upsert')).toBe(true);

    const users = await http.get(api('/users?limit=200'), supervisor);
    expect(ids(changes, 'user')).toEqual(users.body.items.map((u: any) => u.id).sort());
    const patients = await http.get(api('/patients?limit=200'), supervisor);
    expect(ids(changes, 'patient')).toEqual(patients.body.items.map((p: any) => p.id).sort());
    const calls = await http.get(api('/calls?limit=200&from=2000-01-01T00:00:00Z'), agent1);
    expect(ids(changes, 'call')).toEqual(calls.body.items.map((c: any) => c.id).sort());
    expect(calls.body.items.length).toBe(3);
    const tasks = await http.get(api('/tasks?limit=200'), agent1);
    expect(ids(changes, 'task')).toEqual(tasks.body.items.map((t: any) => t.id).sort());
    // The rota is published to the whole organization (docs/sync-protocol.md, "Who sees what").
    const rota = await http.get('/v1/oncall/schedules?limit=100', agent1);
    expect(ids(changes, 'schedule')).toEqual(rota.body.items.map((s: any) => s.id).sort());
    expect(rota.body.items.some((s: any) => s.staffId === agent1.user.id)).toBe(true);
  });

  it('gives supervisors the whole organization', async () => {
    const { changes } = await pullAll(supervisor);
    const count = (entity: string) => changes.filter((c) => c.entity === entity).length;
    expect([count('user'), count('patient'), count('call'), count('task'), count('schedule')]).toEqual([4, 8, 5, 5, 2]);
    const otherUsers = await pullAll(await http.login('admin@other.test'), 0, 2000, server.orgs.other);
    expect(ids(otherUsers.changes, 'user').some((id) => ids(changes, 'user').includes(id))).toBe(false);
  });

  it("carries the REST API's shapes", async () => {
    const { changes } = await pullAll(agent1);
    const byEntity = (entity: string) => changes.find((c) => c.entity === entity)!;
    const call = byEntity('call');
    expect(call.data).toEqual((await http.get(api(`/calls/${call.id}`), agent1)).body);
    const task = byEntity('task');
    expect(task.data).toEqual((await http.get(api(`/tasks/${task.id}`), agent1)).body);
    const patient = byEntity('patient');
    expect(patient.data).toEqual((await http.get(api(`/patients/${patient.id}`), agent1)).body);
    const user = byEntity('user');
    expect(user.data).toEqual((await http.get(api('/users?limit=200'), agent1)).body.items.find((u: any) => u.id === user.id));
    const schedule = byEntity('schedule');
    expect(schedule.data).toEqual((await http.get(`/v1/oncall/schedules/${schedule.id}`, agent1)).body);
  });

  it('pages in change order: every page continues where the previous stopped', async () => {
    const whole = await pullAll(supervisor);
    const paged = await pullAll(supervisor, 0, 4);
    expect(paged.pages).toBeGreaterThan(5);
    expect(paged.changes.map((c) => c.seq)).toEqual(whole.changes.map((c) => c.seq));
    const seqs = paged.changes.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(paged.cursor).toBe(whole.cursor);

    const first = await pullPage(supervisor, 0, 4);
    expect(first.changes.length).toBe(4);
    expect(first.has_more).toBe(true);
    expect(first.cursor).toBe(first.changes[3]!.seq);
  });
});

describe('incremental pulls', () => {
  it('keeps the cursor where it is when nothing changed, and delivers exactly what changed after', async () => {
    const { cursor } = await pullAll(agent1);
    const again = await pullPage(agent1, cursor);
    expect(again).toMatchObject({ changes: [], cursor, has_more: false });

    const created = await http.post(api('/calls'), { direction: 'inbound', phone_number: '+447700900901' }, agent1);
    const next = await pullPage(agent1, cursor);
    expect(next.changes).toEqual([{ entity: 'call', id: created.body.id, op: 'upsert', data: created.body, seq: expect.any(Number) }]);
    expect(next.cursor).toBeGreaterThan(cursor);
    expect(next.cursor).toBe(next.changes[0]!.seq);
  });

  it("does not tell an agent anything about another agent's records", async () => {
    const { cursor } = await pullAll(agent2);
    await http.post(api('/calls'), { direction: 'inbound', phone_number: '+447700900902' }, agent1);
    const next = await pullPage(agent2, cursor);
    expect(next.changes).toEqual([]);
    expect(next.cursor).toBeGreaterThan(cursor);
  });

  it('reports the last mutation seq the server processed for this client', async () => {
    const client = uuidv7();
    const callId = uuidv7();
    const pushed = await http.post(
      api('/sync/push'),
      {
        client_id: client,
        schema_version: 1,
        mutations: [{ seq: 1, id: uuidv7(), name: 'call.create', args: { id: callId, direction: 'outbound', phone_number: '+447700900903' } }],
      },
      agent1,
    );
    expect(pushed.body.last_mutation_seq).toBe(1);
    const pulled = await http.get<Pulled>(api(`/sync/pull?client_id=${client}&cursor=0`), agent1);
    expect(pulled.body.last_mutation_seq).toBe(1);
    expect(pulled.body.changes.find((c) => c.id === callId)?.data.phone_number).toBe('+447700900903');
  });
});

describe('visibility changes', () => {
  it('tells the former assignee to delete a task reassigned away from them, and the new one to add it', async () => {
    const task = await http.post(api('/tasks'), { title: 'Ring the pharmacy', assignee_id: agent1.user.id }, supervisor);
    const [a1, a2] = await Promise.all([pullAll(agent1), pullAll(agent2)]);
    expect(a1.changes.find((c) => c.id === task.body.id)?.op).toBe('upsert');
    expect(a2.changes.find((c) => c.id === task.body.id)).toBeUndefined();

    await http.patch(api(`/tasks/${task.body.id}`), { assignee_id: agent2.user.id }, supervisor);
    const after1 = await pullPage(agent1, a1.cursor);
    expect(after1.changes).toEqual([{ entity: 'task', id: task.body.id, op: 'delete', data: null, seq: expect.any(Number) }]);
    const after2 = await pullPage(agent2, a2.cursor);
    expect(after2.changes).toHaveLength(1);
    expect(after2.changes[0]).toMatchObject({ entity: 'task', id: task.body.id, op: 'upsert', data: { assignee_id: agent2.user.id } });

    // and back again: the task reappears for agent1
    await http.patch(api(`/tasks/${task.body.id}`), { assignee_id: agent1.user.id }, supervisor);
    const back1 = await pullPage(agent1, after1.cursor);
    expect(back1.changes).toMatchObject([{ id: task.body.id, op: 'upsert', data: { assignee_id: agent1.user.id } }]);
    const back2 = await pullPage(agent2, after2.cursor);
    expect(back2.changes).toMatchObject([{ id: task.body.id, op: 'delete', data: null }]);
  });

  it('keeps a task the agent created visible to them after they no longer own it', async () => {
    const created = await http.post(api('/tasks'), { title: 'Agent-made task' }, agent1);
    const { cursor } = await pullAll(agent1);
    await http.patch(api(`/tasks/${created.body.id}`), { assignee_id: agent2.user.id }, supervisor);
    const next = await pullPage(agent1, cursor);
    expect(next.changes).toMatchObject([{ id: created.body.id, op: 'upsert', data: { assignee_id: agent2.user.id } }]);
  });
});

describe('compaction', () => {
  it('keeps one change per record: several edits arrive as one change with the latest state', async () => {
    const { cursor } = await pullAll(agent1);
    const patient = (await http.get(api('/patients?q=peter'), agent1)).body.items[0];
    for (const notes of ['first', 'second', 'third']) {
      await http.patch(api(`/patients/${patient.id}`), { notes }, supervisor);
    }
    const next = await pullPage(agent1, cursor);
    expect(next.changes).toHaveLength(1);
    expect(next.changes[0]).toMatchObject({ entity: 'patient', id: patient.id, op: 'upsert', data: { notes: 'third' } });
    expect(next.changes[0]!.data.version).toBe(patient.version + 3);
  });

  it('makes a fresh pull one change per record, however often records changed', async () => {
    const { changes } = await pullAll(supervisor);
    const keys = changes.map((c) => `${c.entity}:${c.id}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('errors', () => {
  it('answers 409 CURSOR_EXPIRED for a cursor ahead of the server history (a restored backup)', async () => {
    const { cursor } = await pullAll(agent1);
    const res = await http.get(api(`/sync/pull?client_id=${clientOf(agent1)}&cursor=${cursor + 1000}`), agent1);
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('CURSOR_EXPIRED');
  });

  it('answers 409 CURSOR_EXPIRED for a cursor older than the kept history (503 while busy pruning), and a rebuild from 0 works', async () => {
    // Other organization, so that no other test's cursor is affected by its horizon.
    const admin = await http.login('admin@other.test');
    const otherOrg = server.orgs.other;
    const { cursor } = await pullAll(admin, 0, 2000, otherOrg);

    // No endpoint deletes a synced record yet (tasks are cancelled, calls end), so this writes
    // the tombstone a delete would leave, old enough to be pruned.
    await query(server, sql`INSERT INTO changes (organization_id, entity, entity_id, op, created_at)
      VALUES (${otherOrg}, 'task', ${uuidv7()}, 'delete', '2000-01-01T00:00:00.000Z')`);

    // Pruning it needs the write lock: while another writer holds it, the answer is "retry", not a 500.
    const release = await holdWriteLock(server);
    let busy;
    try {
      busy = await http.get(`/api/v1/organizations/${otherOrg}/sync/pull?client_id=${clientOf(admin)}&cursor=${cursor}`, admin);
    } finally {
      await release();
    }
    expect(busy.status).toBe(503);
    expect(errorOf(busy).code).toBe('SERVICE_UNAVAILABLE');
    expect(busy.headers.get('retry-after')).toBe('1');

    const res = await http.get(`/api/v1/organizations/${otherOrg}/sync/pull?client_id=${clientOf(admin)}&cursor=${cursor}`, admin);
    expect(res.status).toBe(409);
    const err = errorOf(res);
    expect(err.code).toBe('CURSOR_EXPIRED');
    expect(err.details!.horizon).toBeGreaterThan(cursor);

    const rebuilt = await http.get<Pulled>(`/api/v1/organizations/${otherOrg}/sync/pull?client_id=${clientOf(admin)}&cursor=0`, admin);
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body.changes.filter((c) => c.entity === 'patient')).toHaveLength(8);
    const resumed = await http.get(`/api/v1/organizations/${otherOrg}/sync/pull?client_id=${clientOf(admin)}&cursor=${rebuilt.body.cursor}`, admin);
    expect(resumed.status).toBe(200);
  });

  it("answers 403 for a client id that belongs to another user and 404 for another organization", async () => {
    const res = await http.get(api(`/sync/pull?client_id=${clientOf(agent1)}&cursor=0`), agent2);
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    const other = await http.get(`/api/v1/organizations/${server.orgs.other}/sync/pull?client_id=${uuidv7()}`, agent1);
    expect(other.status).toBe(404);
  });

  it('answers 400 for bad query parameters and 401 without a token', async () => {
    const missing = await http.get(api('/sync/pull?cursor=0'), agent1);
    expect(missing.status).toBe(400);
    expect(Object.keys(errorOf(missing).details!)).toContain('client_id');
    const negative = await http.get(api(`/sync/pull?client_id=${uuidv7()}&cursor=-1`), agent1);
    expect(negative.status).toBe(400);
    const tooMany = await http.get(api(`/sync/pull?client_id=${uuidv7()}&limit=100000`), agent1);
    expect(tooMany.status).toBe(400);
    const anonymous = await http.get(api(`/sync/pull?client_id=${uuidv7()}`));
    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous).code).toBe('UNAUTHORIZED');
  });
});
