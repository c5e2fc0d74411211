// @vitest-environment jsdom
/**
 * The agent's state in the status bar (docs/agent-states.md): Available at sign-in, Not ready with
 * a reason, On call and After-call work following the phone's call legs, back to the state before
 * the call when the outcome is set, the ACW countdown, `a`, and inbound calls refused while not
 * Available. The phone's legs are given as the engine reports them; the real SIP path is in the
 * end-to-end phone tests.
 */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { admitsInbound, checkAfterCallWork } from '../../src-renderer/agent-state/runtime';
import { useAgentState } from '../../src-renderer/agent-state/store';
import type { CallSnapshot } from '../../src-renderer/phone/phone-call';
import { IDLE_PHONE, usePhone } from '../../src-renderer/phone/store';
import { renderApp, settle, world } from './harness';
import { withSoftphone } from './phone-env';

function leg(fields: Partial<CallSnapshot>): CallSnapshot {
  return {
    id: 'leg-1',
    direction: 'inbound',
    number: '+447700900123',
    name: null,
    phase: 'active',
    held: false,
    heldByRemote: false,
    muted: false,
    waiting: false,
    role: 'normal',
    consultFor: null,
    createdAt: Date.now(),
    inviteSentAt: null,
    connectedAt: Date.now(),
    endedAt: null,
    endReason: null,
    sipCode: null,
    earlyMedia: false,
    withheld: false,
    turnedAway: false,
    patient: null,
    transfer: null,
    dtmfSent: '',
    dtmfReceived: '',
    recordId: null,
    ...fields,
  } as CallSnapshot;
}

const picker = () => screen.getByRole('combobox', { name: 'Your state' }) as HTMLSelectElement;

describe('calls while not Available', () => {
  it('an inbound call to a not-ready agent gets 486 Busy Here, never rings, and is logged missed', async () => {
    const { bridge, agent } = world();
    const sip = await withSoftphone(bridge);
    await renderApp(bridge, agent);
    await waitFor(() => expect(screen.getByTestId('phone-status').textContent).toBe('Phone: ready'), { timeout: 120_000 });
    await waitFor(() => expect(picker().value).toBe('available'));
    fireEvent.change(picker(), { target: { value: 'not_ready:Break' } });
    await waitFor(() => expect(useAgentState.getState().mine?.state).toBe('not_ready'));

    // Not even for a moment: no dialog, ringer, headset or tray may see the call ring.
    let rang = false;
    const stop = usePhone.subscribe((s) => (rang ||= s.phone.calls.some((c) => c.phase === 'incoming') || s.phone.ringing !== null));
    sip.ring('+447700900222');
    await waitFor(() => expect(sip.responses).toContain(486), { timeout: 120_000 });
    stop();
    expect(rang).toBe(false);
    expect(screen.queryByRole('alertdialog', { name: 'Incoming call' })).toBeNull();
    await waitFor(() => expect([...bridge.calls.values()].find((c) => c.phone_number === '+447700900222')?.status).toBe('missed'), { timeout: 120_000 });
  });
});

describe('agent state', () => {
  it('is Available at sign-in; a reason picks Not ready; a call goes On call, then wrap-up, then back', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    await waitFor(() => expect(picker().value).toBe('available'));
    expect(admitsInbound()).toBe(true);

    fireEvent.change(picker(), { target: { value: 'not_ready:Lunch' } });
    await waitFor(() => expect(useAgentState.getState().mine).toMatchObject({ state: 'not_ready', reason: 'Lunch' }));
    expect(bridge.calledWith('agent_state.set').at(-1)).toMatchObject({ state: 'not_ready', reason: 'Lunch' });
    expect(admitsInbound()).toBe(false);

    // The agent places a call (outbound calls are never blocked); it connects.
    const call = await act(() => bridge.invoke('call.create', { direction: 'outbound', phone_number: '+447700900123', status: 'active' }));
    const connectedAt = Date.now();
    act(() => usePhone.setState({ phone: { ...IDLE_PHONE, calls: [leg({ direction: 'outbound', connectedAt, recordId: call.id })] } }));
    await waitFor(() => expect(useAgentState.getState().mine).toMatchObject({ state: 'on_call', call_id: call.id, previous_state: 'not_ready' }));
    expect(useAgentState.getState().mine!.since).toBe(new Date(connectedAt).toISOString());
    expect(picker().value).toBe('on_call');

    act(() => usePhone.setState({ phone: { ...IDLE_PHONE, calls: [] } }));
    await waitFor(() => expect(useAgentState.getState().mine?.state).toBe('after_call_work'));
    // The change itself names the call, so the server's history of the wrap-up does too.
    expect(bridge.calledWith('agent_state.set').at(-1)).toMatchObject({ state: 'after_call_work', call_id: call.id });
    expect((await screen.findByTestId('acw-countdown')).textContent).toMatch(/wrap-up \d:\d\d left/);

    // Setting the outcome ends wrap-up: back to Not ready · Lunch.
    await act(() => bridge.invoke('call.update', { id: call.id, patch: { status: 'completed', outcome: 'resolved' } }));
    await settle(20);
    act(() => checkAfterCallWork());
    await waitFor(() => expect(useAgentState.getState().mine).toMatchObject({ state: 'not_ready', reason: 'Lunch' }));
    expect(screen.queryByTestId('acw-countdown')).toBeNull();
  });

  it('wrap-up ends by itself at the organization’s limit, stamped with when the limit passed', async () => {
    const { bridge, agent } = world();
    bridge.agentStateSettings = { not_ready_reasons: ['Break'], acw_limit_seconds: 30 };
    const since = new Date(Date.now() - 60_000).toISOString();
    // Wrap-up began a minute ago (e.g. before the app was restarted).
    bridge.agentStates.set(agent.id, {
      id: agent.id, organization_id: agent.organization_id, user_id: agent.id, state: 'after_call_work', reason: null, since,
      previous_state: 'available', previous_reason: null, call_id: null, version: 1, updated_at: since,
    });
    await renderApp(bridge, agent);
    await waitFor(() => expect(useAgentState.getState().mine).not.toBeNull());
    act(() => checkAfterCallWork());
    await waitFor(() => expect(useAgentState.getState().mine?.state).toBe('available'));
    expect(useAgentState.getState().mine!.since).toBe(new Date(Date.parse(since) + 30_000).toISOString());
  });

  it('`a` focuses the state picker; the reasons are the organization’s', async () => {
    const { bridge, agent } = world();
    bridge.agentStateSettings = { not_ready_reasons: ['Break', 'Coaching'], acw_limit_seconds: 60 };
    await renderApp(bridge, agent);
    await waitFor(() => expect(picker().value).toBe('available'));
    fireEvent.keyDown(window, { key: 'a' });
    await settle();
    expect(document.activeElement).toBe(picker());
    expect([...picker().options].map((o) => o.textContent)).toEqual(['Available', 'Not ready · Break', 'Not ready · Coaching', 'Offline']);
  });
});
