/**
 * When our re-INVITEs (hold, resume, ICE restart) go out (reinvites.ts): never before the caller's
 * ACK confirmed the call (one that crosses it ends the call: the CI failure of the headset's flash
 * right after a mouse answer), one at a time, a 491 retried once after RFC 3261's wait. The
 * session is a stand-in recording what SIP.js would be asked to send; test/phone/headset.test.ts
 * shows the real thing with a late ACK through Kamailio.
 */
import { SessionState, type Session } from 'sip.js';
import { describe, expect, it } from 'vitest';
import { byeCause } from '../../src-renderer/phone/call-status-map';
import { CallEndedError, glareRetryMs, ReInviteRefused, ReInvites } from '../../src-renderer/phone/reinvites';

type Answer = { code: 200 } | { code: number; reason: string };

function session() {
  const sent: { hold: boolean; iceRestart: boolean }[] = [];
  const answers: ((a: Answer) => void)[] = [];
  const s = {
    state: SessionState.Established as SessionState,
    sessionDescriptionHandlerOptionsReInvite: {} as Record<string, unknown>,
    invite(options: { requestDelegate: { onAccept(r: unknown): void; onReject(r: unknown): void } }) {
      const o = s.sessionDescriptionHandlerOptionsReInvite as { hold?: boolean; offerOptions?: { iceRestart?: boolean } };
      sent.push({ hold: Boolean(o.hold), iceRestart: Boolean(o.offerOptions?.iceRestart) });
      answers.push((a) => {
        if (a.code === 200) options.requestDelegate.onAccept({});
        else options.requestDelegate.onReject({ message: { statusCode: a.code, reasonPhrase: 'reason' in a ? a.reason : '' } });
      });
      return Promise.resolve({});
    },
  };
  return { s, sent, answer: (a: Answer) => answers.shift()!(a), pending: () => answers.length };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('our re-INVITEs on a call', () => {
  it("wait for the caller's ACK before the first one goes out", async () => {
    const { s, sent, answer } = session();
    let ack!: () => void;
    const reInvites = new ReInvites(s as unknown as Session, new Promise<void>((r) => (ack = r)), false);
    const hold = reInvites.send(() => ({ hold: true }));
    await settle();
    expect(sent, 'nothing may cross the ACK').toEqual([]);
    ack();
    await settle();
    expect(sent).toEqual([{ hold: true, iceRestart: false }]);
    answer({ code: 200 });
    await hold;
  });

  it('go one at a time, each with the state it has when its turn comes, and the ICE restart asked once', async () => {
    const { s, sent, answer } = session();
    const reInvites = new ReInvites(s as unknown as Session, Promise.resolve(), true);
    let held = false;
    const hold = reInvites.send(() => ({ hold: true })).then(() => (held = true));
    const restart = reInvites.send(() => ({ hold: held, iceRestart: true }));
    await settle();
    expect(sent).toHaveLength(1); // SIP.js would refuse a second one while this one is pending
    answer({ code: 200 });
    await hold;
    await settle();
    expect(sent).toEqual([{ hold: true, iceRestart: false }, { hold: true, iceRestart: true }]);
    answer({ code: 200 });
    await restart;
    expect(s.sessionDescriptionHandlerOptionsReInvite).toMatchObject({ hold: true, offerOptions: {} });
  });

  it('retry once after a 491 (both sides re-INVITEd at once); a second refusal fails and puts the options back', async () => {
    const waits: number[] = [];
    const { s, sent, answer } = session();
    s.sessionDescriptionHandlerOptionsReInvite = { hold: false };
    const reInvites = new ReInvites(s as unknown as Session, Promise.resolve(), true, async (ms) => void waits.push(ms));
    const hold = reInvites.send(() => ({ hold: true }));
    await settle();
    answer({ code: 491, reason: 'Request Pending' });
    await settle();
    expect(sent).toHaveLength(2);
    answer({ code: 491, reason: 'Request Pending' });
    await expect(hold).rejects.toEqual(new ReInviteRefused(491, 'Request Pending'));
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2100);
    expect(s.sessionDescriptionHandlerOptionsReInvite).toEqual({ hold: false });
    // and the next one still goes
    const resume = reInvites.send(() => ({ hold: false }));
    await settle();
    expect(sent).toHaveLength(3);
    answer({ code: 200 });
    await resume;
  });

  it('a call that ended meanwhile is reported ended, not held', async () => {
    const { s, sent, answer } = session();
    const reInvites = new ReInvites(s as unknown as Session, Promise.resolve(), false);
    const hold = reInvites.send(() => ({ hold: true }));
    await settle();
    // SIP.js calls onAccept after it ended the call over an answer it could not apply
    s.state = SessionState.Terminated;
    answer({ code: 200 });
    await expect(hold).rejects.toBeInstanceOf(CallEndedError);
    await expect(reInvites.send(() => ({ hold: false }))).rejects.toBeInstanceOf(CallEndedError);
    expect(sent).toHaveLength(1);
  });

  it("waits RFC 3261 14.1's random time after a 491: 2.1-4 s owning the Call-ID, else up to 2 s", () => {
    expect([glareRetryMs(true, 0), glareRetryMs(true, 1), glareRetryMs(false, 0), glareRetryMs(false, 1)]).toEqual([2100, 4000, 0, 2000]);
    expect(glareRetryMs(true, 0.5) % 10).toBe(0);
  });
});

describe("a BYE's Reason header", () => {
  it('names the error the other phone gave up on, and nothing for a plain hang-up', () => {
    expect(byeCause('SIP;cause=488;text="Not Acceptable Here"')).toBe('488 Not Acceptable Here');
    expect(byeCause('Q.850;cause=16;text="Normal call clearing", SIP ;cause=500')).toBe('500');
    expect(byeCause('SIP;cause=200;text="Call completed elsewhere"')).toBeNull();
    expect(byeCause('Q.850;cause=16')).toBeNull();
    expect(byeCause(undefined)).toBeNull();
  });
});
