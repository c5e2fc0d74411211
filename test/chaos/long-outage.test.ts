/**
 * A desktop offline for a whole shift: 10,000 changes queued. Logging a call must stay as quick
 * with 10,000 waiting as with none (bench:sync found each write paying a scan of the whole
 * outbox for the status counts: 0.6 ms at first, 1.7 ms at 10,000), and when the API is back
 * everything arrives exactly once, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { openCore, type TestCore } from '../support/desktop-core';
import { Http, type Session } from '../support/http';
import { auditTrail, expectExactlyOnceInOrder, expectMirrorsEqual, localView, serverView, until } from './invariants';
import type { WriteLog } from './workload';

const QUEUED = 10_000;
const SAMPLE = 500;

let server: ApiServer;
let http: Http;
let admin: Session;
let core: TestCore;

beforeAll(async () => {
  server = await startApiServer({ env: { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_HOUR: '1000000' } });
  http = new Http(server.url);
  admin = await http.login('admin@demo.test');
  // Offline for hours: the engine retries rarely and never during the measurement.
  core = await openCore({ sync: { minBackoffMs: 600_000, maxBackoffMs: 600_000 } });
  await core.signIn(server.url, 'agent2@demo.test');
  await core.invoke('sync.now', {});
});
afterAll(async () => {
  await core?.close();
  await stopAndClean(server);
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('a shift offline', () => {
  const writes: WriteLog = [];

  it('logs the 10,000th call as quickly as the first', async () => {
    await server.stop();
    await core.invoke('sync.now', {}); // fails: offline, backing off
    const ms: number[] = [];
    for (let i = 0; i < QUEUED; i++) {
      const t0 = performance.now();
      const call = await core.invoke('calls.start', { direction: 'outbound', phone_number: '07700 900160', notes: `shift ${i}` });
      ms.push(performance.now() - t0);
      writes.push(`create call ${call.id}`);
    }
    expect((await core.invoke('sync.status', {})).pending).toBe(QUEUED);
    const first = median(ms.slice(0, SAMPLE));
    const last = median(ms.slice(-SAMPLE));
    console.log(`calls.start p50 with 0-${SAMPLE} queued: ${first.toFixed(2)} ms; with ${QUEUED - SAMPLE}-${QUEUED} queued: ${last.toFixed(2)} ms`);
    expect(last).toBeLessThan(first * 1.6 + 0.2);
  }, 90_000);

  it('delivers all 10,000 exactly once and in order when the API is back', async () => {
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
  }, 90_000);
});
