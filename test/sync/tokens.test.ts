/**
 * Token expiry never costs a queued change: an expired access token is refreshed (once, the new
 * pair saved in the SecretStore) in the middle of draining the outbox; when even the refresh
 * token is dead the core reports signed_out and keeps the outbox for the next sign-in.
 *
 * Time passes by moving the sessions' stored expiries into the past (what the server checks),
 * not by seconds-long tokens: on a loaded machine a token of a second or two could expire before
 * the sign-in's own first sync, and the test would be about the machine's speed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS_KEY } from '../../src-main/core/services/session';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { eventually, openCore, type TestCore } from '../support/desktop-core';
import { Http, type Session } from '../support/http';
import { query, sql } from '../support/store';

/** Every session's access token (and with `refresh`, its refresh token) is now past its expiry. */
async function expireSessions(server: ApiServer, { refresh }: { refresh: boolean }) {
  const past = new Date(Date.now() - 60_000).toISOString();
  await query(
    server,
    refresh
      ? sql`UPDATE sessions SET access_expires_at = ${past}, refresh_expires_at = ${past}`
      : sql`UPDATE sessions SET access_expires_at = ${past}`,
  );
}

describe('access token expiry mid-queue', () => {
  let server: ApiServer;
  let http: Http;
  let supervisor: Session;
  let core: TestCore;

  beforeAll(async () => {
    server = await startApiServer();
    http = new Http(server.url);
    core = await openCore({ sync: { pushBatchSize: 10 } });
    await core.signIn(server.url, 'agent2@demo.test');
    await core.invoke('sync.now', {});
  });
  afterAll(async () => {
    await core?.close();
    await stopAndClean(server);
  });

  it('refreshes, saves the new pair and delivers all 35 queued calls', async () => {
    const before = JSON.parse(core.secrets.values.get(TOKENS_KEY)!);
    await server.stop();
    const ids: string[] = [];
    for (let i = 0; i < 35; i++) {
      ids.push((await core.invoke('call.create', { direction: 'inbound', phone_number: `+4477009004${String(i).padStart(2, '0')}` })).id);
    }
    await expireSessions(server, { refresh: false });
    await server.restart();
    const status = await core.invoke('sync.now', {});
    expect(status).toMatchObject({ pending: 0, attention: 0, state: 'idle', last_error: null });

    const after = JSON.parse(core.secrets.values.get(TOKENS_KEY)!);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    supervisor = await http.login('supervisor@demo.test');
    const calls = await http.get(`/api/v1/organizations/${server.orgs.demo}/calls?limit=200`, supervisor);
    const arrived = calls.body.items.filter((c: { id: string }) => ids.includes(c.id));
    expect(arrived).toHaveLength(35);
  });

  it('keeps syncing across further expiries with the saved pair', async () => {
    await expireSessions(server, { refresh: false });
    const call = await core.invoke('call.create', { direction: 'outbound', phone_number: '+447700900499' });
    const status = await core.invoke('sync.now', {});
    expect(status.pending).toBe(0);
    supervisor = await http.login('supervisor@demo.test'); // the test's own session expired too
    const res = await http.get(`/api/v1/organizations/${server.orgs.demo}/calls/${call.id}`, supervisor);
    expect(res.status).toBe(200);
  });
});

describe('a session that cannot be renewed', () => {
  let server: ApiServer;
  let core: TestCore;

  beforeAll(async () => {
    server = await startApiServer();
    core = await openCore();
    await core.signIn(server.url, 'agent1@demo.test');
    await core.invoke('sync.now', {});
  });
  afterAll(async () => {
    await core?.close();
    await stopAndClean(server);
  });

  it('signs out, keeps the outbox, and sends it after the next sign-in', async () => {
    await server.stop();
    const call = await core.invoke('call.create', { direction: 'inbound', phone_number: '+447700900501' });
    await expireSessions(server, { refresh: true });
    await server.restart();
    const status = await core.invoke('sync.now', {});
    expect(status).toMatchObject({ state: 'signed_out', pending: 1 });
    expect(status.last_error).toMatch(/sign in again/);
    expect(await core.invoke('session.current', {})).toBeNull();
    expect(core.secrets.values.has(TOKENS_KEY)).toBe(false);
    // Still readable offline-first while signed out.
    expect((await core.invoke('calls.get', { id: call.id }))?.id).toBe(call.id);

    await core.signIn(server.url, 'agent1@demo.test');
    await eventually(async () => (await core.invoke('sync.status', {})).pending === 0);
    const http = new Http(server.url);
    const admin = await http.login('admin@demo.test');
    expect((await http.get(`/api/v1/organizations/${server.orgs.demo}/calls/${call.id}`, admin)).status).toBe(200);
  });

  it('refuses a different account while unsent changes of this one are waiting', async () => {
    await server.stop();
    await core.invoke('call.create', { direction: 'inbound', phone_number: '+447700900502' });
    await server.restart();
    await core.invoke('session.logout', {});
    await expect(core.signIn(server.url, 'agent2@demo.test')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await core.invoke('sync.status', {})).pending).toBe(1);
  });
});
