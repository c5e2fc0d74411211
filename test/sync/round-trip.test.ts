/** Push and pull against the real API: what an agent logs arrives, what others change shows up. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { eventually, openCore, type TestCore } from '../support/desktop-core';
import { Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let supervisor: Session;
let agentCore: TestCore;
let org: string;

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  supervisor = await http.login('supervisor@demo.test');
  agentCore = await openCore();
  await agentCore.signIn(server.url, 'agent1@demo.test');
  await agentCore.invoke('sync.now', {});
});
afterAll(async () => {
  await agentCore?.close();
  await stopAndClean(server);
});

describe('first sync', () => {
  it('downloads what the agent may see: patients, users and outcome codes for offline use', async () => {
    const status = await agentCore.invoke('sync.status', {});
    expect(status).toMatchObject({ state: 'idle', online: true, pending: 0, attention: 0, last_error: null });
    expect(status.last_pull_at).not.toBeNull();
    const margaret = await agentCore.invoke('patients.search', { q: 'marg' });
    expect(margaret.map((p) => p.full_name)).toContain('Margaret Hughes');
    const users = await agentCore.invoke('users.list', {});
    expect(users.map((u) => u.email)).toContain('supervisor@demo.test');
    const codes = await agentCore.invoke('dispositions.list', {});
    expect(codes.map((d) => d.code)).toContain('resolved');
  });
});

describe('push', () => {
  it('a logged call reaches the API with the same id, E.164 number and notes', async () => {
    const call = await agentCore.invoke('call.create', { direction: 'inbound', phone_number: '07700 900123' });
    expect(call.phone_number).toBe('+447700900123');
    await agentCore.invoke('call.update', { id: call.id, patch: { notes: 'asked about repeat prescription' } });
    const done = await agentCore.invoke('call.update', { id: call.id, patch: { status: 'completed', outcome: 'resolved' } });
    expect(done.ended_at).not.toBeNull();

    const status = await agentCore.invoke('sync.now', {});
    expect(status.pending).toBe(0);
    const res = await http.get(`/api/v1/organizations/${org}/calls/${call.id}`, supervisor);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: call.id,
      phone_number: '+447700900123',
      notes: 'asked about repeat prescription',
      status: 'completed',
      outcome: 'resolved',
      agent_name: 'Alex Agent',
    });
    // The server kept the end time the desktop recorded, not the time the push arrived.
    expect(res.body.ended_at).toBe(done.ended_at);
    // After the pull the local row is the server's (version > 0).
    const local = await agentCore.invoke('calls.get', { id: call.id });
    expect(local?.version).toBeGreaterThan(0);
  });
});

describe('pull', () => {
  it("a task a supervisor creates for the agent over REST appears in the agent's queue", async () => {
    const agentId = (await agentCore.invoke('session.current', {}))!.user.id;
    const created = await http.post(
      `/api/v1/organizations/${org}/tasks`,
      { title: 'Call back Mrs Hughes', assignee_id: agentId, priority: 'high' },
      supervisor,
    );
    expect(created.status).toBe(201);
    const mine = await eventually(async () => {
      const tasks = await agentCore.invoke('tasks.mine', {});
      return tasks.find((t) => t.id === created.body.id);
    });
    expect(mine).toMatchObject({ title: 'Call back Mrs Hughes', priority: 'high', status: 'open' });
  });

  it('the agent completes it locally and the supervisor sees it completed', async () => {
    const [task] = await agentCore.invoke('tasks.mine', { status: ['open'] });
    const done = await agentCore.invoke('task.update', { id: task!.id, patch: { status: 'completed' } });
    expect(done.completed_at).not.toBeNull();
    await agentCore.invoke('sync.now', {});
    const res = await http.get(`/api/v1/organizations/${org}/tasks/${task!.id}`, supervisor);
    expect(res.body.status).toBe('completed');
  });
});
