/**
 * What the server refuses is never lost: a rejected mutation waits in the attention list (without
 * holding back the ones after it) until the user retries it with fixed arguments or discards it.
 * Field-level merge keeps concurrent changes to different fields; a change of ours that a later
 * write replaced is reported as an OVERWRITTEN item, also when the desktop had already pulled its
 * own value back and the change that replaced it was made before it (the server tells it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { eventually, openCore, type TestCore } from '../support/desktop-core';
import { Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let admin: Session;
let agent: TestCore;
let supervisor: TestCore;
let org: string;
/** runs once right after the next push response arrives, before the core sees it */
let afterNextPush: (() => Promise<void>) | null = null;
/** the agent's desktop cannot reach the API (every request fails like a network down) */
let agentOffline = false;
const agentFetch = async (input: string, init?: RequestInit) => {
  if (agentOffline) throw new TypeError('fetch failed');
  return fetch(input, init);
};

const interleavingFetch = async (input: string, init?: RequestInit) => {
  const res = await fetch(input, init);
  if (afterNextPush && input.includes('/sync/push')) {
    const hook = afterNextPush;
    afterNextPush = null;
    await hook();
  }
  return res;
};

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  admin = await http.login('admin@demo.test');
  agent = await openCore({ fetch: agentFetch });
  await agent.signIn(server.url, 'agent1@demo.test');
  supervisor = await openCore({ fetch: interleavingFetch });
  await supervisor.signIn(server.url, 'supervisor@demo.test');
  await Promise.all([agent.invoke('sync.now', {}), supervisor.invoke('sync.now', {})]);
});
afterAll(async () => {
  await agent?.close();
  await supervisor?.close();
  await stopAndClean(server);
});

describe('rejected mutations', () => {
  let rejectedId: string;
  let laterId: string;
  const ghostPatient = uuidv7();

  it('land in the attention list and do not block the mutations after them', async () => {
    rejectedId = (await agent.invoke('call.create', { direction: 'inbound', phone_number: '07700 900301', patient_id: ghostPatient })).id;
    laterId = (await agent.invoke('call.create', { direction: 'inbound', phone_number: '07700 900302' })).id;
    const status = await agent.invoke('sync.now', {});
    expect(status).toMatchObject({ pending: 0, attention: 1, state: 'idle' });

    const [item] = await agent.invoke('sync.attention', {});
    expect(item).toMatchObject({ name: 'call.create', args: { id: rejectedId, patient_id: ghostPatient } });
    expect(item!.error.code).toBe('VALIDATION_FAILED');
    expect(item!.error.details).toHaveProperty('patient_id');

    expect((await http.get(`/api/v1/organizations/${org}/calls/${laterId}`, admin)).status).toBe(200);
    expect((await http.get(`/api/v1/organizations/${org}/calls/${rejectedId}`, admin)).status).toBe(404);
    // The server is authoritative: the refused call leaves the local view, and stays in the list.
    expect(await agent.invoke('calls.get', { id: rejectedId })).toBeNull();
  });

  it('retry with edited arguments sends the fixed change, under the same record id', async () => {
    const [item] = await agent.invoke('sync.attention', {});
    await agent.invoke('sync.retry', { mutation_id: item!.mutation_id, args: { ...item!.args, patient_id: null } });
    expect((await agent.invoke('calls.get', { id: rejectedId }))?.phone_number).toBe('+447700900301');
    const status = await agent.invoke('sync.now', {});
    expect(status).toMatchObject({ pending: 0, attention: 0 });
    const res = await http.get(`/api/v1/organizations/${org}/calls/${rejectedId}`, admin);
    expect(res.body).toMatchObject({ id: rejectedId, patient_id: null, phone_number: '+447700900301' });
  });

  it('discard removes it for good and sends nothing', async () => {
    const id = (await agent.invoke('call.create', { direction: 'outbound', phone_number: '07700 900303', patient_id: ghostPatient })).id;
    await agent.invoke('sync.now', {});
    const [item] = await agent.invoke('sync.attention', {});
    expect(item?.args.id).toBe(id);
    await agent.invoke('sync.discard', { mutation_id: item!.mutation_id });
    expect(await agent.invoke('sync.attention', {})).toEqual([]);
    expect((await agent.invoke('sync.status', {})).attention).toBe(0);
    expect((await http.get(`/api/v1/organizations/${org}/calls/${id}`, admin)).status).toBe(404);
  });
});

describe('merge', () => {
  it("keeps a supervisor's reprioritisation and the agent's status change to the same task", async () => {
    const task = await agent.invoke('task.create', { title: 'Book interpreter' });
    await agent.invoke('sync.now', {});
    await supervisor.invoke('sync.now', {});
    await supervisor.invoke('task.update', { id: task.id, patch: { priority: 'urgent' } });
    await agent.invoke('task.update', { id: task.id, patch: { status: 'in_progress' } });
    await Promise.all([supervisor.invoke('sync.now', {}), agent.invoke('sync.now', {})]);
    await agent.invoke('sync.now', {});
    const res = await http.get(`/api/v1/organizations/${org}/tasks/${task.id}`, admin);
    expect(res.body).toMatchObject({ priority: 'urgent', status: 'in_progress' });
    expect(await agent.invoke('tasks.get', { id: task.id })).toMatchObject({ priority: 'urgent', status: 'in_progress' });
    expect((await agent.invoke('sync.status', {})).attention).toBe(0);
  });

  it('tells the user when a later write replaced their acknowledged change, and retry writes it again', async () => {
    const task = await supervisor.invoke('task.create', { title: 'Order supplies' });
    await supervisor.invoke('sync.now', {});
    await supervisor.invoke('task.update', { id: task.id, patch: { title: 'Order dressings' } });
    // The admin's edit lands after our push was applied and before our pull.
    afterNextPush = async () => {
      const res = await http.patch(`/api/v1/organizations/${org}/tasks/${task.id}`, { title: 'Order dressings and gloves' }, admin);
      expect(res.status).toBe(200);
    };
    const status = await supervisor.invoke('sync.now', {});
    expect(afterNextPush).toBeNull();
    expect(status.attention).toBe(1);
    const [notice] = await supervisor.invoke('sync.attention', {});
    expect(notice).toMatchObject({
      name: 'task.update',
      args: { id: task.id, title: 'Order dressings' },
      error: { code: 'OVERWRITTEN', details: { fields: { title: { yours: 'Order dressings', theirs: 'Order dressings and gloves' } } } },
    });
    expect((await supervisor.invoke('tasks.get', { id: task.id }))?.title).toBe('Order dressings and gloves');

    await supervisor.invoke('sync.retry', { mutation_id: notice!.mutation_id });
    await supervisor.invoke('sync.now', {});
    const res = await eventually(async () => {
      const r = await http.get(`/api/v1/organizations/${org}/tasks/${task.id}`, admin);
      return r.body.title === 'Order dressings' ? r : null;
    });
    expect(res.body.title).toBe('Order dressings');
    expect((await supervisor.invoke('sync.status', {})).attention).toBe(0);
  });

  it('tells a desktop that had pulled its own value back when a change made before it replaced it', async () => {
    const task = await agent.invoke('task.create', { title: 'Call the pharmacy' });
    await agent.invoke('sync.now', {});
    await supervisor.invoke('sync.now', {});
    const agentsDate = '2026-12-01T09:00:00.000Z';
    const supervisorsDate = '2026-12-03T09:00:00.000Z';
    agentOffline = true;
    await agent.invoke('task.update', { id: task.id, patch: { due_date: agentsDate } });
    await supervisor.invoke('task.update', { id: task.id, patch: { due_date: supervisorsDate } });
    // Pushed and pulled back: the supervisor's desktop remembers nothing of it any more.
    expect(await supervisor.invoke('sync.now', {})).toMatchObject({ pending: 0, attention: 0 });
    expect((await supervisor.invoke('tasks.get', { id: task.id }))?.due_date).toBe(supervisorsDate);

    // The agent's offline change, made on the version before the supervisor's, lands later and wins.
    agentOffline = false;
    await eventually(async () => ((await agent.invoke('sync.now', {})).pending === 0 ? true : null));
    const res = await http.get(`/api/v1/organizations/${org}/tasks/${task.id}`, admin);
    expect(res.body.due_date).toBe(agentsDate);

    const [notice, ...more] = await eventually(async () => {
      await supervisor.invoke('sync.now', {});
      const items = await supervisor.invoke('sync.attention', {});
      return items.length ? items : null;
    });
    expect(more).toEqual([]);
    expect(notice).toMatchObject({
      name: 'task.update',
      args: { id: task.id, due_date: supervisorsDate },
      error: { code: 'OVERWRITTEN', details: { entity: 'task', id: task.id, fields: { due_date: { yours: supervisorsDate, theirs: agentsDate } } } },
    });
    expect((await supervisor.invoke('tasks.get', { id: task.id }))?.due_date).toBe(agentsDate);
    expect(await agent.invoke('sync.attention', {}), 'the winner has nothing to hear about').toEqual([]);

    // Told once: more pulls bring no second notice; retry writes the supervisor's value again.
    await supervisor.invoke('sync.now', {});
    expect(await supervisor.invoke('sync.attention', {})).toHaveLength(1);
    await supervisor.invoke('sync.retry', { mutation_id: notice!.mutation_id });
    await supervisor.invoke('sync.now', {});
    await eventually(async () => {
      const r = await http.get(`/api/v1/organizations/${org}/tasks/${task.id}`, admin);
      return r.body.due_date === supervisorsDate ? r : null;
    });
    await agent.invoke('sync.now', {});
    expect((await supervisor.invoke('sync.status', {})).attention).toBe(0);
    expect((await agent.invoke('sync.status', {})).attention, 'the retry was made on the current version: no conflict').toBe(0);
  });
});
