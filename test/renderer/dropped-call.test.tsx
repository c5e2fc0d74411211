// @vitest-environment jsdom
/**
 * A call that ends without either agent hanging up never just vanishes: the leg records why
 * (phone-call.ts: SIP.js ended it, the media was lost, or the other phone sent a BYE carrying an
 * error) and the dock keeps its card, saying so, until the agent dismisses it; an ordinary hang-up
 * leaves no card. A hold the other side refuses leaves the call up and says so on its card. The session is a stand-in driving PhoneCall through SIP.js's session states;
 * the real SIP path is in test/phone.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { Invitation, SessionState, type Session } from 'sip.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { PhoneEngine } from '../../src-renderer/phone/engine';
import { PhoneCall, type CallSnapshot } from '../../src-renderer/phone/phone-call';
import { IDLE_PHONE, usePhone } from '../../src-renderer/phone/store';
import { PhoneDock } from '../../src-renderer/phone/views/PhoneDock';

/** A session for PhoneCall; `inbound` makes it pass as an Invitation (a call we answered, waiting for the ACK). */
function standIn(o: { inbound?: boolean } = {}) {
  const listeners: ((s: SessionState) => void)[] = [];
  const reInvites: unknown[] = [];
  const fields = {
    state: SessionState.Initial,
    delegate: undefined as undefined | Record<string, (...args: unknown[]) => unknown>,
    stateChange: { addListener: (l: (s: SessionState) => void) => listeners.push(l) },
    bye: async () => undefined,
    sessionDescriptionHandlerOptionsReInvite: {},
    /** the other side refuses every re-INVITE */
    request: { callId: 'call-id-1' },
    invite: async (opts: { requestDelegate: { onAccept(r: unknown): void; onReject(r: unknown): void } }) => {
      reInvites.push(opts);
      opts.requestDelegate.onReject({ message: { statusCode: 488, reasonPhrase: 'Not Acceptable Here' } });
    },
    to(state: SessionState) {
      session.state = state;
      listeners.forEach((l) => l(state));
    },
  };
  // Own properties over SIP.js's prototype getters, so `instanceof Invitation` holds.
  const session: typeof fields = o.inbound ? Object.create(Invitation.prototype) : ({} as typeof fields);
  for (const [k, v] of Object.entries(fields)) Object.defineProperty(session, k, { value: v, writable: true, enumerable: true });
  const statuses: string[] = [];
  const call = new PhoneCall(
    session as unknown as Session,
    { direction: 'inbound', number: '+447700900123', name: 'Grace Hopper' },
    { changed: () => undefined, status: (_c, status) => void statuses.push(status), refer: () => undefined },
    { speakerId: '', micId: '', dtmfMode: () => 'rfc4733' },
  );
  return { session, call, statuses, reInvites };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('why a call ended, on the leg', () => {
  it('SIP.js ending a connected call itself: "dropped", logged failed', async () => {
    const { session, call, statuses } = standIn();
    session.to(SessionState.Established);
    session.to(SessionState.Terminated);
    await flush();
    expect(call.snapshot).toMatchObject({ phase: 'ended', endReason: 'failed' });
    expect(call.snapshot.endNote).toMatch(/^The call dropped/);
    expect(statuses).toEqual(['active', 'failed']);
  });

  it("the other phone's BYE carrying an error says which; a plain BYE or our own hang-up says nothing", async () => {
    for (const [reason, note] of [
      ['SIP;cause=488;text="Not Acceptable Here"', "The other side's phone ended the call after an error (488 Not Acceptable Here)."],
      [undefined, null],
    ] as const) {
      const { session, call } = standIn();
      session.to(SessionState.Established);
      session.delegate!.onBye!({ request: { getHeader: (name: string) => (name === 'Reason' ? reason : undefined) }, accept: async () => undefined });
      session.to(SessionState.Terminated);
      await flush();
      expect(call.snapshot).toMatchObject({ endReason: 'hangup_remote', endNote: note });
    }
    const { session, call } = standIn();
    session.to(SessionState.Established);
    await call.hangup();
    session.to(SessionState.Terminated);
    await flush();
    expect(call.snapshot).toMatchObject({ endReason: 'hangup_local', endNote: null });
  });
});

describe('a hold that fails', () => {
  it('leaves the call up and not held, and says so on its card', async () => {
    const { session, call, statuses } = standIn();
    session.to(SessionState.Established);
    await expect(call.setHold(true)).rejects.toThrow('488 Not Acceptable Here');
    expect(call.snapshot).toMatchObject({ phase: 'active', held: false, error: 'Failed putting the call on hold: 488 Not Acceptable Here. The call goes on.' });
    expect(statuses).toEqual(['active']);
    // the next one that works clears the message
    session.invite = async (opts) => opts.requestDelegate.onAccept({});
    await call.setHold(true);
    expect(call.snapshot).toMatchObject({ held: true, error: null });
    expect(statuses).toEqual(['active', 'on_hold']);
  });
});

describe('a hold asked for on a call we just answered', () => {
  it("goes out only once the caller's ACK is in", async () => {
    const { session, call, reInvites } = standIn({ inbound: true });
    session.to(SessionState.Established);
    const hold = call.setHold(true).catch(() => undefined);
    await flush();
    expect(reInvites, 'a re-INVITE now would cross the ACK').toHaveLength(0);
    session.delegate!.onAck!({});
    await hold;
    expect(reInvites).toHaveLength(1);
  });

  it('finds the call ended, without sending anything, when it ends before the ACK', async () => {
    const { session, call, reInvites } = standIn({ inbound: true });
    session.to(SessionState.Established);
    const hold = call.setHold(true);
    await flush();
    session.to(SessionState.Terminated);
    await expect(hold).rejects.toThrow('the call has ended');
    expect(reInvites).toHaveLength(0);
    expect(call.snapshot.error).toBeNull();
  });
});

describe('a dropped call in the dock', () => {
  afterEach(() => {
    cleanup();
    usePhone.setState({ engine: null, phone: IDLE_PHONE, dismissedEnds: [], dockOpen: false });
  });

  const ended = (o: Partial<CallSnapshot>) =>
    ({ id: 'leg-1', direction: 'inbound', number: '+447700900123', name: 'Grace Hopper', phase: 'ended', patient: null, connectedAt: 1, endReason: 'hangup_remote', endNote: null, ...o }) as CallSnapshot;

  it('keeps its card with the reason, even with the dock closed, until dismissed; a hung-up call leaves none', () => {
    const note = 'The call dropped while putting the call on hold: the signalling with the other side failed.';
    usePhone.setState({
      engine: {} as PhoneEngine,
      dockOpen: false,
      phone: { ...IDLE_PHONE, recent: [ended({ id: 'leg-2', endReason: 'failed', endNote: note }), ended({ id: 'leg-1' })] },
    });
    render(<PhoneDock />);
    const dock = screen.getByRole('complementary', { name: 'Phone' });
    const card = within(dock).getByRole('region', { name: 'Call with Grace Hopper ended' });
    expect(within(card).getByRole('alert').textContent).toBe(note);
    expect(within(dock).getAllByRole('region', { name: /ended$/ })).toHaveLength(1);
    expect(dock.querySelectorAll('[data-call-id]')).toHaveLength(0); // not a live call

    act(() => fireEvent.click(within(card).getByRole('button', { name: 'Dismiss' })));
    expect(screen.queryByRole('complementary', { name: 'Phone' })).toBeNull();
  });
});
