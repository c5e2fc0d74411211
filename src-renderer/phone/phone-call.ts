/**
 * One call leg: a SIP.js Session (Inviter or Invitation) plus what the agent sees of it (an
 * immutable snapshot for the store) and the status changes the call log needs, stamped with the
 * time the SIP event really happened.
 */
import { Invitation, Inviter, SessionState, type Referral, type Session, type Web } from 'sip.js';
import type { CallStatus } from '../../src-shared/domain/call-status';
import type { DtmfMode } from '../../src-shared/schemas/phone-settings';
import { byeCause, endStatus, type CallDirection, type CallRole, type EndReason } from './call-status-map';
import type { CallSnapshot } from './call-snapshot';
import { QualityMonitor } from './quality-monitor';
import { CallAudio, replaceMicrophone, setMicEnabled, setSending, type DeviceId } from './media';
import { CallEndedError, ReInvites } from './reinvites';

export type { CallPhase, CallSnapshot, TransferState } from './call-snapshot';

export interface CallHooks {
  changed(call: PhoneCall): void;
  status(call: PhoneCall, status: CallStatus, at: number, metadata: Record<string, unknown>): void;
  refer(call: PhoneCall, referral: Referral): void;
  /** the call's media path died (ICE disconnected/failed) or came back; without it a dead path ends the call */
  media?(call: PhoneCall, ok: boolean): void;
}

export interface CallInit {
  direction: CallDirection;
  number: string;
  name: string | null;
  role?: CallRole;
  consultFor?: string | null;
  waiting?: boolean;
  withheld?: boolean;
  /** an inbound call the agent's state turns away (486 Busy Here): it must never ring or show */
  turnedAway?: boolean;
}

let counter = 0;

export class PhoneCall {
  readonly id: string;
  private snap: CallSnapshot;
  private readonly audio: CallAudio;
  private endHint: EndReason | null = null;
  private pc: RTCPeerConnection | null = null;
  private readonly quality: QualityMonitor;
  private readonly reInvites: ReInvites;
  /** resolves when the dialog is confirmed: the caller's ACK to our 200 OK (inbound), at once outbound */
  private confirm: () => void = () => undefined;
  /** what our re-INVITE in flight is doing, for the card if the call dies meanwhile */
  private renegotiating: string | null = null;
  /** the card's message about our last failed hold/resume, cleared by the next one that works */
  private holdFailure: string | null = null;
  /** why the call ended when neither agent hung up (CallSnapshot.endNote) */
  private endNote: string | null = null;

  constructor(
    readonly session: Session,
    init: CallInit,
    private readonly hooks: CallHooks,
    /** dtmfMode is read when tones are sent: a settings change applies to calls in progress */
    private readonly media: { speakerId: DeviceId; micId: DeviceId; dtmfMode: () => DtmfMode },
  ) {
    this.id = `call-${Date.now().toString(36)}-${(counter++).toString(36)}`;
    this.snap = {
      id: this.id,
      direction: init.direction,
      number: init.number,
      name: init.name,
      phase: init.direction === 'inbound' ? 'incoming' : 'dialing',
      held: false,
      heldByRemote: false,
      muted: false,
      waiting: init.waiting ?? false,
      role: init.role ?? 'normal',
      consultFor: init.consultFor ?? null,
      createdAt: Date.now(),
      inviteSentAt: null,
      connectedAt: null,
      endedAt: null,
      endReason: null,
      endNote: null,
      sipCode: null,
      earlyMedia: false,
      withheld: init.withheld ?? false,
      turnedAway: init.turnedAway ?? false,
      recovering: false,
      iceRestarts: 0,
      quality: null,
      patient: null,
      transfer: null,
      dtmfSent: '',
      dtmfReceived: '',
      recordId: null,
      sipCallId: session instanceof Inviter || session instanceof Invitation ? session.request.callId : '',
      error: null,
    };
    this.audio = new CallAudio(this.id, media.speakerId);
    this.quality = new QualityMonitor(
      () => this.pc,
      () => this.snap.held || this.snap.heldByRemote,
      (quality) => this.update({ quality }),
    );
    const confirmed = session instanceof Invitation ? new Promise<void>((resolve) => (this.confirm = resolve)) : Promise.resolve();
    this.reInvites = new ReInvites(session, confirmed, !(session instanceof Invitation));
    session.stateChange.addListener((state) => this.onState(state));
    session.delegate = {
      // Setting onBye makes replying our job (SIP.js no longer sends the 200 OK): without it the
      // other side retransmits its BYE and ends with 408.
      onBye: (bye) => {
        this.endHint ??= 'hangup_remote';
        // A BYE that carries an error (Reason: SIP;cause=488) is the other phone giving up on the call.
        const cause = byeCause(bye.request.getHeader('Reason'));
        if (cause) this.endNote ??= `The other side's phone ended the call after an error (${cause}).`;
        void bye.accept().catch(() => undefined);
      },
      onAck: () => this.confirm(),
      onCancel: () => {
        this.endHint ??= 'caller_cancelled';
      },
      onInfo: (info) => {
        const signal = /Signal\s*=\s*([0-9A-D*#])/i.exec(info.request.body ?? '')?.[1];
        void info.accept();
        if (signal) this.update({ dtmfReceived: this.snap.dtmfReceived + signal.toUpperCase() });
      },
      onInvite: (request) => {
        // A re-INVITE from the other side: sendonly/inactive means they put us on hold.
        const body = request.body ?? '';
        if (/a=(sendrecv|sendonly|recvonly|inactive)/.test(body)) {
          this.update({ heldByRemote: /a=(sendonly|inactive)/.test(body) });
        }
      },
      onRefer: (referral) => this.hooks.refer(this, referral),
      onSessionDescriptionHandler: (sdh) => this.watchMedia(sdh as Web.SessionDescriptionHandler),
    };
  }

  get snapshot(): CallSnapshot {
    return this.snap;
  }

  get ended(): boolean {
    return this.snap.phase === 'ended';
  }

  get connected(): boolean {
    return this.snap.connectedAt !== null && !this.ended;
  }

  update(patch: Partial<CallSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.hooks.changed(this);
  }

  /** Sends the INVITE (outbound legs). Resolves once it is on the wire. */
  async invite(): Promise<void> {
    if (!(this.session instanceof Inviter)) throw new Error('not an outbound call');
    await this.session.invite({
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
      requestDelegate: {
        onProgress: (response) => {
          const code = response.message.statusCode ?? 0;
          // A 18x with SDP is early media (SIP.js plays it: earlyMedia on the Inviter); a 180
          // without is our cue to play ringback ourselves (engine.ts).
          const early = Boolean(response.message.body);
          if (code >= 180 && code < 200 && (this.snap.phase === 'dialing' || (early && !this.snap.earlyMedia))) {
            this.update({ phase: 'alerting', earlyMedia: this.snap.earlyMedia || early });
          }
        },
        onReject: (response) => {
          this.endHint ??= 'rejected';
          this.update({ sipCode: response.message.statusCode ?? null, error: `${response.message.statusCode} ${response.message.reasonPhrase}` });
        },
      },
    });
    if (!this.ended) this.update({ inviteSentAt: Date.now() });
  }

  async answer(): Promise<void> {
    if (!(this.session instanceof Invitation) || this.snap.phase !== 'incoming') return;
    this.update({ phase: 'connecting', waiting: false });
    await this.session.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
  }

  async decline(): Promise<void> {
    if (!(this.session instanceof Invitation) || this.session.state !== SessionState.Initial) return;
    this.endHint = 'declined';
    // 486 Busy Here: the caller's phone plays busy instead of trying other contacts forever.
    await this.session.reject({ statusCode: 486, reasonPhrase: 'Busy Here' });
  }

  /** Ends this leg whatever its state: CANCEL, reject or BYE. */
  async hangup(reason: EndReason = 'hangup_local'): Promise<void> {
    const s = this.session;
    if (s.state === SessionState.Terminated || s.state === SessionState.Terminating) return;
    if (s instanceof Inviter && s.state !== SessionState.Established) {
      this.endHint ??= 'cancelled';
      await s.cancel();
    } else if (s instanceof Invitation && s.state !== SessionState.Established) {
      this.endHint ??= 'declined';
      await s.reject();
    } else {
      this.endHint ??= reason;
      await s.bye();
    }
  }

  /** Sets why the leg is about to end when someone else ends it (a transfer, a replacement). */
  expectEnd(reason: EndReason | null): void {
    this.endHint = reason;
  }

  async setHold(hold: boolean): Promise<void> {
    if (!this.connected || this.snap.held === hold) return;
    const what = hold ? 'putting the call on hold' : 'resuming the call';
    try {
      await this.renegotiate(what, () => ({ hold }));
    } catch (err) {
      // The headset or a shortcut may have asked: the card is where the agent looks.
      if (!this.ended && !(err instanceof CallEndedError)) {
        this.holdFailure = `Failed ${what}: ${err instanceof Error ? err.message : String(err)}. The call goes on.`;
        this.update({ error: this.holdFailure });
      }
      throw err;
    }
    const at = Date.now();
    const s = this.session;
    if (this.pc) {
      await setSending(this.pc, !hold);
      (s.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.enableReceiverTracks(!hold);
    }
    this.update({ held: hold, error: this.snap.error === this.holdFailure ? null : this.snap.error });
    this.holdFailure = null;
    this.hooks.status(this, hold ? 'on_hold' : 'active', at, {});
  }

  /**
   * A re-INVITE with an ICE restart (call-recovery.ts): fresh candidates for the media, and, sent
   * over the current WebSocket, a target refresh so the proxy routes the other side's requests to
   * it. The hold state is kept.
   */
  async restartIce(_trigger: string): Promise<void> {
    if (!this.connected) return;
    await this.renegotiate('reconnecting the audio', () => ({ hold: this.snap.held, iceRestart: true }));
    this.update({ iceRestarts: this.snap.iceRestarts + 1 });
  }

  private async renegotiate(what: string, intent: () => { hold: boolean; iceRestart?: boolean }): Promise<void> {
    await this.reInvites.send(() => {
      this.renegotiating = what;
      return intent();
    }).finally(() => {
      this.renegotiating = null;
    });
  }

  /** The media did not come back: end the call honestly (logged `failed`). */
  async endForLostMedia(): Promise<void> {
    if (!this.connected) return;
    this.endHint = 'failed';
    this.endNote = 'The call was ended: its audio was lost and did not come back.';
    await this.session.bye().catch(() => undefined);
  }

  setMuted(muted: boolean): void {
    if (this.pc) setMicEnabled(this.pc, !muted);
    this.update({ muted });
  }

  async sendDtmf(tones: string): Promise<void> {
    if (!this.connected || !/^[0-9A-D*#]+$/i.test(tones)) return;
    if (this.media.dtmfMode() === 'info') {
      for (const tone of tones.toUpperCase()) {
        await this.session.info({
          requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${tone}\r\nDuration=160\r\n` } },
        });
        this.update({ dtmfSent: this.snap.dtmfSent + tone });
      }
      return;
    }
    // RFC 4733: telephone-event packets in the RTP stream; each tone is reported played by the
    // DTMF sender's tonechange event (see watchDtmfSender). insertDTMF replaces what is still
    // queued, so keys pressed faster than tones play are appended to the queue, not dropped.
    const dtmf = this.pc?.getSenders().find((s) => s.dtmf)?.dtmf;
    if (!dtmf?.canInsertDTMF) {
      this.update({ error: 'The other side did not accept RFC 4733 tones; switch DTMF to SIP INFO in the phone settings.' });
      return;
    }
    dtmf.insertDTMF(dtmf.toneBuffer + tones.toUpperCase(), 100, 70);
  }

  setSpeaker(id: DeviceId): void {
    this.media.speakerId = id;
    this.audio.setSink(id);
  }

  async setMicrophone(id: DeviceId): Promise<void> {
    this.media.micId = id;
    if (this.pc && this.connected) await replaceMicrophone(this.pc, id, this.snap.muted);
  }

  get peerConnection(): RTCPeerConnection | null {
    return this.pc;
  }

  private watchMedia(sdh: Web.SessionDescriptionHandler): void {
    const pc = sdh.peerConnection;
    if (!pc || pc === this.pc) return;
    this.pc = pc;
    pc.addEventListener('connectionstatechange', () => {
      if (!this.connected || pc !== this.pc) return;
      const state = pc.connectionState;
      if (!this.hooks.media) {
        // Nobody to recover it: the patient hears nothing, so end it honestly.
        if (state === 'failed') void this.endForLostMedia();
        return;
      }
      if (state === 'disconnected' || state === 'failed') {
        if (!this.snap.recovering) this.update({ recovering: true });
        this.hooks.media(this, false);
      } else if (state === 'connected') {
        if (this.snap.recovering) this.update({ recovering: false });
        this.hooks.media(this, true);
      }
    });
    pc.addEventListener('track', () => this.audio.attach(sdh.remoteMediaStream));
  }

  private watchDtmfSender(): void {
    const sender = this.pc?.getSenders().find((s) => s.dtmf);
    if (!sender?.dtmf) return;
    sender.dtmf.addEventListener('tonechange', (event) => {
      const tone = (event as RTCDTMFToneChangeEvent).tone;
      if (tone) this.update({ dtmfSent: this.snap.dtmfSent + tone });
    });
  }

  private onState(state: SessionState): void {
    if (state === SessionState.Establishing && this.snap.direction === 'inbound') {
      this.update({ phase: 'connecting' });
    } else if (state === SessionState.Established) {
      const at = Date.now();
      const sdh = this.session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
      if (sdh) {
        this.watchMedia(sdh);
        this.audio.attach(sdh.remoteMediaStream);
      }
      this.watchDtmfSender();
      this.quality.start();
      this.update({ phase: 'active', connectedAt: at, waiting: false, earlyMedia: false });
      this.hooks.status(this, 'active', at, {});
    } else if (state === SessionState.Terminated) {
      // A hold waiting for the ACK must not wait forever: it finds the call ended (reinvites.ts).
      this.confirm();
      // SIP.js terminates the session before it calls the request delegate's onReject (where the
      // final response's code is read): log the end once that has run.
      queueMicrotask(() => this.onTerminated());
    }
  }

  private onTerminated(): void {
    if (this.ended) return;
    const at = Date.now();
    const connected = this.snap.connectedAt !== null;
    const reason: EndReason =
      this.endHint ?? (connected ? 'failed' : this.snap.direction === 'inbound' ? 'no_answer' : 'rejected');
    this.audio.close();
    const quality = this.quality.stop();
    if (connected && reason === 'failed') {
      this.endNote ??= `The call dropped${this.renegotiating ? ` while ${this.renegotiating}` : ''}: the signalling with the other side failed.`;
    }
    this.update({ phase: 'ended', endedAt: at, endReason: reason, held: false, endNote: this.endNote });
    const metadata: Record<string, unknown> = { end_reason: reason };
    if (quality) metadata.quality = quality;
    if (this.snap.sipCode) metadata.sip_code = this.snap.sipCode;
    this.hooks.status(this, endStatus(this.snap.direction, connected, reason, this.snap.role), at, metadata);
  }
}
