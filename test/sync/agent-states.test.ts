/**
 * Agent states through the real desktop core: a change made while the API is down shows at once,
 * keeps the time it was made when it syncs, and reaches a supervisor's desktop (the wallboard's
 * data) through the pull; a not-ready reason outside the organization's list is refused locally.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { eventually, openCore, type TestCore } from '../support/desktop-core';
import { Http } from '../support/http';

let server: ApiServer;
let agent: TestCore;
let supervisor: TestCore;
let agentId: string;

beforeAll(async () => {
  server = await startApiServer();
  agent = await openCore();
  supervisor = await openCore();
  agentId = (await agent.signIn(server.url, 'agent1@demo.test')).user.id;
  await supervisor.signIn(server.url, 'supervisor@demo.test');
  await Promise.all([agent.invoke('sync.now', {}), supervisor.invoke('sync.now', {})]);
});
afterAll(async () => {
  await agent?.close();
  await supervisor?.close();
  await stopAndClean(server);
});

describe('agent states on the desktop', () => {
  it('a state change works offline, keeps its time, and reaches the supervisor’s desktop', async () => {
    await agent.invoke('agent_state.set', { state: 'available' });
    await agent.invoke('sync.now', {});
    await server.stop();
    const before = Date.now();
    const local = await agent.invoke('agent_state.set', { state: 'not_ready', reason: 'Lunch' });
    expect(local).toMatchObject({ state: 'not_ready', reason: 'Lunch', previous_state: null });
    expect(Date.parse(local.since)).toBeGreaterThanOrEqual(before - 1000);
    expect(await agent.invoke('agentStates.mine', {})).toMatchObject({ state: 'not_ready' });
    expect((await agent.invoke('sync.status', {})).pending).toBeGreaterThan(0);

    await server.restart();
    await eventually(async () => (await agent.invoke('sync.now', {})).pending === 0);
    const http = new Http(server.url);
    const sup = await http.login('supervisor@demo.test');
    const current = await http.get(`/api/v1/organizations/${sup.user.organization_id}/agent-states`, sup);
    expect(current.body.items.find((s: { user_id: string }) => s.user_id === agentId)).toMatchObject({ state: 'not_ready', since: local.since });
    const history = await http.get(`/api/v1/organizations/${sup.user.organization_id}/agent-state-events?agent_id=${agentId}`, sup);
    const lunch = history.body.items.find((e: { reason: string | null }) => e.reason === 'Lunch');
    expect(lunch.at).toBe(local.since);
    expect(lunch.recorded_at > lunch.at).toBe(true);

    const seen = await eventually(async () => {
      await supervisor.invoke('sync.now', {});
      return (await supervisor.invoke('agentStates.list', {})).find((s) => s.user_id === agentId && s.state === 'not_ready');
    });
    expect(seen.since).toBe(local.since);
  });

  it('the agent’s own sets, synced together, are never reported as someone else’s change', async () => {
    // A call, then back to Available: the second set leaves call_id out and the rulebook clears
    // it. Both reach the server in one push, so the pull that follows shows call_id cleared.
    const call = await agent.invoke('call.create', { direction: 'inbound', phone_number: '+447700900611' });
    await agent.invoke('sync.now', {});
    await server.stop();
    await agent.invoke('agent_state.set', { state: 'on_call', call_id: call.id });
    await agent.invoke('agent_state.set', { state: 'available' });
    await server.restart();
    await eventually(async () => (await agent.invoke('sync.now', {})).pending === 0);
    await agent.invoke('sync.now', {});
    expect(await agent.invoke('agentStates.mine', {})).toMatchObject({ state: 'available', call_id: null });
    expect((await agent.invoke('sync.attention', {})).filter((a) => a.name === 'agent_state.set')).toEqual([]);
  });

  it('a reason the organization does not use is refused on the desktop, nothing queued', async () => {
    await expect(agent.invoke('agent_state.set', { state: 'not_ready', reason: 'Nap' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(agent.invoke('agent_state.set', { state: 'not_ready' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await agent.invoke('sync.status', {})).pending).toBe(0);
  });
});
