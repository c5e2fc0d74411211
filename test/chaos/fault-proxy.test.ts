/**
 * Three desktops (two agents, a supervisor) work at once through the fault-injecting proxy,
 * which drops answers after the server committed, duplicates requests (one after the other and
 * both at once), delays requests and answers, resets connections and cuts the poke streams, all
 * drawn from a seeded generator. Afterwards: every write arrived once, in each desktop's order,
 * each desktop's tables equal the server's view for its user, no cursor moved back, and pokes
 * still flow through the proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { openCore, type TestCore } from '../support/desktop-core';
import { randomFaults, seededRandom, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { Http, type Session } from '../support/http';
import {
  auditTrail,
  CHAOS_SEED,
  CursorRecorder,
  expectExactlyOnceInOrder,
  expectMirrorsEqual,
  localView,
  serverView,
  sleep,
  until,
} from './invariants';
import { logCalls, pick, type WriteLog } from './workload';

const random = seededRandom(CHAOS_SEED + 2);
const STEPS = 200;

let server: ApiServer;
let proxy: FaultProxy;
let http: Http;
let admin: Session;
let org: string;
const desktops: { name: string; email: string; core: TestCore; id: string; writes: WriteLog; recorder: CursorRecorder }[] = [];

beforeAll(async () => {
  server = await startApiServer({ env: { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_HOUR: '1000000' } });
  http = new Http(server.url);
  org = server.orgs.demo;
  admin = await http.login('admin@demo.test');
  proxy = await startFaultProxy({ target: server.url });
  for (const [name, email] of [['agent1', 'agent1@demo.test'], ['agent2', 'agent2@demo.test'], ['supervisor', 'supervisor@demo.test']] as const) {
    const core = await openCore({ sync: { pushBatchSize: 5 } });
    const id = (await core.signIn(proxy.url, email)).user.id;
    desktops.push({ name, email, core, id, writes: [], recorder: new CursorRecorder(core.dataDir).start() });
  }
  await Promise.all(desktops.map((d) => d.core.invoke('sync.now', {})));
  console.log(`chaos seed ${CHAOS_SEED}`);
});
afterAll(async () => {
  for (const d of desktops) {
    d.recorder.stop();
    await d.core.close();
  }
  await proxy?.close();
  await stopAndClean(server);
});

const by = (name: string) => desktops.find((d) => d.name === name)!;

async function settleAll(): Promise<void> {
  proxy.plan = () => ({ kind: 'pass' });
  for (const d of desktops) {
    await until(
      async () => {
        const s = await d.core.invoke('sync.now', {});
        return s.pending === 0 && s.state === 'idle';
      },
      30_000,
      `${d.name} to drain its outbox`,
    );
  }
  // A second round: the last pushes of some desktops concern the others.
  for (const d of desktops) await d.core.invoke('sync.now', {});
}

describe('through a proxy that loses, repeats, delays and cuts', () => {
  it('three desktops working at once: every write once and in order, mirrors equal to the server', async () => {
    const [agent1, agent2, supervisor] = [by('agent1'), by('agent2'), by('supervisor')];
    // Each agent's own tasks (status changes) and a pool the supervisor moves between them.
    const own = new Map<string, string[]>();
    for (const a of [agent1, agent2]) {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await http.post(`/api/v1/organizations/${org}/tasks`, { title: `${a.name} own ${i}`, assignee_id: a.id }, admin);
        ids.push(res.body.id);
      }
      own.set(a.name, ids);
    }
    await Promise.all(desktops.map((d) => d.core.invoke('sync.now', {})));
    const pool: string[] = [];
    const next = new Map([['open', 'in_progress'], ['in_progress', 'completed'], ['completed', 'open']]);

    proxy.plan = randomFaults(random, {
      reset: 0.06,
      dropResponse: 0.08,
      duplicate: 0.1,
      delayRequest: 0.08,
      delayResponse: 0.08,
      cutStream: 0.4,
      maxDelayMs: 250,
    });
    const deadline = Date.now() + 45_000;
    for (let step = 0; step < STEPS && Date.now() < deadline; step++) {
      const roll = random();
      if (roll < 0.5) {
        const a = pick(random, [agent1, agent2]);
        if (random() < 0.6) {
          await logCalls(a.core, 1, `${a.name}.${step}`, a.writes);
        } else {
          const id = pick(random, own.get(a.name)!);
          const task = await a.core.invoke('tasks.get', { id });
          const status = next.get(task!.status)! as 'open' | 'in_progress' | 'completed';
          await a.core.invoke('task.update', { id, patch: { status } });
          a.writes.push(`update task ${id} status=${status}`);
        }
      } else if (roll < 0.65 || pool.length === 0) {
        const to = pick(random, [agent1, agent2]);
        const task = await supervisor.core.invoke('task.create', { title: `pool ${step}`, assignee_id: to.id });
        pool.push(task.id);
        supervisor.writes.push(`create task ${task.id}`);
      } else {
        const id = pick(random, pool);
        const task = await supervisor.core.invoke('tasks.get', { id });
        const to = task!.assignee_id === agent1.id ? agent2 : agent1;
        await supervisor.core.invoke('tasks.reassign', { ids: [id], assignee_id: to.id });
        supervisor.writes.push(`update task ${id} assignee_id=${to.id}`);
      }
      if (random() < 0.08) proxy.cutStreams();
      await sleep(Math.round(random() * 80));
    }

    const counts = proxy.counts();
    console.log(`faults: ${JSON.stringify(counts)}`);
    for (const kind of ['reset', 'drop-response', 'duplicate', 'delay-request', 'delay-response', 'cut-stream'] as const) {
      expect(counts[kind], `${kind} faults injected`).toBeGreaterThan(0);
    }
    expect(proxy.log.filter((e) => e.kind === 'push' && e.fault === 'drop-response').length, 'push answers lost after commit').toBeGreaterThan(0);
    expect(proxy.log.filter((e) => e.kind === 'push' && e.fault === 'duplicate').length, 'pushes sent twice').toBeGreaterThan(0);

    await settleAll();
    for (const d of desktops) {
      const trail = (await auditTrail(http, admin, org, { actor_id: d.id })).filter((e) => e.entity === 'call' || e.entity === 'task');
      expectExactlyOnceInOrder(trail, d.writes, d.name);
      const local = localView(d.core.dataDir);
      expect(local.rejected, `${d.name}: nothing refused`).toEqual([]);
      expectMirrorsEqual(local, await serverView(http, await http.login(d.email), org), d.name);
      d.recorder.stop();
      d.recorder.expectNeverBack(d.name);
    }
    // Pool tasks live on exactly one agent's desktop: the one they are assigned to now.
    const a1 = localView(agent1.core.dataDir).mirror.task;
    const a2 = localView(agent2.core.dataDir).mirror.task;
    for (const id of pool) expect(a1.has(id) !== a2.has(id), `pool task ${id} on exactly one agent desktop`).toBe(true);
  });

  it('pokes still flow through the proxy after its streams were cut again and again', async () => {
    const [agent1, agent2, supervisor] = [by('agent1'), by('agent2'), by('supervisor')];
    expect(proxy.log.filter((e) => e.kind === 'events').length, 'poke streams reopened').toBeGreaterThan(5);
    const task = await supervisor.core.invoke('task.create', { title: 'after the storm', assignee_id: agent2.id });
    await supervisor.core.invoke('sync.now', {});
    // agent1 makes no request of its own: only a poke through the proxy can bring it news.
    const assigned = agent1.core.next('tasks.assigned', (p) => p.tasks.some((t) => t.id === task.id));
    await supervisor.core.invoke('tasks.reassign', { ids: [task.id], assignee_id: agent1.id });
    await assigned;
  });
});
