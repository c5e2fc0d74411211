// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeTask } from './fake-bridge';
import { renderApp, settle, world } from './harness';

function boardTitles(): string[] {
  return within(screen.getByRole('list', { name: 'Team tasks' }))
    .getAllByRole('listitem')
    .map((row) => row.querySelector('.title')!.textContent!);
}

async function openBoard() {
  fireEvent.keyDown(window, { key: 'g' });
  fireEvent.keyDown(window, { key: 'b' });
  await screen.findByRole('heading', { name: 'Team board' });
  await settle();
  await settle();
}

function seed() {
  const w = world();
  const { bridge, agent, agent2 } = w;
  const as = (u: typeof agent) => ({ assignee_id: u.id, assignee_name: u.name });
  bridge.putTask(makeTask({ title: 'A1 urgent', priority: 'urgent', ...as(agent) }));
  bridge.putTask(makeTask({ title: 'A1 overdue', due_date: new Date(Date.now() - 3600_000).toISOString(), ...as(agent) }));
  bridge.putTask(makeTask({ title: 'A2 normal', ...as(agent2) }));
  bridge.putTask(makeTask({ title: 'Nobody', priority: 'high' }));
  return w;
}

describe('team board', () => {
  it('is for supervisors only', async () => {
    const { bridge, agent } = seed();
    await renderApp(bridge, agent);
    expect(within(screen.getByRole('navigation', { name: 'Main' })).queryByRole('link', { name: /Team board/ })).toBeNull();
    fireEvent.keyDown(window, { key: 'g' });
    fireEvent.keyDown(window, { key: 'b' });
    await settle();
    expect(screen.queryByRole('heading', { name: 'Team board' })).toBeNull();
    expect(bridge.calledWith('tasks.team')).toHaveLength(0);
  });

  it("shows every agent's queue with counts and filters to one", async () => {
    const { bridge, supervisor } = seed();
    await renderApp(bridge, supervisor);
    await openBoard();
    const queues = screen.getByRole('navigation', { name: 'Agent queues' });
    expect(within(queues).getByRole('button', { name: 'All agents queue, 4 open' })).toBeTruthy();
    const ada = within(queues).getByRole('button', { name: 'Ada Agent queue, 2 open' });
    expect(ada.textContent).toContain('1 overdue');
    expect(ada.textContent).toContain('1 urgent');
    expect(within(queues).getByRole('button', { name: 'Ben Agent queue, 1 open' })).toBeTruthy();
    expect(within(queues).getByRole('button', { name: 'Unassigned queue, 1 open' })).toBeTruthy();
    expect(boardTitles()).toEqual(['A1 urgent', 'Nobody', 'A1 overdue', 'A2 normal']);

    fireEvent.click(ada);
    expect(boardTitles()).toEqual(['A1 urgent', 'A1 overdue']);
    fireEvent.click(within(queues).getByRole('button', { name: /Unassigned queue/ }));
    expect(boardTitles()).toEqual(['Nobody']);
  });

  it('reassigns one task from its row', async () => {
    const { bridge, supervisor, agent2 } = seed();
    await renderApp(bridge, supervisor);
    await openBoard();
    fireEvent.change(screen.getByRole('combobox', { name: 'Reassign Nobody' }), { target: { value: agent2.id } });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Ben Agent queue, 2 open' })).toBeTruthy());
    expect(bridge.calledWith('tasks.reassign')[0]).toEqual({ ids: [[...bridge.tasks.values()].find((t) => t.title === 'Nobody')!.id], assignee_id: agent2.id });
    expect(screen.getByRole('button', { name: 'Nobody' }).closest('.task-row')!.textContent).toContain('Ben Agent');
  });

  it('reassigns a selection of tasks to another agent', async () => {
    const { bridge, supervisor, agent2 } = seed();
    await renderApp(bridge, supervisor);
    await openBoard();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select A1 urgent' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select A1 overdue' }));
    const bar = screen.getByRole('region', { name: 'Selection' });
    expect(bar.textContent).toContain('2 selected');
    fireEvent.change(within(bar).getByLabelText('Reassign to'), { target: { value: agent2.id } });
    fireEvent.click(within(bar).getByRole('button', { name: 'Reassign 2' }));

    await waitFor(() => expect(screen.getByRole('button', { name: 'Ben Agent queue, 3 open' })).toBeTruthy());
    expect(screen.getByRole('button', { name: 'Ada Agent queue, 0 open' })).toBeTruthy();
    expect(bridge.calledWith('tasks.reassign')).toHaveLength(1);
    expect(bridge.calledWith('tasks.reassign')[0]!.ids).toHaveLength(2);
    expect(within(bar).queryByText(/selected/)).toBeNull();
  });

  it('selects with the keyboard: j moves, x toggles', async () => {
    const { bridge, supervisor } = seed();
    await renderApp(bridge, supervisor);
    await openBoard();
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'x' });
    expect((screen.getByRole('checkbox', { name: 'Select Nobody' }) as HTMLInputElement).checked).toBe(true);
  });

  it('updates live when another device changes the data (data.changed)', async () => {
    const { bridge, supervisor, agent } = seed();
    await renderApp(bridge, supervisor);
    await openBoard();
    bridge.putTask(makeTask({ title: 'Arrived by sync', priority: 'urgent', assignee_id: agent.id, assignee_name: agent.name }));
    act(() => bridge.emit('data.changed', { entities: ['task'] }));
    await waitFor(() => expect(boardTitles()).toContain('Arrived by sync'));
    expect(screen.getByRole('button', { name: 'Ada Agent queue, 3 open' })).toBeTruthy();
  });
});
