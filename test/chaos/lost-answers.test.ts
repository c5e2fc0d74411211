/**
 * Regression tests for what the kill -9 chaos run found, each made deterministic with the fault
 * proxy: the answer to a push is lost after the server committed it, and the desktop restarts
 * (its first cycle pulls before it pushes again).
 *
 * 1. The server replayed a refused mutation as a plain "duplicate", so the desktop dropped it as
 *    if applied: the refusal never reached the attention list and the refused row stayed on
 *    screen for good. A replay now answers "rejected" again, with the same error.
 * 2. A desktop that learnt of a refusal and died before the end of that cycle kept the refused
 *    row (the rollback was queued in memory only). A new session rebases rejected records.
 * 3. A change already visible in the pulled server state when its acknowledgement finally came
 *    stayed applied twice in the row (local `updated_at`/`version` the server never had): no
 *    later pull brings that record again. Such rows are rebased on acknowledgement.
 * 4. A poke stream whose answer never came (a connection accepted, then silence; or closed at
 *    once, which Node 20's fetch may never report) waited forever: the 45 s silence rule only
 *    started once the stream was open, so pokes stopped until the slow poll. Opening a stream
 *    now has a time limit too.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { openCore, type TestCore } from '../support/desktop-core';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { Http, type Session } from '../support/http';
import { expectMirrorsEqual, localView, serverView, until } from './invariants';
import { eventually } from '../support/desktop-core';

let server: ApiServer;
let proxy: FaultProxy;
let http: Http;
let agent: Session;
let org: string;

beforeAll(async () => {
  server = await startApiServer();
  proxy = await startFaultProxy({ target: server.url });
  http = new Http(server.url);
  org = server.orgs.demo;
  agent = await http.login('agent2@demo.test');
});
afterAll(async () => {
  await proxy?.close();
  await stopAndClean(server);
});

describe('a replayed push (server)', () => {
  it('answers a refused mutation "rejected" again with its error, under its seq or a new one', async () => {
    const clientId = uuidv7();
    const ghost = { seq: 1, id: uuidv7(), name: 'call.create', args: { id: uuidv7(), direction: 'inbound', phone_number: '+447700900301', patient_id: uuidv7() } };
    const fine = { seq: 2, id: uuidv7(), name: 'call.create', args: { id: uuidv7(), direction: 'inbound', phone_number: '+447700900302' } };
    const push = (mutations: unknown[]) =>
      http.post(`/api/v1/organizations/${org}/sync/push`, { client_id: clientId, schema_version: 1, mutations }, agent);

    const first = await push([ghost, fine]);
    expect(first.body.results).toEqual([
      { seq: 1, status: 'rejected', error: expect.objectContaining({ code: 'VALIDATION_FAILED', details: { patient_id: 'no such patient' } }) },
      { seq: 2, status: 'applied' },
    ]);
    // The same batch again (its answer was lost): the refusal is repeated, the create is not.
    const replay = await push([ghost, fine]);
    expect(replay.body).toEqual({ last_mutation_seq: 2, results: [{ seq: 1, status: 'rejected', error: first.body.results[0].error }, { seq: 2, status: 'duplicate' }] });
    // Renumbered by the client (same ids, new seqs): the same answers.
    const renumbered = await push([{ ...ghost, seq: 3 }, { ...fine, seq: 4 }]);
    expect(renumbered.body).toEqual({ last_mutation_seq: 4, results: [{ seq: 3, status: 'rejected', error: first.body.results[0].error }, { seq: 4, status: 'duplicate' }] });
  });
});

describe('a desktop that restarts after losing a push answer', () => {
  let core: TestCore;
  afterAll(async () => {
    await core?.close();
  });

  it('shows the refusal in the attention list and the rows exactly as the server has them', async () => {
    core = await openCore();
    await core.signIn(proxy.url, 'agent2@demo.test');
    await core.invoke('sync.now', {});
    await proxy.setDown(true); // queue all three, so that one push carries them
    const call = await core.invoke('call.create', { direction: 'inbound', phone_number: '07700 900303', notes: 'first' });
    await core.invoke('call.update', { id: call.id, patch: { notes: 'second' } });
    const ghost = await core.invoke('call.create', { direction: 'inbound', phone_number: '07700 900304', patient_id: uuidv7() });

    // The server commits the push; the desktop quits before the answer reaches it.
    const closed = new Promise<void>((resolve) => {
      proxy.onResponse = async (req) => {
        if (req.kind !== 'push') return;
        proxy.onResponse = undefined;
        await core.close();
        resolve();
      };
    });
    await proxy.setDown(false);
    await core.invoke('sync.now', {});
    await closed;
    expect(localView(core.dataDir).pending).toHaveLength(3);
    expect(proxy.log.filter((e) => e.kind === 'push').at(-1)?.status, 'the answer never reached the desktop').toBeNull();

    core = await openCore({ dataDir: core.dataDir, secrets: core.secrets });
    await until(async () => (await core.invoke('sync.status', {})).pending === 0, 10_000, 'the outbox to drain');
    await core.invoke('sync.now', {});
    const items = await core.invoke('sync.attention', {});
    expect(items.map((i) => [i.args.id, i.error.code])).toEqual([[ghost.id, 'VALIDATION_FAILED']]);
    expect(await core.invoke('calls.get', { id: ghost.id })).toBeNull();
    expectMirrorsEqual(localView(core.dataDir), await serverView(http, agent, org), 'agent2');
  });

  it('takes a refused row off the screen even when it died right after learning of the refusal', async () => {
    // The push is answered (refused); the desktop quits while pulling, before the cycle ends.
    let pushed = false;
    const closed = new Promise<void>((resolve) => {
      proxy.onRequest = async (req) => {
        if (req.kind === 'push') pushed = true;
        if (req.kind !== 'pull' || !pushed) return;
        proxy.onRequest = undefined;
        await core.close();
        resolve();
        return { kind: 'reset' };
      };
    });
    const ghost = await core.invoke('call.create', { direction: 'outbound', phone_number: '07700 900305', patient_id: uuidv7() });
    await closed;
    expect(localView(core.dataDir).rejected.map((r) => r.entity_id)).toContain(ghost.id);
    expect(localView(core.dataDir).mirror.call.has(ghost.id), 'still on screen when it died').toBe(true);

    core = await openCore({ dataDir: core.dataDir, secrets: core.secrets });
    await core.invoke('sync.now', {});
    expect(await core.invoke('calls.get', { id: ghost.id })).toBeNull();
    expect((await core.invoke('sync.attention', {})).map((i) => i.args.id)).toContain(ghost.id);
    expectMirrorsEqual(localView(core.dataDir), await serverView(http, agent, org), 'agent2');
  });
});

describe('a poke stream whose answer never comes', () => {
  it('is given up and reopened, so that news keeps arriving without waiting for the slow poll', async () => {
    let streams = 0;
    const silent = await startFaultProxy({ target: server.url, plan: (req) => (req.kind === 'events' && ++streams === 1 ? { kind: 'blackhole' } : { kind: 'pass' }) });
    const core = await openCore({ sync: { streamOpenTimeoutMs: 1_000 } });
    try {
      const me = (await core.signIn(silent.url, 'agent1@demo.test')).user.id;
      await core.invoke('sync.now', {});
      const supervisor = await http.login('supervisor@demo.test');
      const task = await http.post(`/api/v1/organizations/${org}/tasks`, { title: 'news while the stream hangs', assignee_id: me }, supervisor);
      // No local write, no sync now: only a poke (or the reconnect's pull) can bring it.
      await eventually(async () => (await core.invoke('tasks.get', { id: task.body.id })) !== null);
      // The hung stream was given up and a new one opened. Giving up also makes the desktop
      // check the API at once, and that pull may bring the task before the new stream is open.
      const streamFaults = () => silent.log.filter((e) => e.kind === 'events').map((e) => e.fault);
      await expect.poll(() => streamFaults().slice(0, 2)).toEqual(['blackhole', 'pass']);
    } finally {
      await core.close();
      await silent.close();
    }
  });
});
