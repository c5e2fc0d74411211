/**
 * Our re-INVITEs on one call (hold, resume, ICE restart), sent so that none of them can end it.
 *
 * - Never before the dialog is confirmed. As the callee we answer with a 200 OK and the call is
 *   up at once, but the caller's ACK may still be on its way. A re-INVITE sent now crosses it
 *   (RFC 5407 3.1.4): SIP.js then gets the ACK while its own offer is outstanding ("Invalid
 *   signaling state HaveLocalOffer") and ends the call with BYE 488. CI saw exactly that on a
 *   loaded machine: a headset's flash pressed right after the mouse answered the call. So we wait
 *   for the ACK (RFC 5407's own advice: decouple the agent's button from the protocol's action);
 *   if it never comes SIP.js ends the call after 64*T1 anyway.
 * - One at a time, in the order asked: SIP.js refuses a re-INVITE while one is pending
 *   (RequestPendingError), e.g. hold pressed while call recovery's ICE restart is out.
 * - A 491 Request Pending (both sides re-INVITEd at once, RFC 3261 14.1) is retried once after the
 *   RFC's random wait: 2.1-4 s for the side that owns the Call-ID, up to 2 s for the other.
 * Each one sets the session's re-INVITE options from the call's state when it is its turn (an ICE
 * restart queued behind a hold keeps the call held), and puts them back when it fails.
 */
import { SessionState, type Session } from 'sip.js';

type ReInviteOptions = Session['sessionDescriptionHandlerOptionsReInvite'];

export interface ReInviteIntent {
  hold: boolean;
  iceRestart?: boolean;
}

/** The other side answered our re-INVITE with an error. */
export class ReInviteRefused extends Error {
  constructor(
    readonly statusCode: number,
    reasonPhrase: string,
  ) {
    super(`${statusCode} ${reasonPhrase}`.trim());
    this.name = 'ReInviteRefused';
  }
}

export class CallEndedError extends Error {
  constructor() {
    super('the call has ended');
    this.name = 'CallEndedError';
  }
}

/** RFC 3261 14.1: how long to wait before retrying a re-INVITE that got 491, in ms. */
export function glareRetryMs(ownsCallId: boolean, random: number = Math.random()): number {
  const [min, max] = ownsCallId ? [2100, 4000] : [0, 2000];
  return Math.round((min + random * (max - min)) / 10) * 10;
}

export class ReInvites {
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly session: Session,
    /** resolves once the dialog is confirmed (the ACK to our 200 OK arrived, or we sent ours) */
    private readonly confirmed: Promise<void>,
    /** we sent the initial INVITE, so the Call-ID is ours (decides the 491 retry wait) */
    private readonly ownsCallId: boolean,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Sends one re-INVITE once those asked before it are done; resolves when the other side accepted it. */
  send(intent: () => ReInviteIntent): Promise<void> {
    const turn = this.last.catch(() => undefined).then(() => this.attempt(intent, true));
    this.last = turn;
    return turn;
  }

  private async attempt(intent: () => ReInviteIntent, mayRetry: boolean): Promise<void> {
    await this.confirmed;
    const s = this.session;
    if (s.state !== SessionState.Established) throw new CallEndedError();
    const before = s.sessionDescriptionHandlerOptionsReInvite;
    const { hold, iceRestart = false } = intent();
    s.sessionDescriptionHandlerOptionsReInvite = { ...before, hold, offerOptions: iceRestart ? { iceRestart: true } : {} } as ReInviteOptions;
    try {
      await new Promise<void>((resolve, reject) => {
        s.invite({
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (response) => reject(new ReInviteRefused(response.message.statusCode ?? 0, response.message.reasonPhrase ?? '')),
          },
        }).catch(reject);
      });
    } catch (err) {
      s.sessionDescriptionHandlerOptionsReInvite = before;
      if (mayRetry && err instanceof ReInviteRefused && err.statusCode === 491) {
        await this.sleep(glareRetryMs(this.ownsCallId));
        return this.attempt(intent, false);
      }
      throw err;
    }
    // SIP.js reports a 2xx whose answer it could not apply as accepted too, after ending the call.
    if (s.state !== SessionState.Established) throw new CallEndedError();
    // An ICE restart is asked for once; later re-INVITEs (and answers to the other side's) keep the hold.
    if (iceRestart) s.sessionDescriptionHandlerOptionsReInvite = { ...s.sessionDescriptionHandlerOptionsReInvite, offerOptions: {} } as ReInviteOptions;
  }
}
