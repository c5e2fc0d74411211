// @vitest-environment jsdom
/** The supervisor's wallboard: rows, totals, live updates, filter, reassign from a row, freshness offline. */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AgentStateRead } from '../../src-shared/schemas/agent-states';
import { ORG, makeTask } from './fake-bridge';
import { renderApp, settle, world } from './harness';

const state = (userId: string, fields: Partial<AgentStateRead>): AgentStateRead => ({
  id: userId,
  organization_id: ORG,
  user_id: userId,
  state: 'available',
  reason: null,
  since: new Date(Date.now() - 90_000).toISOString(),
  previous_state: null,
  previous_reason: null,
  call_id: null,
  version: 1,
  updated_at: new Date().toISOString(),
  ...fields,
});

async function openWallboard() {
  fireEvent.keyDown(window, { key: 'g' });
  fireEvent.keyDown(window, { key: 'w' });
  await screen.findByRole('heading', { name: 'Wallboard' }, { timeout: 60_000 });
  await settle();
  await settle();
}

const row = (name: string) => screen.getByRole('list', { name: 'Agents' }).querySelector(`[aria-label^="${name}:"]`) as HTMLElement;

describe('wallboard', () => {
  it('shows each agent’s state, tasks and team totals, live; filters; reassigns from a row; says when it is stale', async () => {
    const { bridge, supervisor, agent, agent2 } = world();
    bridge.agentStates.set(agent.id, state(agent.id, { state: 'not_ready', reason: 'Lunch' }));
    bridge.putTask(makeTask({ title: 'Late one', assignee_id: agent.id, assignee_name: agent.name, due_date: new Date(Date.now() - 3600_000).toISOString() }));
    bridge.putTask(makeTask({ title: 'Another', assignee_id: agent.id, assignee_name: agent.name }));
    await renderApp(bridge, supervisor);
    await openWallboard();

    await waitFor(() => expect(row('Ada Agent').textContent).toContain('Not ready · Lunch'));
    expect(row('Ada Agent').textContent).toMatch(/Lunch · 1:3\d/);
    expect(row('Ada Agent').textContent).toContain('2 open · 1 overdue');
    expect(row('Ben Agent').textContent).toContain('Offline');
    const totals = screen.getByLabelText('Team totals');
    expect(within(totals).getByTestId('total-not_ready').textContent).toBe('1');
    expect(within(totals).getByTestId('total-offline').textContent).toBe('1');

    // Ben signs in on his desktop: the pull brings his state and the board follows.
    bridge.agentStates.set(agent2.id, state(agent2.id, { state: 'available', since: new Date().toISOString() }));
    act(() => bridge.emit('data.changed', { entities: ['agent_state'] }));
    await waitFor(() => expect(row('Ben Agent').textContent).toContain('Available'));

    fireEvent.change(screen.getByRole('combobox', { name: 'State filter' }), { target: { value: 'available' } });
    await waitFor(() => expect(row('Ada Agent')).toBeNull());
    fireEvent.change(screen.getByRole('combobox', { name: 'State filter' }), { target: { value: 'all' } });

    fireEvent.change(await screen.findByRole('combobox', { name: "Reassign Ada Agent's open tasks" }), { target: { value: agent2.id } });
    await waitFor(() => expect([...bridge.tasks.values()].every((t) => t.assignee_id === agent2.id)).toBe(true));
    await waitFor(() => expect(row('Ben Agent').textContent).toContain('2 open'));

    act(() => bridge.emit('sync.status', { ...bridge.status, online: false, state: 'offline', last_pull_at: new Date(Date.now() - 330_000).toISOString() }));
    expect(screen.getByTestId('wallboard-freshness').textContent).toBe('Offline · as of 5 min ago');
  });

  it('is for supervisors only', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    expect(within(screen.getByRole('navigation', { name: 'Main' })).queryByRole('link', { name: /Wallboard/ })).toBeNull();
  });
});
