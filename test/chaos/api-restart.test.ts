/**
 * The API is stopped in the middle of a batch while a desktop drains a big outbox: SIGTERM (an
 * orderly shutdown: in-flight requests finish, event streams end) and SIGKILL (the transaction
 * in progress is simply lost), at seeded moments, then started again on the same database.
 * A supervisor's desktop stays connected throughout (its poke stream reconnects each time).
 * The shutdown grace period is 60 s and logs when it fires, so it cannot hide a hang: every
 * SIGTERM must end the process on its own, without the backstop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { openCore, type TestCore } from '../support/desktop-core';
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
  until,
} from './invariants';
import { logCalls, type WriteLog } from './workload';

const random = seededRandom(CHAOS_SEED + 1);
const ROUNDS = 8;

let server: ApiServer;
let proxy: FaultProxy;
let http: Http;
let admin: Session;
let org: string;
let agent: TestCore;
let supervisor: TestCore;
const recorders: CursorRecorder[] = [];

beforeAll(async () => {
  server = await startApiServer({ env: { SHUTDOWN_GRACE_MS: '60000', RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_HOUR: '1000000' } });
  proxy = await startFaultProxy({ target: server.url });
  http = new Http(server.url);
  org = server.orgs.demo;
  admin = await http.login('admin@demo.test');
  // Big batches, so that a signal lands while the server is working through one.
  agent = await openCore({ sync: { pushBatchSize: 200 } });
  supervisor = await openCore();
  await agent.signIn(proxy.url, 'agent1@demo.test');
  await supervisor.signIn(proxy.url, 'supervisor@demo.test');
  await Promise.all([agent.invoke('sync.now', {}), supervisor.invoke('sync.now', {})]);
  recorders.push(new CursorRecorder(agent.dataDir).start(), new CursorRecorder(supervisor.dataDir).start());
  console.log(`chaos seed ${CHAOS_SEED}`);
});
afterAll(async () => {
  recorders.forEach((r) => r.stop());
  await agent?.close();
  await supervisor?.close();
  await proxy?.close();
  await stopAndClean(server);
});

describe('the API stopped mid-batch', () => {
  const writes: WriteLog = [];
  const shutdowns: { signal: string; ms: number }[] = [];

  it('SIGTERM and SIGKILL at seeded moments of a drain: everything arrives once, in order', async () => {
    await proxy.setDown(true);
    await logCalls(agent, 900, 'r', writes);
    expect((await agent.invoke('sync.status', {})).pending).toBe(1800);

    const deadline = Date.now() + 180_000; // a bound on rounds, not a speed requirement
    for (let round = 0; round < ROUNDS && Date.now() < deadline; round++) {
      const signal = round % 2 === 0 ? 'SIGTERM' : 'SIGKILL';
      const delay = 20 + Math.round(random() * 250);
      let stopped!: Promise<void>;
      const hit = new Promise<void>((resolve) => {
        proxy.onRequest = (req) => {
          if (req.kind !== 'push') return;
          proxy.onRequest = undefined;
          setTimeout(() => {
            const t0 = performance.now();
            stopped = server.stop(signal).then(() => void shutdowns.push({ signal, ms: performance.now() - t0 }));
            resolve();
          }, delay);
        };
      });
      await proxy.setDown(false);
      const pending = (await agent.invoke('sync.status', {})).pending;
      if (pending === 0) break;
      await hit;
      await stopped;
      await server.restart();
      // The restarted API carries on where the stopped one left off: more of the outbox drains.
      await until(async () => (await agent.invoke('sync.status', {})).pending < pending, 60_000, 'the drain to go on after a restart');
      await proxy.setDown(true); // pause the drain so that the next round aims at a fresh batch
    }
    expect(shutdowns.length, 'rounds in which the API was stopped mid-batch').toBeGreaterThanOrEqual(4);
    console.log(`shutdowns: ${shutdowns.map((s) => `${s.signal} ${s.ms.toFixed(0)} ms`).join(', ')}`);
    // Every SIGTERM ended the process by itself: the 60 s grace-period backstop never fired.
    expect(server.logs.some((l) => l.includes('shutdown grace period over')), 'the grace period was never needed').toBe(false);

    await proxy.setDown(false);
    await until(async () => (await agent.invoke('sync.status', {})).pending === 0, 120_000, 'the outbox to drain');
    await Promise.all([agent.invoke('sync.now', {}), supervisor.invoke('sync.now', {})]);

    const agentId = (await agent.invoke('session.current', {}))!.user.id;
    expectExactlyOnceInOrder(await auditTrail(http, admin, org, { actor_id: agentId, entity: 'call' }), writes, 'agent1');
    expectMirrorsEqual(localView(agent.dataDir), await serverView(http, await http.login('agent1@demo.test'), org), 'agent1');
    expectMirrorsEqual(localView(supervisor.dataDir), await serverView(http, await http.login('supervisor@demo.test'), org), 'supervisor');
    recorders.forEach((r, i) => {
      r.stop();
      r.expectNeverBack(i === 0 ? 'agent1' : 'supervisor');
    });
  });
});
