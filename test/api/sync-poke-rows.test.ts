/**
 * Pokes that carry the changes (docs/sync-protocol.md, "Pokes"): a small commit's poke holds, for
 * each user, exactly what that user's pull from `since` would bring up to `cursor` (the same
 * records in the same shape, deletes for what they may no longer see, their notices), and never a
 * record the user may not see.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { EventStream } from '../support/event-stream';
import { Http, type Session } from '../support/http';
import { query, sql } from '../support/store';

/** a deadline for something that must arrive: generous, since a loaded machine only delays it */
const ARRIVES_MS = 60_000;

interface Poke {
  cursor: number;
  since?: number;
  changes?: Array<{ entity: string; id: string; op: string; data: Record<string, unknown> | null; seq: number }>;
  notices?: Array<{ entity_id: string; fields: Record<string, unknown>; seq: number }>;
}
interface Page {
  changes: NonNullable<Poke['changes']>;
  notices: NonNullable<Poke['notices']>;
  cursor: number;
}

let server: ApiServer;
let http: Http;
let agent1: Session;
let agent2: Session;
let supervisor: Session;
let org: string;
const api = (path: string) => `/api/v1/organizations/${org}${path}`;
const streams: EventStream[] = [];
const seqs = new Map<string, number>();

async function streamOf(as: Session, clientId?: string) {
  const s = await EventStream.open(`${server.url}${api('/sync/events')}${clientId ? `?client_id=${clientId}` : ''}`, as.token, ARRIVES_MS);
  streams.push(s);
  return s;
}
async function pull(as: Session, clientId: string, cursor: number): Promise<Page> {
  const res = await http.get(api(`/sync/pull?client_id=${clientId}&cursor=${cursor}&limit=5000`), as);
  expect(res.status).toBe(200);
  return res.body as Page;
}
/** One push, so one transaction, of several mutations. */
async function push(as: Session, clientId: string, mutations: Array<{ name: string; args: Record<string, unknown> }>) {
  const first = (seqs.get(clientId) ?? 0) + 1;
  seqs.set(clientId, first + mutations.length - 1);
  const res = await http.post(
    api('/sync/push'),
    { client_id: clientId, schema_version: 2, mutations: mutations.map((m, i) => ({ seq: first + i, id: uuidv7(), ...m })) },
    as,
  );
  expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(mutations.map(() => 'applied'));
}
/** The next poke on `stream` after the first `seen` ones. */
async function nextPoke(stream: EventStream, seen: number): Promise<Poke> {
  expect(await stream.until(() => stream.pokes().length > seen, ARRIVES_MS)).toBe(true);
  return stream.pokes()[seen] as Poke;
}
/** A pull from `since` up to `cursor` brings exactly what the poke carries. */
async function expectSameAsPull(as: Session, poke: Poke) {
  expect(poke.since).toBeTypeOf('number');
  const page = await pull(as, uuidv7(), poke.since!);
  const upTo = <T extends { seq: number }>(xs: T[]) => xs.filter((x) => x.seq <= poke.cursor);
  expect(poke.changes).toEqual(upTo(page.changes));
  expect(poke.notices).toEqual(upTo(page.notices ?? []));
}

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [agent1, agent2, supervisor] = await Promise.all(['agent1@demo.test', 'agent2@demo.test', 'supervisor@demo.test'].map((e) => http.login(e)));
});
afterAll(async () => {
  for (const s of streams) s.close();
  await stopAndClean(server);
});

describe('a poke with the changes', () => {
  it("carries the agent's changed task as their pull brings it, from a cursor at or before theirs", async () => {
    const stream = await streamOf(agent1);
    const { cursor } = await pull(agent1, uuidv7(), 0);
    const task = (await http.get('/api/v1/users/me/tasks', agent1)).body.items[0];
    await http.patch(api(`/tasks/${task.id}`), { priority: 'urgent' }, supervisor);

    const poke = await nextPoke(stream, 0);
    expect(poke.since).toBeLessThanOrEqual(cursor);
    expect(poke.cursor).toBeGreaterThan(cursor);
    expect(poke.changes).toMatchObject([{ entity: 'task', id: task.id, op: 'upsert', data: { priority: 'urgent' } }]);
    await expectSameAsPull(agent1, poke);
  });

  it('tells the former owner of a reassigned task to delete it, without the record, and gives it to the new one', async () => {
    const task = (await http.post(api('/tasks'), { title: 'Return call', assignee_id: agent1.user.id }, supervisor)).body;
    const [s1, s2] = await Promise.all([streamOf(agent1), streamOf(agent2)]);
    await http.patch(api(`/tasks/${task.id}`), { assignee_id: agent2.user.id }, supervisor);

    const [former, next] = await Promise.all([nextPoke(s1, 0), nextPoke(s2, 0)]);
    expect(former.changes).toEqual([{ entity: 'task', id: task.id, op: 'delete', data: null, seq: former.cursor }]);
    expect(next.changes).toMatchObject([{ entity: 'task', id: task.id, op: 'upsert', data: { assignee_id: agent2.user.id } }]);
    await expectSameAsPull(agent1, former);
    await expectSameAsPull(agent2, next);
  });

  it("holds only the user's own records when one commit changes several users' records", async () => {
    const [s1, s2] = await Promise.all([streamOf(agent1), streamOf(agent2)]);
    const mine = uuidv7();
    const theirs = uuidv7();
    await push(supervisor, uuidv7(), [
      { name: 'task.create', args: { id: theirs, title: 'For agent2 only', assignee_id: agent2.user.id } },
      { name: 'task.create', args: { id: mine, title: 'For agent1', assignee_id: agent1.user.id } },
    ]);

    const [p1, p2] = await Promise.all([nextPoke(s1, 0), nextPoke(s2, 0)]);
    expect(p1.changes!.map((c) => c.id)).toEqual([mine]);
    expect(JSON.stringify(p1)).not.toContain('For agent2 only');
    expect(p2.changes!.map((c) => c.id)).toEqual([theirs]);
    await expectSameAsPull(agent1, p1);
    await expectSameAsPull(agent2, p2);
  });

  it('carries the overwrite notice of the user whose value a later-landing change replaced', async () => {
    const agentClient = uuidv7();
    const supervisorClient = uuidv7();
    const taskId = uuidv7();
    await push(agent1, agentClient, [{ name: 'task.create', args: { id: taskId, title: 'Chase referral' } }]);
    const v1 = (await http.get(api(`/tasks/${taskId}`), supervisor)).body.version as number;
    await push(supervisor, supervisorClient, [{ name: 'task.update', args: { id: taskId, due_date: '2026-12-03T09:00:00.000Z', based_on: v1 } }]);
    const stream = await streamOf(supervisor);

    // The agent's change was made on v1, before the supervisor's: it lands later and wins.
    await push(agent1, agentClient, [{ name: 'task.update', args: { id: taskId, due_date: '2026-12-01T09:00:00.000Z', based_on: v1 } }]);
    const poke = await nextPoke(stream, 0);
    expect(poke.notices).toMatchObject([{ entity_id: taskId, fields: { due_date: { yours: '2026-12-03T09:00:00.000Z', theirs: '2026-12-01T09:00:00.000Z' } } }]);
    await expectSameAsPull(supervisor, poke);
  });

  it("a desktop's pushed reassignment: the pokes (read before the push commits) match each owner's pull", async () => {
    const task = (await http.post(api('/tasks'), { title: 'Pushed reassignment', assignee_id: agent1.user.id }, supervisor)).body;
    const [s1, s2, sv] = await Promise.all([streamOf(agent1), streamOf(agent2), streamOf(supervisor)]);
    await push(supervisor, uuidv7(), [{ name: 'task.update', args: { id: task.id, assignee_id: agent2.user.id, based_on: task.version } }]);

    const [former, next, own] = await Promise.all([nextPoke(s1, 0), nextPoke(s2, 0), nextPoke(sv, 0)]);
    expect(former.changes).toEqual([{ entity: 'task', id: task.id, op: 'delete', data: null, seq: former.cursor }]);
    expect(next.changes).toMatchObject([{ entity: 'task', id: task.id, op: 'upsert', data: { assignee_id: agent2.user.id } }]);
    expect(own.changes).toMatchObject([{ entity: 'task', id: task.id, op: 'upsert', data: { assignee_id: agent2.user.id } }]);
    await expectSameAsPull(agent1, former);
    await expectSameAsPull(agent2, next);
    await expectSameAsPull(supervisor, own);
  });

  it("is bare on the pushing desktop's own stream (it pulls after its push), and carries the rows on the same user's other desktop", async () => {
    const pusher = uuidv7();
    const [own, other] = await Promise.all([streamOf(supervisor, pusher), streamOf(supervisor, uuidv7())]);
    const id = uuidv7();
    await push(supervisor, pusher, [{ name: 'task.create', args: { id, title: 'Own push', assignee_id: agent1.user.id } }]);

    const [mine, theirs] = await Promise.all([nextPoke(own, 0), nextPoke(other, 0)]);
    expect(mine.changes).toBeUndefined();
    expect(theirs.changes).toMatchObject([{ entity: 'task', id, op: 'upsert' }]);
    expect(mine.cursor).toBe(theirs.cursor);
    await expectSameAsPull(supervisor, theirs);
  });

  it('is bare for a push of more than 100 changes: the pull pages them', async () => {
    const stream = await streamOf(agent1);
    const ids = Array.from({ length: 101 }, () => uuidv7());
    await push(supervisor, uuidv7(), ids.map((id, i) => ({ name: 'task.create', args: { id, title: `Batch ${i}`, assignee_id: agent1.user.id } })));

    const poke = await nextPoke(stream, 0);
    expect(poke.changes).toBeUndefined();
    const page = await pull(agent1, uuidv7(), 0);
    expect(poke.cursor).toBe(Math.max(...page.changes.filter((c) => ids.includes(c.id)).map((c) => c.seq)));
  });

  it("is bare for a stream opened under a role the user no longer has: the pull's own rules decide", async () => {
    const stream = await streamOf(agent2);
    await query(server, sql`UPDATE users SET role = 'supervisor' WHERE id = ${agent2.user.id}`);
    try {
      // The stream was opened as an agent: it is still poked as one, with the cursor only.
      const task = (await http.post(api('/tasks'), { title: 'Bare poke', assignee_id: agent2.user.id }, supervisor)).body;
      const poke = await nextPoke(stream, 0);
      expect(poke.changes).toBeUndefined();
      expect(JSON.stringify(stream.pokes())).not.toContain(task.id);
    } finally {
      await query(server, sql`UPDATE users SET role = 'agent' WHERE id = ${agent2.user.id}`);
    }
  });
});
