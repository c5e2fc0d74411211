/**
 * Concurrent edits across an outage. A supervisor reassigns tasks while their agent is offline
 * and the agent, offline (and through a restart of the desktop), changes the same tasks' status:
 * both changes survive (status belongs to who did the work, the assignee to the supervisor), the
 * tasks leave the agent's desktop for good and arrive on the new assignee's with the agent's
 * status. Then a same-field conflict: both change a due date while offline; the later server
 * order wins and the desktop whose value lost is told (an OVERWRITTEN attention item).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { openCore, type TestCore } from '../support/desktop-core';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { Http, type Session } from '../support/http';
import { auditTrail, CursorRecorder, expectExactlyOnceInOrder, expectMirrorsEqual, localView, serverView, until } from './invariants';
import { logCalls, type WriteLog } from './workload';

interface Desk {
  name: string;
  email: string;
  core: TestCore;
  proxy: FaultProxy;
  id: string;
  writes: WriteLog;
  recorder: CursorRecorder;
}

let server: ApiServer;
let http: Http;
let admin: Session;
let org: string;
let agent1: Desk;
let agent2: Desk;
let supervisor: Desk;

async function desk(name: string, email: string): Promise<Desk> {
  // Each desktop has its own way to the API, so that one of them can go offline alone.
  const proxy = await startFaultProxy({ target: server.url });
  const core = await openCore();
  const id = (await core.signIn(proxy.url, email)).user.id;
  await core.invoke('sync.now', {});
  return { name, email, core, proxy, id, writes: [], recorder: new CursorRecorder(core.dataDir).start() };
}

const drained = (d: Desk) =>
  until(
    async () => {
      const s = await d.core.invoke('sync.now', {});
      return s.pending === 0 && s.state === 'idle';
    },
    15_000,
    `${d.name} to drain`,
  );

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  admin = await http.login('admin@demo.test');
  agent1 = await desk('agent1', 'agent1@demo.test');
  agent2 = await desk('agent2', 'agent2@demo.test');
  supervisor = await desk('supervisor', 'supervisor@demo.test');
});
afterAll(async () => {
  for (const d of [agent1, agent2, supervisor]) {
    if (!d) continue;
    d.recorder.stop();
    await d.core.close();
    await d.proxy.close();
  }
  await stopAndClean(server);
});

describe('a supervisor reassigns while the agent works offline', () => {
  const tasks: string[] = [];
  const statusSet = new Map<string, string>();

  it("keeps both the reassignment and the agent's status change, across a restart of the agent's desktop", async () => {
    for (let i = 0; i < 6; i++) {
      const t = await supervisor.core.invoke('task.create', { title: `callback ${i}`, assignee_id: agent1.id });
      tasks.push(t.id);
      supervisor.writes.push(`create task ${t.id}`);
    }
    await drained(supervisor);
    await drained(agent1);
    expect((await agent1.core.invoke('tasks.mine', {})).filter((t) => tasks.includes(t.id))).toHaveLength(6);

    await agent1.proxy.setDown(true);
    for (const [i, id] of tasks.entries()) {
      const status = i % 2 === 0 ? 'in_progress' : 'completed';
      await agent1.core.invoke('task.update', { id, patch: { status } });
      agent1.writes.push(`update task ${id} status=${status}`);
      statusSet.set(id, status);
    }
    await logCalls(agent1.core, 3, 'offline', agent1.writes);
    // Meanwhile the supervisor moves four of them to agent2 (the agent's desktop cannot know).
    const moved = tasks.slice(0, 4);
    await supervisor.core.invoke('tasks.reassign', { ids: moved, assignee_id: agent2.id });
    moved.forEach((id) => supervisor.writes.push(`update task ${id} assignee_id=${agent2.id}`));
    await drained(supervisor);

    // The agent's desktop restarts while still offline: its first cycle will pull before pushing.
    await agent1.core.close();
    agent1.core = await openCore({ dataDir: agent1.core.dataDir, secrets: agent1.core.secrets });
    expect((await agent1.core.invoke('sync.status', {})).pending).toBe(12);
    await agent1.proxy.setDown(false);
    await drained(agent1);
    await drained(agent2);

    for (const id of tasks) {
      const res = await http.get(`/api/v1/organizations/${org}/tasks/${id}`, admin);
      expect(res.body, `task ${id} on the server`).toMatchObject({
        assignee_id: moved.includes(id) ? agent2.id : agent1.id,
        status: statusSet.get(id),
      });
    }
    expect(await agent1.core.invoke('sync.attention', {}), 'nothing refused, nothing overwritten').toEqual([]);
    const mine = (await agent1.core.invoke('tasks.mine', {})).map((t) => t.id);
    expect(moved.filter((id) => mine.includes(id)), 'reassigned-away tasks on agent1').toEqual([]);
    const theirs = await agent2.core.invoke('tasks.mine', {});
    for (const id of moved) expect(theirs.find((t) => t.id === id)?.status, `task ${id} on agent2`).toBe(statusSet.get(id));
  });

  it('reassigned-away tasks never come back, even when they change again', async () => {
    const moved = tasks.slice(0, 4);
    await supervisor.core.invoke('task.update', { id: moved[0]!, patch: { title: 'renamed after the move' } });
    supervisor.writes.push(`update task ${moved[0]} title=renamed after the move`);
    await supervisor.core.invoke('task.update', { id: moved[1]!, patch: { priority: 'urgent' } });
    supervisor.writes.push(`update task ${moved[1]} priority=urgent`);
    await drained(supervisor);
    await drained(agent1);
    await drained(agent2);
    const local = localView(agent1.core.dataDir);
    expect(moved.filter((id) => local.mirror.task.has(id))).toEqual([]);
    expect(localView(agent2.core.dataDir).mirror.task.get(moved[0]!)?.title).toBe('renamed after the move');
  });
});

describe('the same field changed on two desktops during an outage', () => {
  it('the later server order wins and the desktop whose value lost is told', async () => {
    const task = await supervisor.core.invoke('task.create', { title: 'Send discharge letter', assignee_id: agent1.id });
    supervisor.writes.push(`create task ${task.id}`);
    await drained(supervisor);
    await drained(agent1);

    await Promise.all([agent1.proxy.setDown(true), supervisor.proxy.setDown(true)]);
    const agentsDate = '2026-12-01T09:00:00.000Z';
    const supervisorsDate = '2026-12-03T09:00:00.000Z';
    await agent1.core.invoke('task.update', { id: task.id, patch: { due_date: agentsDate } });
    agent1.writes.push(`update task ${task.id} due_date=${agentsDate}`);
    await supervisor.core.invoke('task.update', { id: task.id, patch: { due_date: supervisorsDate } });
    supervisor.writes.push(`update task ${task.id} due_date=${supervisorsDate}`);

    // The agent's desktop is back first: its push lands, then (before it pulls) the
    // supervisor's push lands after it, so the supervisor's value is the later one.
    let releasePull!: () => void;
    const pullHeld = new Promise<void>((resolve) => (releasePull = resolve));
    let agentPushed = false;
    const agentAtPull = new Promise<void>((resolve) => {
      agent1.proxy.onRequest = async (req) => {
        if (req.kind === 'push') agentPushed = true;
        if (req.kind !== 'pull' || !agentPushed) return;
        agent1.proxy.onRequest = undefined;
        resolve();
        await pullHeld;
      };
    });
    await agent1.proxy.setDown(false);
    const agentSync = agent1.core.invoke('sync.now', {});
    await agentAtPull;
    await supervisor.proxy.setDown(false);
    await drained(supervisor);
    releasePull();
    await agentSync;
    await drained(agent1);

    const res = await http.get(`/api/v1/organizations/${org}/tasks/${task.id}`, admin);
    expect(res.body.due_date).toBe(supervisorsDate);
    expect((await agent1.core.invoke('tasks.get', { id: task.id }))?.due_date).toBe(supervisorsDate);
    const [notice, ...more] = await agent1.core.invoke('sync.attention', {});
    expect(more).toEqual([]);
    expect(notice).toMatchObject({
      name: 'task.update',
      args: { id: task.id, due_date: agentsDate },
      error: { code: 'OVERWRITTEN', details: { entity: 'task', id: task.id, fields: { due_date: { yours: agentsDate, theirs: supervisorsDate } } } },
    });
    expect(await supervisor.core.invoke('sync.attention', {}), 'the winner has nothing to hear about').toEqual([]);
    expect((await supervisor.core.invoke('sync.status', {})).attention).toBe(0);
  });

  it('every write once and in order per desktop, mirrors equal to the server, cursors never back', async () => {
    for (const d of [agent1, agent2, supervisor]) {
      await drained(d);
      const trail = (await auditTrail(http, admin, org, { actor_id: d.id })).filter((e) => e.entity === 'call' || e.entity === 'task');
      expectExactlyOnceInOrder(trail, d.writes, d.name);
      expectMirrorsEqual(localView(d.core.dataDir), await serverView(http, await http.login(d.email), org), d.name);
      d.recorder.stop();
      d.recorder.expectNeverBack(d.name);
    }
  });
});
