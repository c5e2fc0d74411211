/**
 * The phone's small rules, checked against the shared definitions they must agree with: every
 * status a SIP ending maps to is a legal move of the call status machine, the reconnect backoff
 * keeps the "re-registered within 10 s" promise, and the REFER policy refuses what it should.
 */
import { describe, expect, it } from 'vitest';
import { canTransitionCall, isCallEnded } from '../../src-shared/domain/call-status';
import { Backoff, RECONNECT_POLICY } from '../../src-renderer/phone/backoff';
import { endStatus, START_STATUS, type EndReason } from '../../src-renderer/phone/call-status-map';
import { decideRefer } from '../../src-renderer/phone/refer-policy';
import { isWithheld, loggableNumber } from '../../src-renderer/phone/numbers';
import { toneFor, type ToneLeg } from '../../src-renderer/phone/tones';
import { toCallNumber, WITHHELD_NUMBER } from '../../src-shared/domain/phone';
import { CallCreate } from '../../src-shared/schemas/calls';

const REASONS: EndReason[] = ['hangup_local', 'hangup_remote', 'cancelled', 'rejected', 'declined', 'no_answer', 'caller_cancelled', 'transferred', 'replaced', 'failed'];

describe('SIP endings on the call status machine', () => {
  it('every ending is a legal, final move from where the call was', () => {
    for (const direction of ['inbound', 'outbound'] as const) {
      for (const reason of REASONS) {
        for (const role of ['normal', 'consult'] as const) {
          const connected = endStatus(direction, true, reason, role);
          expect(isCallEnded(connected)).toBe(true);
          expect(canTransitionCall('active', connected) && canTransitionCall('on_hold', connected)).toBe(true);
          const unanswered = endStatus(direction, false, reason, role);
          expect(canTransitionCall(START_STATUS, unanswered), `${direction} ${reason} before answer -> ${unanswered}`).toBe(true);
        }
      }
    }
  });

  it('maps the cases an agent sees to the statuses the call log shows', () => {
    expect(endStatus('outbound', true, 'hangup_remote', 'normal')).toBe('wrap_up');
    expect(endStatus('inbound', true, 'hangup_local', 'normal')).toBe('wrap_up');
    expect(endStatus('inbound', true, 'transferred', 'normal')).toBe('completed');
    expect(endStatus('outbound', true, 'hangup_remote', 'consult')).toBe('completed');
    expect(endStatus('inbound', true, 'failed', 'normal')).toBe('failed');
    expect(endStatus('inbound', false, 'caller_cancelled', 'normal')).toBe('missed');
    expect(endStatus('inbound', false, 'declined', 'normal')).toBe('missed');
    expect(endStatus('outbound', false, 'cancelled', 'normal')).toBe('cancelled');
    expect(endStatus('outbound', false, 'rejected', 'normal')).toBe('failed');
  });
});

describe('reconnect backoff', () => {
  it('doubles from 250 ms and never waits longer than 4.8 s, leaving room for connect + REGISTER in 10 s', () => {
    const high = new Backoff(RECONNECT_POLICY, () => 1);
    const delays = Array.from({ length: 12 }, () => high.next());
    expect(delays.slice(0, 5)).toEqual([300, 600, 1200, 2400, 4800]);
    expect(Math.max(...delays)).toBe(high.worstCaseMs);
    expect(high.worstCaseMs).toBe(4800);
    high.reset();
    expect(high.next()).toBe(300);
    const low = new Backoff(RECONNECT_POLICY, () => 0);
    expect(low.next()).toBe(200);
  });
});

describe('incoming REFER policy', () => {
  const base = { connected: true, scheme: 'sip', host: 'pbx.example.org', user: '+442079460103', hasReplaces: false, ownDomain: 'pbx.example.org', ownUser: '+442079460101' };
  it('follows a transfer inside our SIP domain during a call', () => {
    expect(decideRefer(base)).toEqual({ accept: true });
    expect(decideRefer({ ...base, host: 'abc.invalid', user: 'x7f3', hasReplaces: true })).toEqual({ accept: true });
  });
  it('refuses transfers outside the domain, to other schemes, to ourselves, or with no call up', () => {
    expect(decideRefer({ ...base, host: 'premium-rate.example.com' })).toMatchObject({ accept: false, statusCode: 403 });
    expect(decideRefer({ ...base, scheme: 'tel' })).toMatchObject({ accept: false, statusCode: 403 });
    expect(decideRefer({ ...base, user: '+442079460101' })).toMatchObject({ accept: false, statusCode: 403 });
    expect(decideRefer({ ...base, connected: false })).toMatchObject({ accept: false });
  });
});

describe('tones and withheld callers', () => {
  const leg = (o: Partial<ToneLeg>): ToneLeg => ({ phase: 'active', connectedAt: null, earlyMedia: false, direction: 'outbound', ...o });

  it('rings for an incoming call, beeps during a call, plays ringback only without early media', () => {
    expect(toneFor([])).toBeNull();
    expect(toneFor([leg({ direction: 'inbound', phase: 'incoming' })])).toBe('ring');
    expect(toneFor([leg({ phase: 'active', connectedAt: 1 }), leg({ direction: 'inbound', phase: 'incoming' })])).toBe('waiting');
    expect(toneFor([leg({ phase: 'alerting' })])).toBe('ringback');
    expect(toneFor([leg({ phase: 'alerting', earlyMedia: true })])).toBeNull();
    expect(toneFor([leg({ phase: 'dialing' })])).toBeNull();
    // our own phone ringing wins over ringback for a call we placed
    expect(toneFor([leg({ phase: 'alerting' }), leg({ direction: 'inbound', phase: 'incoming' })])).toBe('ring');
  });

  it('recognises a withheld number in its usual SIP spellings, and only those', () => {
    const invite = (user: string | undefined, host = 'trunk.test', privacy?: string) => ({
      remoteIdentity: { uri: { user, host } },
      request: { getHeader: (name: string) => (name === 'Privacy' ? privacy : undefined) },
    }) as unknown as Parameters<typeof isWithheld>[0];
    expect(isWithheld(invite('anonymous', 'anonymous.invalid'))).toBe(true);
    expect(isWithheld(invite('Anonymous'))).toBe(true);
    expect(isWithheld(invite(undefined))).toBe(true);
    expect(isWithheld(invite('+15550100001', 'trunk.test', 'id'))).toBe(true);
    expect(isWithheld(invite('+15550100001', 'trunk.test', 'none'))).toBe(false);
    expect(isWithheld(invite('+15550100001'))).toBe(false);
  });

  it('a call record takes E.164 or the withheld marker, nothing else', () => {
    expect(toCallNumber('07700 900123')).toBe('+447700900123');
    expect(toCallNumber(' Anonymous ')).toBe(WITHHELD_NUMBER);
    expect(toCallNumber('restricted')).toBeNull();
    expect(loggableNumber(WITHHELD_NUMBER)).toBe(true);
    expect(CallCreate.safeParse({ direction: 'inbound', phone_number: WITHHELD_NUMBER }).success).toBe(true);
    expect(CallCreate.safeParse({ direction: 'inbound', phone_number: 'nobody' }).success).toBe(false);
  });
});
