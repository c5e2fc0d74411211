/** The SDK against the real API: typed resources, the seed's errors, one automatic refresh, pokes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { TokenResponse } from '../../src-shared/schemas/auth';
import { OnCallApiError, OnCallClient, OnCallNetworkError } from '../../src-shared/sdk';
import { PASSWORD, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer({ env: { ACCESS_TOKEN_TTL_SECONDS: '2' } });
});
afterAll(() => stopAndClean(server));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OnCallClient', () => {
  it('signs in and works with every resource of the organization', async () => {
    const client = new OnCallClient({ baseUrl: server.url });
    const tokens = await client.auth.login({ email: 'supervisor@demo.test', password: PASSWORD });
    expect(tokens.user.role).toBe('supervisor');
    expect((await client.users.me()).email).toBe('supervisor@demo.test');
    const users = await client.users.list({ role: 'agent' });
    const agent = users.items.find((u) => u.email === 'agent1@demo.test')!;
    const patient = await client.patients.create({ first_name: 'Dilys', last_name: 'Rowe', phone_number: '07700 900880' });
    expect(patient.phone_number).toBe('+447700900880');
    expect((await client.patients.list({ q: '07700900880' })).items.map((p) => p.id)).toEqual([patient.id]);
    const call = await client.callLog.create({ direction: 'inbound', phone_number: patient.phone_number, patient_id: patient.id });
    expect((await client.callLog.update(call.id, { status: 'completed', outcome: 'resolved' })).ended_at).not.toBeNull();
    expect((await client.callLog.list()).items.map((c) => c.id)).toContain(call.id);
    const task = await client.tasks.create({ title: 'Ring Dilys back', assignee_id: agent.id });
    expect((await client.tasks.update(task.id, { priority: 'urgent' })).priority).toBe('urgent');
    expect((await client.tasks.cancel(task.id)).status).toBe('cancelled');
    expect((await client.dispositions.list()).map((d) => d.code)).toContain('resolved');
    const pulled = await client.sync.pull({ client_id: uuidv7(), cursor: 0 });
    expect(pulled.changes.some((c) => c.id === task.id)).toBe(true);
    await client.auth.logout();
    await expect(client.users.me()).rejects.toMatchObject({ status: 401 });
  });

  it('throws OnCallApiError with the seed error object', async () => {
    const client = new OnCallClient({ baseUrl: server.url });
    await client.auth.login({ email: 'agent1@demo.test', password: PASSWORD });
    const err = await client.callLog.create({ direction: 'inbound', phone_number: '123' }).catch((e) => e);
    expect(err).toBeInstanceOf(OnCallApiError);
    expect(err).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
    expect(err.details).toHaveProperty('phone_number');
    await expect(client.tasks.get(uuidv7())).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('throws OnCallNetworkError when nothing answers', async () => {
    const client = new OnCallClient({ baseUrl: 'http://127.0.0.1:1', accessToken: 'x', organizationId: uuidv7() });
    await expect(client.callLog.list()).rejects.toBeInstanceOf(OnCallNetworkError);
  });

  it('refreshes an expired access token once, hands the new pair to onTokens and retries', async () => {
    const saved: TokenResponse[] = [];
    const client = new OnCallClient({ baseUrl: server.url, onTokens: (t) => void saved.push(t) });
    const first = await client.auth.login({ email: 'agent2@demo.test', password: PASSWORD });
    await sleep(2_200);
    // Concurrent requests share one refresh (the server rotates refresh tokens).
    const [me, tasks] = await Promise.all([client.users.me(), client.tasks.mine()]);
    expect(me.email).toBe('agent2@demo.test');
    expect(tasks.items).toBeInstanceOf(Array);
    expect(saved).toHaveLength(2); // login + one refresh
    expect(saved[1]!.refresh_token).not.toBe(first.refresh_token);
    expect(client.tokens.accessToken).toBe(saved[1]!.access_token);
  });

  it('streams pokes for changes the user should pull', async () => {
    const agent = new OnCallClient({ baseUrl: server.url });
    const me = (await agent.auth.login({ email: 'agent1@demo.test', password: PASSWORD })).user;
    const supervisor = new OnCallClient({ baseUrl: server.url });
    await supervisor.auth.login({ email: 'supervisor@demo.test', password: PASSWORD });
    const abort = new AbortController();
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const first = (async () => {
      for await (const poke of agent.sync.events({ signal: abort.signal, onOpen: opened })) return poke;
      return null;
    })();
    await open;
    await supervisor.tasks.create({ title: 'Poke me', assignee_id: me.id });
    const poke = await first;
    abort.abort();
    expect(poke?.cursor).toBeGreaterThan(0);
  });
});
