// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TASK_ROW_HEIGHT } from '../../src-renderer/views/tasks/TasksView';
import { makeTask } from './fake-bridge';
import { renderApp, settle, VIEWPORT_HEIGHT, world } from './harness';

const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

function queueTitles(): string[] {
  const list = screen.getByRole('list', { name: 'My task queue' });
  return within(list)
    .getAllByRole('listitem')
    .map((row) => row.querySelector('.title')!.textContent!);
}

async function openTasks() {
  fireEvent.keyDown(window, { key: 'g' });
  fireEvent.keyDown(window, { key: 't' });
  await screen.findByRole('heading', { name: 'My tasks' });
  await settle();
}

afterEach(() => vi.unstubAllGlobals());

describe('my tasks', () => {
  it('orders the queue urgent > high > normal > low, then by due date, and highlights overdue', async () => {
    const { bridge, agent, agent2 } = world();
    const mine = { assignee_id: agent.id, assignee_name: agent.name };
    bridge.putTask(makeTask({ title: 'low later', priority: 'low', due_date: hours(1), ...mine }));
    bridge.putTask(makeTask({ title: 'normal no due', priority: 'normal', ...mine }));
    bridge.putTask(makeTask({ title: 'normal due soon', priority: 'normal', due_date: hours(2), ...mine }));
    bridge.putTask(makeTask({ title: 'normal overdue', priority: 'normal', due_date: hours(-3), ...mine }));
    bridge.putTask(makeTask({ title: 'urgent', priority: 'urgent', due_date: hours(48), ...mine }));
    bridge.putTask(makeTask({ title: 'high', priority: 'high', ...mine }));
    bridge.putTask(makeTask({ title: 'done', priority: 'urgent', status: 'completed', ...mine }));
    bridge.putTask(makeTask({ title: "someone else's", priority: 'urgent', assignee_id: agent2.id }));
    await renderApp(bridge, agent);
    await openTasks();

    expect(queueTitles()).toEqual(['urgent', 'high', 'normal overdue', 'normal due soon', 'normal no due', 'low later']);
    const overdueRow = screen.getByRole('button', { name: 'normal overdue' }).closest('.task-row')!;
    expect(overdueRow.classList.contains('overdue')).toBe(true);
    expect(overdueRow.textContent).toContain('Overdue');
    expect(screen.getByRole('button', { name: 'normal due soon' }).closest('.task-row')!.classList.contains('overdue')).toBe(false);

    fireEvent.click(screen.getByLabelText('Overdue only'));
    expect(queueTitles()).toEqual(['normal overdue']);
    fireEvent.click(screen.getByLabelText('Overdue only'));
    fireEvent.change(screen.getByRole('combobox', { name: 'Priority filter' }), { target: { value: 'high' } });
    expect(queueTitles()).toEqual(['high']);
  });

  it('starts, completes and cancels tasks through the contract', async () => {
    const { bridge, agent } = world();
    const mine = { assignee_id: agent.id, assignee_name: agent.name };
    const a = bridge.putTask(makeTask({ title: 'Call back Mr Smith', ...mine }));
    const b = bridge.putTask(makeTask({ title: 'Send leaflet', ...mine }));
    await renderApp(bridge, agent);
    await openTasks();

    fireEvent.click(screen.getByRole('button', { name: 'Start Call back Mr Smith' }));
    await waitFor(() => expect(bridge.tasks.get(a.id)!.status).toBe('in_progress'));
    expect(screen.getByRole('button', { name: 'Call back Mr Smith' }).closest('.task-row')!.textContent).toContain('In progress');

    fireEvent.click(screen.getByRole('button', { name: 'Complete Call back Mr Smith' }));
    await waitFor(() => expect(queueTitles()).toEqual(['Send leaflet']));
    expect(bridge.tasks.get(a.id)!.status).toBe('completed');

    fireEvent.click(screen.getByRole('button', { name: 'Cancel Send leaflet' }));
    await waitFor(() => expect(screen.getByText('No tasks here. Nice work.')).toBeTruthy());
    expect(bridge.tasks.get(b.id)!.status).toBe('cancelled');
    expect(screen.getByTestId('task-count').textContent).toBe('0 shown');
  });

  it('completing the open task opens the next one, like an inbox', async () => {
    const { bridge, agent } = world();
    bridge.putTask(makeTask({ title: 'first', priority: 'urgent', assignee_id: agent.id }));
    bridge.putTask(makeTask({ title: 'second', priority: 'high', assignee_id: agent.id }));
    await renderApp(bridge, agent);
    await openTasks();
    fireEvent.click(screen.getByRole('button', { name: 'first' }));
    const detail = await screen.findByRole('article', { name: 'first' });
    fireEvent.click(within(detail).getByRole('button', { name: 'Complete first' }));
    expect(await screen.findByRole('article', { name: 'second' })).toBeTruthy();
  });

  it('shows a refused change in the task row', async () => {
    const { bridge, agent } = world();
    bridge.putTask(makeTask({ title: 'Fax results', assignee_id: agent.id }));
    await renderApp(bridge, agent);
    await openTasks();
    bridge.failNext('task.update', { code: 'FORBIDDEN', message: 'this task is not yours any more' });
    fireEvent.click(screen.getByRole('button', { name: 'Complete Fax results' }));
    expect((await screen.findByRole('alert')).textContent).toContain('this task is not yours any more');
  });

  it('creates a task for the agent from the keyboard', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    await openTasks();
    fireEvent.keyDown(window, { key: 't' });
    const dialog = await screen.findByRole('dialog', { name: 'New task' });
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Title'));
    fireEvent.change(within(dialog).getByLabelText('Title'), { target: { value: 'Chase lab' } });
    fireEvent.change(within(dialog).getByLabelText('Priority'), { target: { value: 'urgent' } });
    fireEvent.keyDown(within(dialog).getByLabelText('Title'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.calledWith('task.create')[0]).toMatchObject({ title: 'Chase lab', priority: 'urgent', assignee_id: agent.id });
    await waitFor(() => expect(queueTitles()).toEqual(['Chase lab']));
  });

  it('raises a desktop notification when tasks are assigned, and shows them', async () => {
    const shown: { title: string; body?: string }[] = [];
    class FakeNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, opts?: { body?: string }) {
        shown.push({ title, body: opts?.body });
      }
    }
    vi.stubGlobal('Notification', FakeNotification);
    const { bridge, agent, supervisor } = world();
    await renderApp(bridge, agent);
    await openTasks();

    const task = bridge.putTask(makeTask({ title: 'Urgent callback', priority: 'urgent', assignee_id: agent.id, created_by: supervisor.id }));
    act(() => {
      bridge.emit('tasks.assigned', { tasks: [task] });
      bridge.emit('data.changed', { entities: ['task'] });
    });
    await settle();
    expect(shown).toEqual([{ title: 'New task assigned to you', body: 'URGENT: Urgent callback' }]);
    expect(screen.getByText(/New task assigned to you: Urgent callback/)).toBeTruthy();
    expect(queueTitles()).toEqual(['Urgent callback']);
  });

  it('renders 10,000 tasks as a window of rows and scrolls through them', async () => {
    const { bridge, agent } = world();
    for (let i = 0; i < 10_000; i++) {
      bridge.putTask(makeTask({ title: `Task ${String(i).padStart(5, '0')}`, assignee_id: agent.id, created_at: new Date(1_700_000_000_000 + i * 1000).toISOString() }));
    }
    await renderApp(bridge, agent);
    await openTasks();
    expect(screen.getByTestId('task-count').textContent).toBe('10000 shown');
    const list = screen.getByRole('list', { name: 'My task queue' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.length).toBeGreaterThan(VIEWPORT_HEIGHT / TASK_ROW_HEIGHT);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]!.getAttribute('aria-setsize')).toBe('10000');
    expect(queueTitles()[0]).toBe('Task 00000');

    act(() => {
      list.scrollTop = TASK_ROW_HEIGHT * 5000;
      fireEvent.scroll(list);
    });
    await settle();
    const titles = queueTitles();
    expect(titles).toContain('Task 05005');
    expect(titles).not.toContain('Task 00000');
  });
});
