// @vitest-environment jsdom
/** The rough edges a new user hit (issue 13), each checked as the user meets it. */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { lastSyncText } from '../../src-renderer/components/StatusBar';
import { makePatient, makeTask } from './fake-bridge';
import { renderApp, settle, world } from './harness';

const go = async (second: string) => {
  fireEvent.keyDown(window, { key: 'g' });
  fireEvent.keyDown(window, { key: second });
  await settle();
  await settle();
};

describe('rough edges', () => {
  it('Log call finds a patient by name and starts with the open patient’s number from a patient card', async () => {
    const { bridge, agent } = world();
    const pete = makePatient('Peter', 'Okafor', '+447700900456');
    bridge.patients = [pete, makePatient('Grace', 'Hopper', '+447700900123')];
    await renderApp(bridge, agent);

    fireEvent.click(screen.getAllByRole('button', { name: 'Log call' })[0]!);
    let dialog = await screen.findByRole('dialog', { name: 'Log a call' });
    fireEvent.change(within(dialog).getByLabelText(/phone number or patient name/i), { target: { value: 'okaf' } });
    const matches = await within(dialog).findByRole('list', { name: 'Matching patients' }, { timeout: 60_000 });
    fireEvent.click(within(matches).getByRole('button', { name: /Peter Okafor/ }));
    expect(within(dialog).getByText('Patient: Peter Okafor')).toBeTruthy();
    expect((within(dialog).getByLabelText(/phone number or patient name/i) as HTMLInputElement).value).toBe('+447700900456');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Log call' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.calledWith('call.create')[0]).toMatchObject({ phone_number: '+447700900456', patient_id: pete.id });

    // From a patient card: the dialog starts with that patient and their number.
    await go('p');
    fireEvent.change(screen.getByRole('searchbox', { name: /patients/i }), { target: { value: 'Grace' } });
    fireEvent.click(await screen.findByRole('button', { name: /Grace Hopper/ }, { timeout: 60_000 }));
    fireEvent.click(await screen.findByRole('button', { name: 'Log a call with Grace Hopper' }));
    dialog = await screen.findByRole('dialog', { name: 'Log a call' });
    expect((within(dialog).getByLabelText(/phone number or patient name/i) as HTMLInputElement).value).toBe('+447700900123');
    expect(within(dialog).getByText('Patient: Grace Hopper')).toBeTruthy();
  });

  it('a call logged as Finished keeps the length the agent gives it', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    fireEvent.click(screen.getAllByRole('button', { name: 'Log call' })[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Log a call' });
    fireEvent.change(within(dialog).getByLabelText(/phone number/i), { target: { value: '020 7946 0000' } });
    fireEvent.click(within(dialog).getByLabelText('Finished (go to wrap-up)'));
    fireEvent.change(within(dialog).getByLabelText(/how long/i), { target: { value: '4' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Log call' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const row = within(screen.getByRole('list', { name: 'Call log' })).getAllByRole('listitem')[0]!;
    await waitFor(() => expect(row.textContent).toMatch(/4:0\d/));
  });

  it('a completed call with an outcome does not offer "No outcome yet"', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    fireEvent.click(screen.getAllByRole('button', { name: 'Log call' })[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Log a call' });
    fireEvent.change(within(dialog).getByLabelText(/phone number/i), { target: { value: '020 7946 0001' } });
    fireEvent.click(within(dialog).getByLabelText('Finished (go to wrap-up)'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Log call' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const outcome = await screen.findByRole('combobox', { name: 'Outcome' });
    fireEvent.change(outcome, { target: { value: 'resolved' } });
    await waitFor(() => expect(screen.getByTestId('call-status').textContent).toBe('Completed'));
    const options = within(screen.getByRole('combobox', { name: 'Outcome' })).getAllByRole('option').map((o) => o.textContent);
    expect(options).not.toContain('No outcome yet');
    expect(options).not.toContain('');
  });

  it('the My tasks count stays when the list shows Completed; priorities read like the chips', async () => {
    const { bridge, agent } = world();
    bridge.putTask(makeTask({ title: 'Open one', assignee_id: agent.id, assignee_name: agent.name }));
    bridge.putTask(makeTask({ title: 'Open two', assignee_id: agent.id, assignee_name: agent.name }));
    bridge.putTask(makeTask({ title: 'Done', status: 'completed', assignee_id: agent.id, assignee_name: agent.name }));
    await renderApp(bridge, agent);
    await go('t');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByLabelText('2 open')).toBeTruthy();
    fireEvent.change(screen.getByRole('combobox', { name: 'Status filter' }), { target: { value: 'completed' } });
    await settle();
    await settle();
    expect(screen.getByRole('button', { name: 'Done' })).toBeTruthy();
    expect(within(nav).getByLabelText('2 open')).toBeTruthy();
    const priorities = within(screen.getByRole('combobox', { name: 'Priority filter' })).getAllByRole('option').map((o) => o.textContent);
    expect(priorities).toEqual(['Any priority', 'Urgent', 'High', 'Normal', 'Low']);
  });

  it('the Calls screen has one Log call button; agents’ help has no supervisor-only keys', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    expect(screen.getAllByRole('button', { name: 'Log call' })).toHaveLength(1);
    fireEvent.keyDown(window, { key: '?' });
    const help = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(help.textContent).not.toContain('Team board');
    expect(help.textContent).toContain('Go to Calls');
  });

  it('a task row’s Call button names the patient once', async () => {
    const { bridge, agent } = world();
    const pete = makePatient('Peter', 'Okafor', '+447700900456');
    bridge.patients = [pete];
    bridge.putTask(makeTask({ title: 'Call back Peter Okafor about results', patient_id: pete.id, assignee_id: agent.id, assignee_name: agent.name }));
    await renderApp(bridge, agent);
    await go('t');
    const button = await screen.findByRole('button', { name: 'Call for task: Call back Peter Okafor about results' }, { timeout: 60_000 });
    expect(button.getAttribute('aria-label')!.match(/Peter Okafor/g)).toHaveLength(1);
  });

  it('a reassignment says what it did and can be undone', async () => {
    const { bridge, supervisor, agent, agent2 } = world();
    const task = bridge.putTask(makeTask({ title: 'Chase results', assignee_id: agent.id, assignee_name: agent.name }));
    await renderApp(bridge, supervisor);
    await go('b');
    await screen.findByRole('heading', { name: 'Team board' }, { timeout: 5000 });
    fireEvent.change(await screen.findByRole('combobox', { name: 'Reassign Chase results' }, { timeout: 5000 }), { target: { value: agent2.id } });
    const notice = await screen.findByText('Reassigned "Chase results" to Ben Agent.');
    fireEvent.click(within(notice.closest('.toast') as HTMLElement).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(bridge.tasks.get(task.id)!.assignee_id).toBe(agent.id));
    expect(await screen.findByText('Reassignment undone.')).toBeTruthy();
  });

  it('"Last sync" stays relative however old it is', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    expect(lastSyncText('2026-12-03T11:59:55Z', now)).toBe('just now');
    expect(lastSyncText('2026-12-03T11:59:30Z', now)).toBe('30s ago');
    expect(lastSyncText('2026-12-03T11:55:00Z', now)).toBe('5 min ago');
    expect(lastSyncText('2026-12-03T09:00:00Z', now)).toBe('3 h ago');
    expect(lastSyncText('2026-11-29T12:00:00Z', now)).toBe('4 days ago');
  });

  it('the status bar turns Offline as soon as the core reports the outage, with no user action', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    act(() => bridge.emit('sync.status', { ...bridge.status, online: false, state: 'offline' }));
    expect(screen.getByTestId('connection').textContent).toBe('Offline');
    expect(screen.getByTestId('last-sync').textContent).toBe('Last sync just now');
  });
});
