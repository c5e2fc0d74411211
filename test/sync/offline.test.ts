/**
 * Offline logging: with the API down the agent keeps working (every action answers at once from
 * the local store), the outbox survives a restart of the desktop, and when the API is back
 * everything arrives exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { eventually, openCore, type TestCore } from '../support/desktop-core';
import { Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let supervisor: Session;
let core: TestCore;
let org: string;
let agentId: string;
let taskId: string;

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  supervisor = await http.login('supervisor@demo.test');
  core = await openCore();
  agentId = (await core.signIn(server.url, 'agent1@demo.test')).user.id;
  const task = await http.post(`/api/v1/organizations/${org}/tasks`, { title: 'Chase lab results', assignee_id: agentId }, supervisor);
  taskId = task.body.id;
  await eventually(async () => (await core.invoke('tasks.get', { id: taskId })) !== null);
});
afterAll(async () => {
  await core?.close();
  await stopAndClean(server);
});

describe('offline logging', () => {
  const logged: string[] = [];

  it('answers every action at once while the API is down, and says it is offline', async () => {
    await server.stop();
    const times: number[] = [];
    const timed = async <T>(fn: () => Promise<T>) => {
      const t0 = performance.now();
      const result = await fn();
      times.push(performance.now() - t0);
      return result;
    };
    for (let i = 0; i < 5; i++) {
      const call = await timed(() => core.invoke('call.create', { direction: 'outbound', phone_number: `07700 90020${i}` }));
      await timed(() => core.invoke('call.update', { id: call.id, patch: { notes: `note ${i}` } }));
      await timed(() => core.invoke('call.update', { id: call.id, patch: { status: 'completed', outcome: 'voicemail' } }));
      logged.push(call.id);
    }
    await timed(() => core.invoke('task.update', { id: taskId, patch: { status: 'in_progress' } }));
    await timed(() => core.invoke('task.update', { id: taskId, patch: { description: 'lab phoned, results due Friday' } }));
    // Every write answered from the local store while the API is unreachable; how fast is
    // bench:sync's "log a call" figure (a timed test fails on a loaded machine).
    console.log(`offline writes: ${times.map((t) => t.toFixed(1)).join(', ')} ms`);

    const status = await eventually(async () => {
      const s = await core.invoke('sync.status', {});
      return s.state === 'offline' ? s : null;
    });
    expect(status).toMatchObject({ online: false, pending: 17 });
    expect(status.oldest_pending_at).not.toBeNull();
    expect(status.next_retry_at).not.toBeNull();
    const today = await core.invoke('calls.list', {});
    expect(today.filter((c) => logged.includes(c.id)).every((c) => c.status === 'completed')).toBe(true);
  });

  it('keeps the outbox across a restart of the desktop', async () => {
    await core.close();
    core = await openCore({ dataDir: core.dataDir, secrets: core.secrets });
    expect((await core.invoke('session.current', {}))?.user.id).toBe(agentId);
    const status = await core.invoke('sync.status', {});
    expect(status.pending).toBe(17);
    expect((await core.invoke('tasks.get', { id: taskId }))?.status).toBe('in_progress');
  });

  it('delivers everything exactly once when the API is back', async () => {
    await server.restart();
    const status = await eventually(async () => {
      const s = await core.invoke('sync.status', {});
      return s.pending === 0 && s.state === 'idle' ? s : null;
    });
    expect(status).toMatchObject({ online: true, attention: 0 });

    const calls = await http.get(`/api/v1/organizations/${org}/calls?agent_id=${agentId}&limit=200`, supervisor);
    const arrived = calls.body.items.filter((c: { id: string }) => logged.includes(c.id));
    expect(arrived).toHaveLength(5);
    for (const c of arrived) expect(c).toMatchObject({ status: 'completed', outcome: 'voicemail', notes: expect.stringMatching(/^note \d$/) });
    const task = await http.get(`/api/v1/organizations/${org}/tasks/${taskId}`, supervisor);
    expect(task.body).toMatchObject({ status: 'in_progress', description: 'lab phoned, results due Friday' });
    // Exactly once: one create and two updates per call in the audit log, no more.
    const audit = await http.get(`/api/v1/organizations/${org}/audit?entity=call&entity_id=${logged[0]}`, supervisor);
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['create', 'update', 'update']);
  });
});
