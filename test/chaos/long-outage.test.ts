/**
 * A desktop offline for a whole shift: 10,000 changes queued. Logging a call must stay about as
 * quick with 10,000 waiting as with none (bench:sync found each write paying a scan of the whole
 * outbox for the status counts: 3.4x slower at 10,000), and when the API is back everything
 * arrives exactly once, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { openCore, type TestCore } from '../support/desktop-core';
import { Http, type Session } from '../support/http';
import { auditTrail, CursorRecorder, expectExactlyOnceInOrder, expectMirrorsEqual, localView, serverView, until } from './invariants';
import type { WriteLog } from './workload';

const QUEUED = 10_000;
/** writes timed on each desktop, in turns of 25 */
const SAMPLE = 500;

let server: ApiServer;
let http: Http;
let admin: Session;
let core: TestCore;
let recorder: CursorRecorder;

beforeAll(async () => {
  server = await startApiServer({ env: { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_HOUR: '1000000' } });
  http = new Http(server.url);
  admin = await http.login('admin@demo.test');
  // Offline for hours: the engine retries rarely and never during the measurement.
  core = await openCore({ sync: { minBackoffMs: 600_000, maxBackoffMs: 600_000 } });
  await core.signIn(server.url, 'agent2@demo.test');
  await core.invoke('sync.now', {});
  recorder = new CursorRecorder(core.dataDir, 100).start();
});
afterAll(async () => {
  recorder?.stop();
  await core?.close();
  await stopAndClean(server);
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('a shift offline', () => {
  const writes: WriteLog = [];

  it('logs the 10,000th call as quickly as the first', async () => {
    // A second desktop with an empty queue, measured in turns with the full one: machine load
    // then weighs on both alike, and only the queue's length differs.
    const fresh = await openCore({ sync: { minBackoffMs: 600_000, maxBackoffMs: 600_000 } });
    await fresh.signIn(server.url, 'agent1@demo.test');
    await server.stop();
    await Promise.all([core.invoke('sync.now', {}), fresh.invoke('sync.now', {})]); // offline, backing off
    const log = async (on: TestCore, i: number) => {
      const t0 = performance.now();
      const call = await on.invoke('call.create', { direction: 'outbound', phone_number: '07700 900160', notes: `shift ${i}` });
      if (on === core) writes.push(`create call ${call.id}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < QUEUED; i++) await log(core, i);
    expect((await core.invoke('sync.status', {})).pending).toBe(QUEUED);

    const full: number[] = [];
    const empty: number[] = [];
    for (let block = 0; block < SAMPLE / 25; block++) {
      const turn = block % 2 === 0 ? [core, fresh] : [fresh, core];
      for (const on of turn) for (let i = 0; i < 25; i++) (on === core ? full : empty).push(await log(on, QUEUED + block * 25 + i));
    }
    await fresh.close();
    console.log(`call.create p50 with ${QUEUED} queued: ${median(full).toFixed(2)} ms; with at most ${SAMPLE} queued: ${median(empty).toFixed(2)} ms`);
    expect(median(full)).toBeLessThan(median(empty) * 2);
  });

  it('delivers all of them exactly once and in order when the API is back', async () => {
    await server.restart();
    await until(
      async () => {
        const s = await core.invoke('sync.now', {});
        return s.pending === 0 && s.state === 'idle';
      },
      60_000,
      'the drain',
    );
    const me = (await core.invoke('session.current', {}))!.user;
    expectExactlyOnceInOrder(await auditTrail(http, admin, server.orgs.demo, { actor_id: me.id, entity: 'call' }), writes, 'agent2');
    expectMirrorsEqual(localView(core.dataDir), await serverView(http, await http.login('agent2@demo.test'), server.orgs.demo), 'agent2');
    recorder.stop();
    recorder.expectNeverBack('agent2');
  });
});
