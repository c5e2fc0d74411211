/**
 * The IPC services answer from the local store: no action waits on the network (even a network
 * that swallows requests), screen pop and search work offline, and role rules are applied
 * locally. Uses the real API only to sign in and fill the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { openCore, type TestCore } from '../support/desktop-core';

let server: ApiServer;
let agent: TestCore;
/** when set, every request hangs: a network that swallows packets */
let blackHole = false;
/** the hung requests, failed as "connection reset" when the network comes back */
const hung: ((err: Error) => void)[] = [];

const switchableFetch = (input: string, init?: RequestInit): Promise<Response> => {
  if (!blackHole) return fetch(input, init);
  return new Promise((_, reject) => {
    hung.push(reject);
    init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true });
  });
};

beforeAll(async () => {
  server = await startApiServer();
  agent = await openCore({ fetch: switchableFetch, sync: { staleCycleMs: 300 } });
  await agent.signIn(server.url, 'agent1@demo.test');
  await agent.invoke('sync.now', {});
});
afterAll(async () => {
  await agent?.close();
  await stopAndClean(server);
});

describe('with a network that never answers', () => {
  it('every action still answers at once from the local store', async () => {
    blackHole = true;
    // Requests now hang until the SDK's own 30 s timeout, which is also this test's timeout: an
    // action that waited on the network would time the test out. No wall-clock limit of its own.
    const call = await agent.invoke('call.create', { direction: 'inbound', phone_number: '+44 7700 900 610' });
    await agent.invoke('call.update', { id: call.id, patch: { status: 'wrap_up', notes: 'wants a home visit' } });
    const task = await agent.invoke('task.create', { title: 'Arrange home visit', priority: 'high' });
    await agent.invoke('task.update', { id: task.id, patch: { status: 'in_progress' } });
    await agent.invoke('patient.create', { first_name: 'Iwan', last_name: 'Prys', phone_number: '029 2018 0610' });
    const status = await agent.invoke('sync.status', {});
    expect(status.pending).toBe(5);
    expect(await agent.invoke('calls.get', { id: call.id })).toMatchObject({ status: 'wrap_up', notes: 'wants a home visit' });
  });

  it('screen pop finds a caller by number in any format, and search finds names and numbers', async () => {
    expect((await agent.invoke('patients.lookupByNumber', { phone: '02920180610' }))?.full_name).toBe('Iwan Prys');
    expect((await agent.invoke('patients.lookupByNumber', { phone: '+44 29 2018 0610' }))?.full_name).toBe('Iwan Prys');
    expect(await agent.invoke('patients.lookupByNumber', { phone: '+44 29 2018 0611' })).toBeNull();
    expect((await agent.invoke('patients.search', { q: 'pry' })).map((p) => p.full_name)).toEqual(['Iwan Prys']);
    expect((await agent.invoke('patients.search', { q: 'iwan p' })).map((p) => p.full_name)).toEqual(['Iwan Prys']);
    expect((await agent.invoke('patients.search', { q: '029 2018 0610' })).map((p) => p.full_name)).toEqual(['Iwan Prys']);
    expect(await agent.invoke('patients.search', { q: '%' })).toEqual([]);
  });

  it("lists today's calls and filters them; the queue is ordered like the API's", async () => {
    const today = await agent.invoke('calls.list', {});
    expect(today.some((c) => c.notes === 'wants a home visit')).toBe(true);
    expect(await agent.invoke('calls.list', { status: 'completed', direction: 'outbound' })).toEqual(
      today.filter((c) => c.status === 'completed' && c.direction === 'outbound'),
    );
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(await agent.invoke('calls.list', { from: `${yesterday}T00:00:00Z`, to: `${yesterday}T00:00:01Z` })).toEqual([]);
    const queue = await agent.invoke('tasks.mine', { status: ['open', 'in_progress'] });
    const rank = { urgent: 0, high: 1, normal: 2, low: 3 } as const;
    const ranks = queue.map((t) => rank[t.priority]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('applies role rules locally', async () => {
    await expect(agent.invoke('tasks.team', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const [task] = await agent.invoke('tasks.mine', {});
    await expect(agent.invoke('task.update', { id: task!.id, patch: { priority: 'urgent' } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const call = (await agent.invoke('calls.list', {}))[0]!;
    await agent.invoke('call.update', { id: call.id, patch: { status: 'completed' } });
    await expect(agent.invoke('call.update', { id: call.id, patch: { status: 'active' } })).rejects.toMatchObject({
      code: 'INVALID_STATUS_TRANSITION',
    });
    await expect(agent.invoke('call.update', { id: call.id, patch: { outcome: 'made_up_code' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('cancel is a status change and works offline; outcome codes come from the cache', async () => {
    const task = await agent.invoke('task.create', { title: 'Mistake' });
    expect((await agent.invoke('tasks.cancel', { id: task.id })).status).toBe('cancelled');
    expect((await agent.invoke('dispositions.list', {})).length).toBeGreaterThanOrEqual(8);
  });

  it('"sync now" abandons a cycle stuck on a dead connection and starts over', async () => {
    await agent.invoke('call.create', { direction: 'inbound', phone_number: '+447700900620' });
    await new Promise((r) => setTimeout(r, 400)); // the cycle's push now hangs for longer than staleCycleMs
    blackHole = false;
    // The stuck push only ends at the SDK's 30 s timeout (= this test's timeout): sync.now
    // answering at all shows it abandoned the stuck cycle rather than waiting for it.
    const status = await agent.invoke('sync.now', {});
    expect(status).toMatchObject({ pending: 0, state: 'idle' });
    blackHole = true;
  });

  it('sends it all once the network answers again', async () => {
    blackHole = false;
    for (const reject of hung.splice(0)) reject(new TypeError('fetch failed: connection reset'));
    const status = await agent.invoke('sync.now', {});
    expect(status).toMatchObject({ pending: 0, attention: 0, state: 'idle' });
  });
});
