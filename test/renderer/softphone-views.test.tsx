// @vitest-environment jsdom
/**
 * The call views with the real softphone running (PhoneEngine + SIP.js against a SIP server
 * stand-in, phone-env.ts): tel:/sip: links handed over by the shell ('phone.dial'), and call
 * details that leave a live call's status to the phone.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makePatient, makeUser } from './fake-bridge';
import { renderApp, settle, valueOf, world } from './harness';
import { withSoftphone } from './phone-env';

const phoneReady = () => waitFor(() => expect(screen.getByTestId('phone-status').textContent).toBe('Phone: ready'), { timeout: 120_000 });
const outboundStarts = (bridge: ReturnType<typeof world>['bridge']) => bridge.calledWith('call.create').filter((c) => c.direction === 'outbound');
const notices = () => screen.queryAllByRole('status').map((s) => s.textContent ?? '');

describe('tel: links from other programs', () => {
  it('dial at once when the phone is registered and idle', async () => {
    const { bridge, agent } = world();
    await withSoftphone(bridge);
    await renderApp(bridge, agent);
    await phoneReady();

    bridge.emit('phone.dial', { number: '+447700900555' });
    await waitFor(() => expect(outboundStarts(bridge)).toHaveLength(1));
    const start = outboundStarts(bridge)[0]!;
    expect(start).toMatchObject({ phone_number: '+447700900555', status: 'ringing' });
    expect(typeof start.metadata?.sip_call_id).toBe('string');
    expect(await screen.findByRole('heading', { name: '+447700900555', level: 2 })).toBeTruthy();
    expect(notices().some((t) => t.includes('Calling +447700900555'))).toBe(true);

    // The same link again at once (a double click) is the same call, not a second one.
    bridge.emit('phone.dial', { number: '+447700900555' });
    await settle(100);
    expect(outboundStarts(bridge)).toHaveLength(1);
  });

  it('wait in the phone panel while the phone is still registering, then dial', async () => {
    const { bridge, agent } = world();
    const sip = await withSoftphone(bridge);
    sip.holdRegistrations();
    await renderApp(bridge, agent);
    await waitFor(() => expect(sip.received.some((r) => r.method === 'REGISTER')).toBe(true));

    bridge.emit('phone.dial', { number: '02079460102' });
    const panel = await screen.findByRole('complementary', { name: 'Phone' });
    expect(valueOf('Number to call')).toBe('02079460102');
    expect(within(panel).getByRole('button', { name: 'Call' }).hasAttribute('disabled')).toBe(true);
    expect(notices().some((t) => t.includes('will be called as soon as the phone is connected'))).toBe(true);
    expect(outboundStarts(bridge)).toHaveLength(0);

    sip.releaseRegistrations();
    await waitFor(() => expect(outboundStarts(bridge)).toHaveLength(1));
    expect(outboundStarts(bridge)[0]).toMatchObject({ phone_number: '+442079460102' });
  });

  it('only fill the dialpad during a call, and do not dial', async () => {
    const { bridge, agent } = world();
    const sip = await withSoftphone(bridge);
    await renderApp(bridge, agent);
    await phoneReady();
    sip.ring('+447700900111');
    await screen.findByRole('alertdialog', { name: 'Incoming call' });

    bridge.emit('phone.dial', { number: '+447700900555' });
    await screen.findByRole('complementary', { name: 'Phone' });
    expect(valueOf('Number to call')).toBe('+447700900555');
    expect(notices().some((t) => t.includes('you are on a call'))).toBe(true);
    await settle(100);
    expect(outboundStarts(bridge)).toHaveLength(0);
  });

  it('arriving before sign-in, wait for the phone; without a softphone only fill the dialpad', async () => {
    const { bridge } = world();
    const agent = makeUser('Ada Agent');
    bridge.users = [agent];
    await renderApp(bridge);
    bridge.emit('phone.dial', { number: '+447700900555' });

    fireEvent.change(screen.getByLabelText(/server/i), { target: { value: 'http://127.0.0.1:4000' } });
    fireEvent.change(screen.getByLabelText(/email/i), { target: { value: agent.email } });
    fireEvent.change(screen.getByLabelText(/password/i), { target: { value: bridge.password } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('complementary', { name: 'Phone' });
    expect(valueOf('Number to call')).toBe('+447700900555');
    expect(notices().some((t) => t.includes('the phone is not set up'))).toBe(true);
    expect(bridge.calledWith('call.create')).toHaveLength(0);
  });
});

describe('a call the phone is handling', () => {
  it('offers no manual status changes while it rings, says why, and gets them back once the phone lets go', async () => {
    const { bridge, agent } = world();
    const grace = makePatient('Grace', 'Hopper', '+447700900111');
    bridge.patients = [grace];
    const sip = await withSoftphone(bridge);
    await renderApp(bridge, agent);
    await phoneReady();
    sip.ring('+447700900111');
    const ringing = await screen.findByRole('alertdialog', { name: 'Incoming call' });

    const log = screen.getByRole('list', { name: 'Call log' });
    fireEvent.click(await within(log).findByRole('button', { name: /^inbound call Grace Hopper/ }));
    const detail = await screen.findByRole('article', { name: 'Grace Hopper' });
    const note = within(detail).getByRole('note', { name: 'Controlled by the phone' });
    expect(note.textContent).toContain('Ringing on your phone: answer or decline it in the phone panel.');
    // "Answer" here would mark the call answered while the phone still rings: only the phone's.
    for (const name of ['Answer', 'Missed', 'Cancel call', 'Call back +447700900111']) expect(within(detail).queryByRole('button', { name })).toBeNull();
    expect(screen.getAllByRole('button', { name: 'Answer' })).toEqual([within(ringing).getByRole('button', { name: 'Answer' })]);
    expect(within(log).queryByRole('button', { name: 'Call back Grace Hopper' })).toBeNull();
    // Notes and the outcome are the agent's, whatever the phone does.
    fireEvent.change(within(detail).getByLabelText('Call notes'), { target: { value: 'Asked about results' } });
    await waitFor(() => expect(within(detail).getByRole('status', { name: 'Notes save status' }).textContent).toBe('Saved'), { timeout: 120_000 });
    expect(within(detail).getByRole('combobox', { name: 'Outcome' }).hasAttribute('disabled')).toBe(false);

    sip.cancel();
    await waitFor(() => expect(screen.getByTestId('call-status').textContent).toBe('Missed'));
    expect(within(detail).queryByRole('note', { name: 'Controlled by the phone' })).toBeNull();
    expect(within(detail).getByRole('button', { name: 'Call back +447700900111' })).toBeTruthy();
    expect(within(log).getByRole('button', { name: 'Call back Grace Hopper' })).toBeTruthy();
  });

  it('leaves the manual actions on calls the phone does not have, even ones it once logged', async () => {
    const { bridge, agent } = world();
    await withSoftphone(bridge);
    await renderApp(bridge, agent);
    await phoneReady();
    // Logged by the phone in an earlier session (its SIP dialog is long gone), left in progress.
    await bridge.invoke('call.create', { direction: 'outbound', phone_number: '+447700900222', status: 'active', metadata: { sip_call_id: 'gone@earlier' } });
    bridge.emit('data.changed', { entities: ['call'] });
    fireEvent.click(await within(screen.getByRole('list', { name: 'Call log' })).findByRole('button', { name: /^outbound call \+447700900222/ }));
    const detail = await screen.findByRole('article', { name: '+447700900222' });
    expect(within(detail).getByRole('button', { name: 'End call' })).toBeTruthy();
    expect(within(detail).queryByRole('note', { name: 'Controlled by the phone' })).toBeNull();
  });

  it('calling back through the phone hands the new call to the phone', async () => {
    const { bridge, agent } = world();
    await withSoftphone(bridge);
    await renderApp(bridge, agent);
    await phoneReady();
    const missed = await bridge.invoke('call.create', { direction: 'inbound', phone_number: '+447700900333', status: 'ringing' });
    await bridge.invoke('call.update', { id: missed.id, patch: { status: 'missed' } });
    bridge.emit('data.changed', { entities: ['call'] });
    fireEvent.click(await within(screen.getByRole('list', { name: 'Call log' })).findByRole('button', { name: 'Call back +447700900333' }));

    await waitFor(() => expect(outboundStarts(bridge)).toHaveLength(1));
    expect(outboundStarts(bridge)[0]).toMatchObject({ phone_number: '+447700900333', status: 'ringing' });
    const detail = await screen.findByRole('article', { name: '+447700900333' });
    await waitFor(() => expect(within(detail).getByRole('note', { name: 'Controlled by the phone' }).textContent).toContain('Calling on your phone'));
    expect(within(detail).queryByRole('button', { name: 'Cancel call' })).toBeNull();
  });
});
