// @vitest-environment jsdom
/**
 * Click-to-call from the call log, from tasks and from numbers written in call notes. Without a
 * softphone configured, calling logs an outbound call (desk phone); with the softphone, the same
 * buttons dial through it (softphone-views.test.tsx).
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makePatient, makeTask } from './fake-bridge';
import { renderApp, settle, world } from './harness';

async function logCall(phone: string) {
  fireEvent.click(screen.getAllByRole('button', { name: 'Log call' })[0]!);
  const dialog = await screen.findByRole('dialog', { name: 'Log a call' });
  fireEvent.change(within(dialog).getByLabelText(/phone number/i), { target: { value: phone } });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Log call' }));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
}

const callLog = () => screen.getByRole('list', { name: 'Call log' });

function linkNames(): string[] {
  const list = screen.queryByRole('list', { name: 'Numbers in the notes' });
  return list ? within(list).getAllByRole('link').map((a) => a.textContent!) : [];
}

describe('click-to-call', () => {
  it('calls a number back from its row in the call log and from the call detail', async () => {
    const { bridge, agent } = world();
    const grace = makePatient('Grace', 'Hopper', '+447700900123');
    bridge.patients = [grace];
    await renderApp(bridge, agent);
    await logCall('07700 900123');
    await logCall('020 7946 0999');
    expect(within(callLog()).getAllByRole('listitem')).toHaveLength(2);

    fireEvent.click(within(callLog()).getByRole('button', { name: 'Call back Grace Hopper' }));
    await waitFor(() => expect(bridge.calledWith('call.create')).toHaveLength(3));
    // Calls are stored in E.164 (the rulebook), so the call back dials the stored number.
    expect(bridge.calledWith('call.create')[2]).toMatchObject({ direction: 'outbound', phone_number: '+447700900123', patient_id: grace.id });
    // The new call opens, ready for notes.
    await waitFor(() => expect(within(callLog()).getAllByRole('listitem')).toHaveLength(3));
    expect(screen.getByRole('heading', { name: 'Grace Hopper', level: 2 })).toBeTruthy();

    fireEvent.click(within(callLog()).getByRole('button', { name: /^inbound call \+442079460999/ }));
    const detail = await screen.findByRole('article', { name: '+442079460999' });
    fireEvent.click(within(detail).getByRole('button', { name: 'Call back +442079460999' }));
    await waitFor(() => expect(bridge.calledWith('call.create')).toHaveLength(4));
    expect(bridge.calledWith('call.create')[3]).toMatchObject({ direction: 'outbound', phone_number: '+442079460999', patient_id: null });
  });

  it("calls a task's patient from the task row and the task detail, looked up with patients.get", async () => {
    const { bridge, agent } = world();
    const grace = makePatient('Grace', 'Hopper', '+447700900123', { alt_phone_number: '+442079460000' });
    bridge.patients = [grace];
    const mine = { assignee_id: agent.id, assignee_name: agent.name };
    const task = bridge.putTask(makeTask({ title: 'Results for Grace', priority: 'high', patient_id: grace.id, ...mine }));
    bridge.putTask(makeTask({ title: 'Order leaflets', ...mine }));
    await renderApp(bridge, agent);
    fireEvent.keyDown(window, { key: 'g' });
    fireEvent.keyDown(window, { key: 't' });
    const queue = await screen.findByRole('list', { name: 'My task queue' });

    const call = await within(queue).findByRole('button', { name: 'Call Grace Hopper about Results for Grace' });
    expect(bridge.calledWith('patients.get')).toContainEqual({ id: grace.id });
    // A task without a patient has nobody to call.
    const leaflets = within(queue).getByRole('button', { name: 'Order leaflets' }).closest('[role="listitem"]') as HTMLElement;
    expect(within(leaflets).queryByRole('button', { name: /^Call / })).toBeNull();

    fireEvent.click(call);
    await screen.findByRole('heading', { name: 'Calls' });
    expect(bridge.calledWith('call.create')[0]).toMatchObject({ direction: 'outbound', phone_number: '+447700900123', patient_id: grace.id, metadata: { task_id: task.id } });

    // The detail offers every number the patient has.
    fireEvent.keyDown(window, { key: 'g' });
    fireEvent.keyDown(window, { key: 't' });
    fireEvent.click(await screen.findByRole('button', { name: 'Results for Grace' }));
    const detail = await screen.findByRole('article', { name: 'Results for Grace' });
    fireEvent.click(await within(detail).findByRole('button', { name: 'Call +442079460000' }));
    await waitFor(() => expect(bridge.calledWith('call.create')).toHaveLength(2));
    expect(bridge.calledWith('call.create')[1]).toMatchObject({ phone_number: '+442079460000', patient_id: grace.id, metadata: { task_id: task.id } });
  });

  it('lists the numbers and tel: links written in the notes as Call links, not NHS numbers, MRNs or dates', async () => {
    const { bridge, agent } = world();
    const grace = makePatient('Grace', 'Hopper', '+447700900123');
    bridge.patients = [grace];
    await renderApp(bridge, agent);
    await logCall('07700 900123');
    fireEvent.change(screen.getByLabelText('Call notes'), {
      target: { value: "Daughter's mobile 07700 900555; GP surgery tel:+44-20-7946-0102, ext tel:1001. NHS number 943 476 5919, MRN 1234567890, seen 12/03/2026. Daughter again: +44 7700 900555" },
    });
    await waitFor(() => expect(linkNames()).toEqual(['Call +44 7700 900555', 'Call +44 20 7946 0102', 'Call 1001']));
    const link = screen.getByRole('link', { name: 'Call +44 7700 900555' });
    expect(link.getAttribute('href')).toBe('tel:+447700900555');

    fireEvent.click(link);
    await waitFor(() => expect(bridge.calledWith('call.create')).toHaveLength(2));
    // About the same patient as the call whose notes it came from.
    expect(bridge.calledWith('call.create')[1]).toMatchObject({ direction: 'outbound', phone_number: '+447700900555', patient_id: grace.id });
    // The notes were saved on the way out of the first call.
    await settle();
    expect(bridge.calls.get(bridge.calledWith('call.update')[0]!.id)!.notes).toContain('tel:1001');
  });

  it("reads numbers in the notes with the agent's default region from the phone settings", async () => {
    const { bridge, agent } = world();
    bridge.phoneSettings = { ...bridge.phoneSettings, default_region: 'US' };
    await renderApp(bridge, agent);
    await logCall('202 555 0100');
    fireEvent.change(screen.getByLabelText('Call notes'), { target: { value: 'Pharmacy (202) 555-0143, UK office 020 7946 0102' } });
    await waitFor(() => expect(linkNames()).toEqual(['Call +1 202 555 0143']));
    fireEvent.change(screen.getByLabelText('Call notes'), { target: { value: '' } });
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Numbers in the notes' })).toBeNull());
  });

  it('c calls from the keyboard: the selected call back, then the selected task\'s patient', async () => {
    const { bridge, agent } = world();
    const grace = makePatient('Grace', 'Hopper', '+447700900123');
    bridge.patients = [grace];
    const task = bridge.putTask(makeTask({ title: 'Results for Grace', patient_id: grace.id, assignee_id: agent.id }));
    await renderApp(bridge, agent);
    await logCall('020 7946 0999');
    fireEvent.keyDown(window, { key: 'c' });
    await waitFor(() => expect(bridge.calledWith('call.create')).toHaveLength(2));
    expect(bridge.calledWith('call.create')[1]).toMatchObject({ direction: 'outbound', phone_number: '+442079460999' });

    fireEvent.keyDown(window, { key: 'g' });
    fireEvent.keyDown(window, { key: 't' });
    fireEvent.click(await screen.findByRole('button', { name: 'Results for Grace' }));
    await screen.findByRole('article', { name: 'Results for Grace' });
    fireEvent.keyDown(window, { key: 'c' });
    await waitFor(() => expect(bridge.calledWith('call.create')).toHaveLength(3));
    expect(bridge.calledWith('call.create')[2]).toMatchObject({ phone_number: '+447700900123', patient_id: grace.id, metadata: { task_id: task.id } });
  });
});
