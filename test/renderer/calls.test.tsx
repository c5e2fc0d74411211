// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makePatient } from './fake-bridge';
import { renderApp, settle, valueOf, world } from './harness';

async function logCall(phone: string, opts: { finished?: boolean } = {}) {
  fireEvent.click(screen.getAllByRole('button', { name: 'Log call' })[0]!);
  const dialog = await screen.findByRole('dialog', { name: 'Log a call' });
  fireEvent.change(within(dialog).getByLabelText(/phone number/i), { target: { value: phone } });
  if (opts.finished) fireEvent.click(within(dialog).getByLabelText('Finished (go to wrap-up)'));
  fireEvent.click(within(dialog).getByRole('button', { name: 'Log call' }));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
}

describe('calls', () => {
  it('logs a call by hand, lists it today and opens it, linked to the patient with that number', async () => {
    const { bridge, agent } = world();
    const pat = makePatient('Grace', 'Hopper', '+447700900123');
    bridge.patients = [pat];
    await renderApp(bridge, agent);

    fireEvent.click(screen.getAllByRole('button', { name: 'Log call' })[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Log a call' });
    fireEvent.change(within(dialog).getByLabelText(/phone number/i), { target: { value: '07700 900123' } });
    expect(await within(dialog).findByText('Patient: Grace Hopper', {}, { timeout: 60_000 })).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Log call' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    expect(bridge.calledWith('call.create')[0]).toMatchObject({ direction: 'inbound', phone_number: '07700 900123', status: 'active', patient_id: pat.id });
    const list = screen.getByRole('list', { name: 'Call log' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(screen.getByRole('heading', { name: 'Grace Hopper' })).toBeTruthy();
    expect(screen.getByTestId('call-status').textContent).toBe('In progress');
  });

  it('autosaves notes once the agent pauses typing, not on every key', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    await logCall('020 7946 0000');
    const notes = screen.getByLabelText('Call notes');
    for (const text of ['P', 'Pa', 'Pat', 'Patient asks about results']) fireEvent.change(notes, { target: { value: text } });
    expect(bridge.calledWith('call.update')).toHaveLength(0);

    await waitFor(() => expect(screen.getByRole('status', { name: 'Notes save status' }).textContent).toBe('Saved'), { timeout: 120_000 });
    const updates = bridge.calledWith('call.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ patch: { notes: 'Patient asks about results' } });
    expect([...bridge.calls.values()][0]!.notes).toBe('Patient asks about results');
  });

  it('ctrl+enter saves the notes at once', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    await logCall('020 7946 0000');
    const notes = screen.getByLabelText('Call notes');
    fireEvent.change(notes, { target: { value: 'Quick note' } });
    fireEvent.keyDown(notes, { key: 'Enter', ctrlKey: true });
    await settle();
    expect(bridge.calledWith('call.update')[0]).toMatchObject({ patch: { notes: 'Quick note' } });
  });

  it('shows a failed save inline and keeps the typed notes', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    await logCall('020 7946 0000');
    bridge.failNext('call.update', { code: 'VALIDATION_FAILED', message: 'validation failed', details: { notes: 'too long' } });
    const notes = screen.getByLabelText('Call notes');
    fireEvent.change(notes, { target: { value: 'Important words' } });
    expect((await screen.findByRole('alert', {}, { timeout: 60_000 })).textContent).toContain('notes: too long');
    expect(valueOf('Call notes')).toBe('Important words');

    fireEvent.click(screen.getByRole('button', { name: 'Try saving again' }));
    await waitFor(() => expect(screen.getByRole('status', { name: 'Notes save status' }).textContent).toBe('Saved'));
    expect([...bridge.calls.values()][0]!.notes).toBe('Important words');
  });

  it('does not overwrite unsaved notes when the call is refreshed from elsewhere', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    await logCall('020 7946 0000');
    const call = [...bridge.calls.values()][0]!;
    fireEvent.change(screen.getByLabelText('Call notes'), { target: { value: 'typing in progress' } });
    // Another device changes the call's priority: a pull lands and the view re-queries.
    bridge.calls.set(call.id, { ...call, priority: 'high', version: call.version + 1, updated_at: new Date(Date.now() + 5).toISOString() });
    bridge.emit('data.changed', { entities: ['call'] });
    await settle();
    expect(valueOf('Call notes')).toBe('typing in progress');
  });

  it('wrap-up shows a running timer that ends when the outcome is set, completing the call', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    await logCall('020 7946 0000');
    fireEvent.click(screen.getByRole('button', { name: 'End call' }));
    const timer = await screen.findByRole('timer', { name: 'After-call work time' });
    expect(timer.textContent).toMatch(/0:0\d/);
    expect(screen.getByTestId('call-status').textContent).toBe('Wrap-up');

    fireEvent.change(screen.getByRole('combobox', { name: 'Outcome' }), { target: { value: 'resolved' } });
    await waitFor(() => expect(screen.getByTestId('call-status').textContent).toBe('Completed'));
    expect(screen.queryByRole('timer')).toBeNull();
    const stored = [...bridge.calls.values()][0]!;
    expect(stored).toMatchObject({ status: 'completed', outcome: 'resolved' });
    expect(typeof stored.metadata.wrap_up_seconds).toBe('number');
  });

  it('"Callback requested" asks when, then sets the outcome and gives the agent a follow-up task', async () => {
    const { bridge, agent } = world();
    const pat = makePatient('Grace', 'Hopper', '+447700900123');
    bridge.patients = [pat];
    await renderApp(bridge, agent);
    await logCall('07700900123', { finished: true });
    await waitFor(() => expect(screen.getByTestId('call-status').textContent).toBe('Wrap-up'));

    fireEvent.change(screen.getByRole('combobox', { name: 'Outcome' }), { target: { value: 'callback_requested' } });
    const form = screen.getByRole('form', { name: 'Schedule callback' });
    expect(bridge.calledWith('call.update').filter((u) => u.patch.outcome)).toHaveLength(0);
    fireEvent.change(within(form).getByLabelText('Call back by'), { target: { value: '2030-01-15T10:30' } });
    fireEvent.change(within(form).getByLabelText('Priority'), { target: { value: 'high' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create follow-up' }));

    await waitFor(() => expect(screen.getByTestId('call-status').textContent).toBe('Completed'));
    const call = [...bridge.calls.values()][0]!;
    expect(call.outcome).toBe('callback_requested');
    const created = bridge.calledWith('task.create');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      call_id: call.id,
      patient_id: pat.id,
      assignee_id: agent.id,
      priority: 'high',
      due_date: new Date('2030-01-15T10:30').toISOString(),
      title: 'Call back Grace Hopper',
    });
    expect(await screen.findByRole('region', { name: 'Follow-up tasks' })).toBeTruthy();
  });

  it('filters the log by status and outcome through the contract, and by date range', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    await logCall('020 7946 0001');
    await logCall('020 7946 0002', { finished: true });
    fireEvent.change(screen.getByRole('combobox', { name: 'Outcome' }), { target: { value: 'voicemail' } });
    await waitFor(() => expect(screen.getByTestId('call-status').textContent).toBe('Completed'));

    fireEvent.change(screen.getByRole('combobox', { name: 'Status filter' }), { target: { value: 'completed' } });
    await settle();
    expect(bridge.calledWith('calls.list').at(-1)).toMatchObject({ status: 'completed' });
    expect(within(screen.getByRole('list', { name: 'Call log' })).getAllByRole('listitem')).toHaveLength(1);

    fireEvent.change(screen.getByRole('combobox', { name: 'Status filter' }), { target: { value: 'all' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Outcome filter' }), { target: { value: 'resolved' } });
    await settle();
    expect(screen.getByText('No calls match these filters.')).toBeTruthy();

    fireEvent.change(screen.getByRole('combobox', { name: 'Outcome filter' }), { target: { value: 'all' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2020-01-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2020-01-31' } });
    await settle();
    const last = bridge.calledWith('calls.list').at(-1)!;
    expect(new Date(last.from!).getFullYear()).toBe(2020);
    expect(screen.getByText('No calls match these filters.')).toBeTruthy();
  });
});
