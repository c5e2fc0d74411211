// @vitest-environment jsdom
/**
 * A desktop the server set Offline while it could not hear it (docs/agent-states.md, "A desktop
 * that disappears") returns to the state it had once the pull brings that Offline in; the
 * Offline of a sign-out (no previous state) is left alone.
 */
import { act, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AgentStateRead } from '../../src-shared/schemas/agent-states';
import { ORG } from './fake-bridge';
import { renderApp, settle, world } from './harness';

const offline = (userId: string, previous: Pick<AgentStateRead, 'previous_state' | 'previous_reason'>): AgentStateRead => ({
  id: userId,
  organization_id: ORG,
  user_id: userId,
  state: 'offline',
  reason: null,
  since: new Date(Date.now() - 5000).toISOString(),
  call_id: null,
  version: 7,
  updated_at: new Date().toISOString(),
  ...previous,
});

describe('back from unreachable', () => {
  it('returns to the not-ready reason it had when the server marked it Offline', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    await waitFor(() => expect(bridge.agentStates.get(agent.id)?.state).toBe('available'));
    bridge.agentStates.set(agent.id, offline(agent.id, { previous_state: 'not_ready', previous_reason: 'Lunch' }));
    act(() => bridge.emit('data.changed', { entities: ['agent_state'] }));
    await waitFor(() => expect(bridge.agentStates.get(agent.id)).toMatchObject({ state: 'not_ready', reason: 'Lunch' }));
  });

  it('leaves an Offline without a previous state (sign-out on another desktop) as it is', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    await waitFor(() => expect(bridge.agentStates.get(agent.id)?.state).toBe('available'));
    const sets = bridge.calledWith('agent_state.set').length;
    bridge.agentStates.set(agent.id, offline(agent.id, { previous_state: null, previous_reason: null }));
    act(() => bridge.emit('data.changed', { entities: ['agent_state'] }));
    await settle(50);
    await settle(50);
    expect(bridge.calledWith('agent_state.set')).toHaveLength(sets);
    expect(bridge.agentStates.get(agent.id)?.state).toBe('offline');
  });
});
