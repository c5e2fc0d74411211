/**
 * A desktop that disappears without signing out: its core process is killed by pid (no handler
 * runs, nothing is sent), and supervisors see the agent Offline after PRESENCE_TIMEOUT_MS, at the
 * moment the desktop was last heard; a desktop that stays connected stays as it was, through
 * many timeouts, because its event stream's heartbeats keep it present. Real API, real cores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { startClientProcess, type ClientProcess } from '../support/client-process';
import { eventually, openCore, type TestCore } from '../support/desktop-core';
import { Http, type Session } from '../support/http';

const TIMEOUT_MS = 2000;
let server: ApiServer;
let crashing: ClientProcess;
let steady: TestCore;
let supervisor: TestCore;
let http: Http;
let sup: Session;
let agent1: string;
let agent2: string;

const current = async (userId: string) => {
  const res = await http.get(`/api/v1/organizations/${sup.user.organization_id}/agent-states`, sup);
  return res.body.items.find((s: { user_id: string }) => s.user_id === userId);
};

beforeAll(async () => {
  server = await startApiServer({ env: { SYNC_HEARTBEAT_MS: '300', PRESENCE_TIMEOUT_MS: String(TIMEOUT_MS) } });
  http = new Http(server.url);
  sup = await http.login('supervisor@demo.test');
  crashing = await startClientProcess();
  [steady, supervisor] = await Promise.all([openCore(), openCore()]);
  agent1 = (await crashing.signIn(server.url, 'agent1@demo.test')).user.id;
  agent2 = (await steady.signIn(server.url, 'agent2@demo.test')).user.id;
  await supervisor.signIn(server.url, 'supervisor@demo.test');
  await crashing.invoke('agent_state.set', { state: 'not_ready', reason: 'Training' });
  await steady.invoke('agent_state.set', { state: 'available' });
  await Promise.all([crashing.invoke('sync.now', {}), steady.invoke('sync.now', {})]);
});
afterAll(async () => {
  await crashing?.kill();
  await steady?.close();
  await supervisor?.close();
  await stopAndClean(server);
});

describe('a crashed desktop', () => {
  it('shows Offline to supervisors after the presence timeout; a connected one stays as it was', async () => {
    await eventually(async () => (await current(agent1))?.state === 'not_ready');
    // Both desktops hold their event streams for several timeouts: nobody goes Offline.
    await new Promise((r) => setTimeout(r, 2 * TIMEOUT_MS));
    expect((await current(agent1)).state).toBe('not_ready');
    expect((await current(agent2)).state).toBe('available');

    const killedAt = Date.now();
    process.kill(crashing.process.pid!, 'SIGKILL');
    await crashing.exited;

    const offline = await eventually(async () => {
      const s = await current(agent1);
      return s?.state === 'offline' ? s : null;
    }, 60_000, 100);
    // Stamped with when the desktop was last heard (its stream closed with the process), and
    // remembering where to return: the desktop goes back to it when it reconnects.
    // (heartbeats stamp it every 300 ms, and it had not gone Offline before the kill)
    expect(Date.parse(offline.since)).toBeGreaterThanOrEqual(killedAt - TIMEOUT_MS);
    expect(Date.parse(offline.since)).toBeLessThanOrEqual(Date.now());
    expect(offline).toMatchObject({ previous_state: 'not_ready', previous_reason: 'Training' });
    expect((await current(agent2)).state).toBe('available');

    const events = await http.get(`/api/v1/organizations/${sup.user.organization_id}/agent-state-events?agent_id=${agent1}`, sup);
    expect(events.body.items.at(-1)).toMatchObject({ state: 'offline', at: offline.since });

    // The supervisor's desktop (the wallboard's data) hears of it through the pull.
    await eventually(async () => {
      await supervisor.invoke('sync.now', {});
      return (await supervisor.invoke('agentStates.list', {})).find((s) => s.user_id === agent1 && s.state === 'offline');
    });
  });

  it('the desktop started again on the same store learns it was set Offline, and where it was before', async () => {
    crashing = await startClientProcess({ dataDir: crashing.dataDir });
    const mine = await eventually(async () => {
      await crashing.invoke('sync.now', {});
      const s = await crashing.invoke('agentStates.mine', {});
      return s?.state === 'offline' ? s : null;
    });
    expect(mine).toMatchObject({ previous_state: 'not_ready', previous_reason: 'Training' });
    // What the renderer then does (returnFromUnreachable): back to the state it had.
    await crashing.invoke('agent_state.set', { state: 'not_ready', reason: 'Training' });
    await crashing.invoke('sync.now', {});
    await eventually(async () => (await current(agent1))?.state === 'not_ready');
  });
});
