/**
 * `kill -9` of the desktop client at seeded points of a push and of a pull, then a restart on the
 * same DATA_DIR. The client runs in its own process behind the fault proxy, which aims each
 * kill: while the proxy holds a request (the server never sees it), after the server answered
 * and before the client got the answer (the server committed), while the server works on it,
 * while the client applies a pulled page, or in the middle of local writes. Invariants:
 * test/chaos/invariants.ts; what each step shows: docs/sync-chaos.md.
 */
import { rmSync } from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { startClientProcess, type ClientProcess, type ClientTiming } from '../support/client-process';
import { seededRandom, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
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
import { logCalls, pick, RawSyncClient, settleUncertain, type WriteLog } from './workload';

const random = seededRandom(CHAOS_SEED);
const TIMING: ClientTiming = { pushBatchSize: 40, pullLimit: 100, seed: CHAOS_SEED };
const PUSH_ROUNDS = 8;
const PULL_ROUNDS = 6;

let server: ApiServer;
let proxy: FaultProxy;
let http: Http;
let admin: Session;
let supervisor: Session;
let agentSession: Session;
let org: string;
let agentId: string;
let otherAgentId: string;
let client: ClientProcess;
let dataDir: string;
let recorder: CursorRecorder;
const writes: WriteLog = [];
/** call.create mutations the server refuses (unknown patient): they must end in the attention list */
const refused = new Set<string>();

beforeAll(async () => {
  server = await startApiServer({ env: { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_HOUR: '1000000' } });
  proxy = await startFaultProxy({ target: server.url });
  http = new Http(server.url);
  org = server.orgs.demo;
  admin = await http.login('admin@demo.test');
  supervisor = await http.login('supervisor@demo.test');
  agentSession = await http.login('agent1@demo.test');
  agentId = agentSession.user.id;
  otherAgentId = (await http.login('agent2@demo.test')).user.id;
  client = await startClientProcess({ timing: TIMING });
  dataDir = client.dataDir;
  await client.signIn(proxy.url, 'agent1@demo.test');
  await client.invoke('sync.now', {});
  recorder = new CursorRecorder(dataDir).start();
  console.log(`chaos seed ${CHAOS_SEED}`);
});
afterAll(async () => {
  recorder?.stop();
  await client?.kill();
  await proxy?.close();
  await stopAndClean(server);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const alive = () => client.process.exitCode === null && client.process.signalCode === null;

async function restart(): Promise<void> {
  await client.kill();
  client = await startClientProcess({ dataDir, timing: TIMING });
}

/** Waits until the client was killed (true) or has nothing left to send (false). */
async function killedOrDrained(what: string): Promise<boolean> {
  let killed = false;
  await until(
    async () => {
      if (!alive()) return (killed = true);
      try {
        const s = await client.invoke('sync.status', {});
        return s.pending === 0 && s.state === 'idle';
      } catch {
        return (killed = !alive());
      }
    },
    20_000,
    what,
  );
  return killed;
}

function disarm(): void {
  proxy.onRequest = undefined;
  proxy.onResponse = undefined;
}

async function settle(): Promise<void> {
  disarm();
  await proxy.setDown(false);
  await until(
    async () => {
      const s = await client.invoke('sync.status', {});
      return s.pending === 0 && s.state === 'idle';
    },
    20_000,
    'the client to drain its outbox',
  );
  await client.invoke('sync.now', {});
}

describe('kill -9 of the client', () => {
  it('mid-push, at seeded points: after restarts nothing is lost, duplicated or reordered', async () => {
    const deadline = Date.now() + 60_000;
    const phases = ['held', 'committed', 'in-flight', 'writing'] as const;
    let kills = 0;
    for (let round = 0; round < PUSH_ROUNDS && Date.now() < deadline; round++) {
      const phase = phases[round % phases.length]!;
      await proxy.setDown(true); // offline: the outbox fills up
      await logCalls(client, 30, `p${round}`, writes);
      const ghost = await client.invoke('call.create', { direction: 'outbound', phone_number: '07700 900124', notes: `ghost ${round}`, patient_id: uuidv7() });
      refused.add(ghost.id);

      if (phase === 'writing') {
        // Killed between (or inside) local writes: each acknowledged write survives; the one
        // left without an answer is all there (row and outbox entry) or not at all.
        const killAfter = 20 + Math.round(random() * 150);
        const victim = client;
        setTimeout(() => void victim.kill(), killAfter);
        const { uncertain } = await logCalls(client, 200, `w${round}`, writes);
        await client.exited;
        kills++;
        client = await startClientProcess({ dataDir, timing: TIMING });
        const local = localView(dataDir);
        settleUncertain(uncertain, local.mirror.call, writes);
        expect(local.pending.length, 'every queued write is still queued').toBeGreaterThanOrEqual(61);
        continue;
      }

      // Aim at the k-th push request of this drain.
      const k = 1 + Math.floor(random() * 2);
      let pushes = 0;
      const victim = client;
      proxy.onRequest = async (req) => {
        if (req.kind !== 'push' || ++pushes !== k) return;
        if (phase === 'in-flight') setTimeout(() => void victim.kill(), Math.round(random() * 40));
        if (phase !== 'held') return;
        await victim.kill();
        return { kind: 'reset' };
      };
      proxy.onResponse = async (req) => {
        if (req.kind === 'push' && pushes === k && phase === 'committed') await victim.kill();
      };
      await proxy.setDown(false);
      if (await killedOrDrained(`kill at push ${k} (${phase})`)) kills++;
      disarm();
      await restart();
      // Every write the client acknowledged is still there after the crash.
      const local = localView(dataDir);
      for (const label of writes.filter((w) => w.startsWith('create'))) expect(local.mirror.call.has(label.split(' ')[2]!)).toBe(true);
    }
    expect(kills, 'the client was really killed').toBeGreaterThanOrEqual(3);

    await settle();
    await client.close();
    const local = localView(dataDir);
    expectMirrorsEqual(local, await serverView(http, agentSession, org), 'agent1');
    expectExactlyOnceInOrder(await auditTrail(http, admin, org, { actor_id: agentId, entity: 'call' }), writes, 'agent1');
    // What the server refused is not lost with the lost answer: it waits in the attention list.
    expect(new Set(local.rejected.map((r) => r.entity_id)), 'refused writes in the attention list').toEqual(refused);
    client = await startClientProcess({ dataDir, timing: TIMING });
  });

  it('mid-pull of a large change set, at seeded points: the mirror ends equal to the server view', async () => {
    const seeder = new RawSyncClient(http, supervisor, org);
    // Tasks the agent already has, then (while the agent's desktop is off) a large change set:
    // 1,200 new tasks, 150 reassigned away (deletes for this agent), 150 reprioritised.
    const first = Array.from({ length: 300 }, (_, i) => ({ id: uuidv7(), title: `base ${i}` }));
    await seeder.push(first.map((t) => ({ name: 'task.create', args: { ...t, assignee_id: agentId } })));
    await client.invoke('sync.now', {});
    await client.kill();
    const awayIds = first.slice(0, 150).map((t) => t.id);
    const bulk = Array.from({ length: 1200 }, (_, i) => ({ id: uuidv7(), title: `bulk ${i}` }));
    await seeder.push([
      ...bulk.map((t) => ({ name: 'task.create', args: { ...t, assignee_id: agentId } })),
      ...awayIds.map((id) => ({ name: 'task.update', args: { id, assignee_id: otherAgentId } })),
      ...first.slice(150).map((t) => ({ name: 'task.update', args: { id: t.id, priority: 'high' } })),
    ]);

    const phases = ['held', 'committed', 'applying'] as const;
    const gone = new Set<string>();
    let kills = 0;
    const deadline = Date.now() + 50_000;
    for (let round = 0; round < PULL_ROUNDS && Date.now() < deadline; round++) {
      const phase = pick(random, phases);
      const k = 1 + Math.floor(random() * 4);
      let pulls = 0;
      client = await startClientProcess({ dataDir, timing: TIMING });
      const victim = client;
      proxy.onRequest = async (req) => {
        if (req.kind !== 'pull' || ++pulls !== k || phase !== 'held') return;
        await victim.kill();
        return { kind: 'reset' };
      };
      proxy.onResponse = async (req) => {
        if (req.kind !== 'pull' || pulls !== k) return;
        if (phase === 'committed') await victim.kill();
        // relayed now; the kill lands while the client parses or applies the page
        if (phase === 'applying') setTimeout(() => void victim.kill(), Math.round(random() * 30));
      };
      if (await killedOrDrained(`kill at pull ${k} (${phase})`)) kills++;
      disarm();
      await client.kill();
      // Rows that left this agent's view never come back, whatever page the crash cut.
      const local = localView(dataDir);
      expect([...gone].filter((id) => local.mirror.task.has(id)), 'reassigned-away tasks back after a crash').toEqual([]);
      awayIds.filter((id) => !local.mirror.task.has(id)).forEach((id) => gone.add(id));
    }
    expect(kills, 'the client was really killed').toBeGreaterThanOrEqual(3);

    client = await startClientProcess({ dataDir, timing: TIMING });
    await settle();
    // A reassigned-away task that changes again is still not the agent's.
    await http.patch(`/api/v1/organizations/${org}/tasks/${awayIds[0]}`, { title: 'changed after reassignment' }, supervisor);
    await sleep(300);
    await client.invoke('sync.now', {});
    await client.close();
    const local = localView(dataDir);
    expect(awayIds.filter((id) => local.mirror.task.has(id)), 'reassigned-away tasks').toEqual([]);
    expectMirrorsEqual(local, await serverView(http, agentSession, org), 'agent1');
    const kept = [...bulk, ...first.slice(150)].map((t) => t.id);
    expect(kept.filter((id) => !local.mirror.task.has(id)), 'tasks of the change set missing').toEqual([]);
    expect(first.slice(150).every((t) => local.mirror.task.get(t.id)?.priority === 'high')).toBe(true);
    recorder.stop();
    recorder.expectNeverBack('agent1');
  });
});
