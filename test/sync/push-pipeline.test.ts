/**
 * The desktop keeps two push batches in flight (src-main/core/sync/push.ts): the next one leaves
 * while the server applies the one before. Here the first batch is held up on the way (a proxy
 * delays it), so the second gets to the server first and is refused with SEQUENCE_GAP; the
 * desktop sends it again once the first is answered. Every queued call arrives once, in order,
 * and nothing is left in the outbox or shown as rejected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { eventually, openCore, type TestCore } from '../support/desktop-core';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { Http, type Session } from '../support/http';
import { query, sql } from '../support/store';

const QUEUED = 23;

let server: ApiServer;
let proxy: FaultProxy;
let http: Http;
let agent: Session;
let core: TestCore;
let org: string;

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  agent = await http.login('agent1@demo.test');
  proxy = await startFaultProxy({ target: server.url });
  core = await openCore({ sync: { pushBatchSize: 5 } });
  await core.signIn(proxy.url, 'agent1@demo.test');
  await core.invoke('sync.now', {});
});
afterAll(async () => {
  await core?.close();
  await proxy?.close();
  await stopAndClean(server);
});

describe('two push batches in flight', () => {
  it('a batch that overtakes the one before it is refused, sent again, and applied once, in order', async () => {
    await proxy.setDown(true);
    const ids: string[] = [];
    for (let i = 0; i < QUEUED; i++) ids.push((await core.invoke('call.create', { direction: 'inbound', phone_number: '07700 900123', notes: `queued ${i}` })).id);
    expect((await core.invoke('sync.status', {})).pending).toBe(QUEUED);

    // The first push after the outage is held back long enough for the next one to pass it.
    let held = false;
    proxy.plan = (req) => {
      if (req.kind !== 'push' || held) return { kind: 'pass' };
      held = true;
      return { kind: 'delay-request', ms: 3_000 };
    };
    await proxy.setDown(false);
    await core.invoke('sync.now', {});
    await eventually(async () => (await core.invoke('sync.status', {})).pending === 0);

    const pushes = proxy.log.filter((e) => e.kind === 'push');
    expect(pushes.some((e) => e.status === 409), 'the overtaking batch was refused (the race this test is about happened)').toBe(true);
    const status = await core.invoke('sync.status', {});
    expect(status).toMatchObject({ pending: 0, attention: 0, last_error: null });

    // Once each, in the order they were logged.
    const audited = await query<{ entity_id: string }>(
      server,
      sql`SELECT entity_id FROM audit_log WHERE entity = 'call' AND action = 'create' AND entity_id IN (${sql.join(ids)}) ORDER BY id`,
    );
    expect(audited.map((r) => r.entity_id)).toEqual(ids);
    const listed = await http.get(`/api/v1/organizations/${org}/calls?limit=100`, agent);
    expect(listed.body.items.filter((c: { id: string }) => ids.includes(c.id))).toHaveLength(QUEUED);
  });
});
