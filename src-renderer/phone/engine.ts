/**
 * The softphone without a UI: registration (sip-connection.ts), every call leg (phone-call.ts),
 * the ringer, the screen-pop lookup, the call log (call-log.ts) and the transfer flows. Views and
 * the zustand store only read its snapshot and call its methods; tests can drive it the same way.
 */
import { Inviter, UserAgent, type Invitation, type Referral } from 'sip.js';
import type { CallStatus } from '../../src-shared/domain/call-status';
import type { CallRead } from '../../src-shared/schemas/calls';
import { WITHHELD_NUMBER } from '../../src-shared/domain/phone';
import { DEFAULT_PHONE_SETTINGS, type PhoneSettingsRead } from '../../src-shared/schemas/phone-settings';
import { CallLogger, type CallLogPort } from './call-log';
import { CallRecovery } from './call-recovery';
import { START_STATUS } from './call-status-map';
import { openMicrophone, type DeviceId } from './media';
import { callerNumber, dialTarget, domainOf, isWithheld, loggableNumber } from './numbers';
import { PhoneCall, type CallInit, type CallSnapshot } from './phone-call';
import { decideRefer, referFacts, referTargetNumber } from './refer-policy';
import { Ringer } from './ringer';
import { toneFor, type RingKind } from './tones';
import { SipConnection, type RegistrationStatus } from './sip-connection';
import { completeAttendedTransfer, startBlindTransfer } from './transfers';

export interface PatientMatch {
  id: string;
  full_name: string;
}

export interface EngineDeps {
  log: CallLogPort;
  /** the local patient directory (works offline): the screen pop */
  lookupPatient(number: string): Promise<PatientMatch | null>;
  /** an inbound call started ringing (desktop notification) */
  onIncoming?(call: CallSnapshot): void;
  onRecord?(legId: string, record: CallRead): void;
  /** false: the agent is not Available, so a new inbound call is declined (486) and logged missed (docs/agent-states.md) */
  admitInbound?(): boolean;
}

export interface DialContext {
  patient_id?: string | null;
  task_id?: string | null;
  notes?: string;
}

export interface Devices {
  mic: DeviceId;
  speaker: DeviceId;
  ringer: DeviceId;
}

export interface PhoneState {
  registration: RegistrationStatus;
  /** live legs, oldest first */
  calls: CallSnapshot[];
  /** the last ended legs, newest first */
  recent: CallSnapshot[];
  ringing: RingKind | null;
}

export class PhoneError extends Error {
  constructor(
    readonly code: 'NOT_CONFIGURED' | 'NOT_CONNECTED' | 'INVALID_NUMBER' | 'NO_SUCH_CALL',
    message: string,
  ) {
    super(message);
    this.name = 'PhoneError';
  }
}

const UNCONFIGURED: RegistrationStatus = { state: 'unconfigured', detail: null, retryAt: null, registeredAt: null };

export class PhoneEngine {
  private connection: SipConnection | null = null;
  private settings: PhoneSettingsRead = { ...DEFAULT_PHONE_SETTINGS, password: null };
  private devices: Devices = { mic: '', speaker: '', ringer: '' };
  private readonly calls = new Map<string, PhoneCall>();
  private recent: CallSnapshot[] = [];
  private registration: RegistrationStatus = UNCONFIGURED;
  private readonly listeners = new Set<(state: PhoneState) => void>();
  private readonly logger: CallLogger;
  private ringer: Ringer | null = null;
  /** legs we dialled because the other side REFERred us, and the call they continue */
  private readonly referralLegs = new Map<string, PhoneCall>();
  private state: PhoneState = { registration: UNCONFIGURED, calls: [], recent: [], ringing: null };
  private readonly recovery = new CallRecovery({ connected: () => this.connection?.userAgent.isConnected() ?? false, now: () => Date.now() });
  private readonly onOnline = () => this.recovery.networkChanged(() => this.calls.values());

  constructor(private readonly deps: EngineDeps) {
    this.logger = new CallLogger(deps.log, (legId, record) => {
      const live = this.calls.get(legId);
      if (live) live.update({ recordId: record.id });
      else if (this.recent.some((c) => c.id === legId && c.recordId !== record.id)) {
        this.recent = this.recent.map((c) => (c.id === legId ? { ...c, recordId: record.id } : c));
        this.emit();
      }
      deps.onRecord?.(legId, record);
    });
  }

  get snapshot(): PhoneState {
    return this.state;
  }

  subscribe(listener: (state: PhoneState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** (Re)connects when the SIP account changed; device and DTMF changes apply in place. */
  async configure(settings: PhoneSettingsRead): Promise<void> {
    const before = this.settings;
    this.settings = settings;
    const account = (s: PhoneSettingsRead) =>
      JSON.stringify([s.ws_url, s.sip_uri, s.auth_user, s.password, s.display_name, s.ice_servers, s.no_answer_seconds]);
    if (this.connection && account(before) === account(settings)) return;
    await this.connection?.stop();
    this.connection = null;
    if (!settings.ws_url || !settings.sip_uri) {
      this.setRegistration(UNCONFIGURED);
      return;
    }
    this.connection = new SipConnection(
      {
        wsUrl: settings.ws_url,
        sipUri: settings.sip_uri,
        authUser: settings.auth_user,
        password: settings.password,
        displayName: settings.display_name,
        iceServers: settings.ice_servers as RTCIceServer[],
        noAnswerSeconds: settings.no_answer_seconds,
        mediaStreamFactory: () => openMicrophone(this.devices.mic),
      },
      {
        onStatus: (status) => this.setRegistration(status),
        onInvite: (invitation) => this.onInvite(invitation),
        onReconnected: () => this.recovery.refreshAll(this.calls.values(), 'reregistered'),
      },
    );
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
    this.connection.start();
  }

  setDevices(devices: Devices): void {
    const micChanged = devices.mic !== this.devices.mic;
    this.devices = devices;
    for (const call of this.calls.values()) {
      call.setSpeaker(devices.speaker);
      if (micChanged) void call.setMicrophone(devices.mic).catch((err: unknown) => call.update({ error: String(err) }));
    }
    this.ringer?.setDevices(devices.ringer, devices.speaker);
  }

  reconnectNow(): void {
    this.connection?.reconnectNow();
  }

  async dial(input: string, context: DialContext = {}, role: Pick<CallInit, 'role' | 'consultFor'> = {}): Promise<CallSnapshot> {
    const clickedAt = Date.now();
    const ua = this.requireConnected();
    const target = dialTarget(input, domainOf(this.settings.sip_uri ?? ''), this.settings.default_region);
    const uri = target && UserAgent.makeURI(target.uri);
    if (!target || !uri) throw new PhoneError('INVALID_NUMBER', `Not a number we can dial: ${input}`);
    // One conversation at a time: whoever is on the line waits on hold.
    if (!role.consultFor) await this.holdOthers(null);
    // earlyMedia: a 183 with SDP (carrier ringback, "number not in service") is played.
    const inviter = new Inviter(ua, uri, { earlyMedia: true });
    const call = this.track(inviter, { direction: 'outbound', number: target.number, name: null, ...role });
    // The screen shows who we are calling even when the caller already knows the patient id.
    const lookedUp = this.lookup(call, target.number);
    this.logStart(call, inviter.request.callId, clickedAt, context.patient_id ?? lookedUp, {
      ...(context.task_id ? { task_id: context.task_id } : {}),
      ...(role.consultFor ? { consult: true } : {}),
    }, context.notes);
    try {
      await call.invite();
    } catch (err) {
      call.update({ error: err instanceof Error ? err.message : String(err) });
    }
    return call.snapshot;
  }

  async answer(id: string): Promise<void> {
    const call = this.get(id);
    await this.holdOthers(id);
    await call.answer();
  }

  async decline(id: string): Promise<void> {
    await this.get(id).decline();
  }

  async hangup(id: string): Promise<void> {
    await this.get(id).hangup();
  }

  async setHold(id: string, hold: boolean): Promise<void> {
    if (!hold) await this.holdOthers(id);
    await this.get(id).setHold(hold);
  }

  setMuted(id: string, muted: boolean): void {
    this.get(id).setMuted(muted);
  }

  async sendDtmf(id: string, tones: string): Promise<void> {
    await this.get(id).sendDtmf(tones);
  }

  async blindTransfer(id: string, input: string): Promise<void> {
    const call = this.get(id);
    const target = dialTarget(input, domainOf(this.settings.sip_uri ?? ''), this.settings.default_region);
    const uri = target && UserAgent.makeURI(target.uri);
    if (!target || !uri) throw new PhoneError('INVALID_NUMBER', `Not a number we can transfer to: ${input}`);
    this.logger.patch(call.id, {}, Date.now(), { transferred_to: target.number, transfer: 'blind' });
    await startBlindTransfer(call, uri, target.number);
  }

  /** Puts the call on hold and dials the consultation leg of an attended transfer. */
  async startConsult(id: string, input: string): Promise<CallSnapshot> {
    const original = this.get(id);
    await original.setHold(true);
    return this.dial(input, {}, { role: 'consult', consultFor: id });
  }

  /** REFER with Replaces: the held caller is connected to the consulted party. */
  async completeTransfer(consultId: string): Promise<void> {
    const consult = this.get(consultId);
    const original = this.get(consult.snapshot.consultFor ?? '');
    this.logger.patch(original.id, {}, Date.now(), { transferred_to: consult.snapshot.number, transfer: 'attended' });
    await completeAttendedTransfer(original, consult);
  }

  async cancelConsult(consultId: string): Promise<void> {
    const consult = this.get(consultId);
    const originalId = consult.snapshot.consultFor;
    await consult.hangup();
    if (originalId && this.calls.has(originalId)) await this.setHold(originalId, false);
  }

  recordOf(legId: string): Promise<CallRead | null> {
    return this.logger.record(legId);
  }

  /** Flushes the call log (tests, sign-out). */
  async flushLog(): Promise<void> {
    await this.logger.flush();
  }

  async stop(): Promise<void> {
    for (const call of this.calls.values()) await call.hangup().catch(() => undefined);
    await this.connection?.stop();
    this.connection = null;
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    this.recovery.dispose();
    this.ringer?.dispose();
    this.ringer = null;
    await this.logger.flush();
    this.setRegistration(UNCONFIGURED);
  }

  private requireConnected(): UserAgent {
    if (!this.connection) throw new PhoneError('NOT_CONFIGURED', 'The phone is not set up: add your SIP account in the phone settings.');
    const ua = this.connection.userAgent;
    if (!ua.isConnected()) throw new PhoneError('NOT_CONNECTED', `The phone is not connected (${this.registration.state}).`);
    return ua;
  }

  private get(id: string): PhoneCall {
    const call = this.calls.get(id);
    if (!call) throw new PhoneError('NO_SUCH_CALL', `No call ${id}`);
    return call;
  }

  private async holdOthers(except: string | null): Promise<void> {
    for (const call of this.calls.values()) {
      if (call.id !== except && call.connected && !call.snapshot.held) await call.setHold(true).catch(() => undefined);
    }
  }

  private track(session: Inviter | Invitation, init: CallInit): PhoneCall {
    const call: PhoneCall = new PhoneCall(
      session,
      init,
      {
        changed: (c) => this.onCallChanged(c),
        status: (c, status, at, metadata) => this.onCallStatus(c, status, at, metadata),
        refer: (c, referral) => this.onRefer(c, referral),
        media: (c, ok) => (ok ? this.recovery.mediaBack(c) : this.recovery.mediaLost(c)),
      },
      { speakerId: this.devices.speaker, micId: this.devices.mic, dtmfMode: () => this.settings.dtmf_mode },
    );
    this.calls.set(call.id, call);
    this.emit();
    return call;
  }

  private lookup(call: PhoneCall, number: string): Promise<string | null> {
    return this.deps
      .lookupPatient(number)
      .then((patient) => {
        if (patient) call.update({ patient: { id: patient.id, full_name: patient.full_name } });
        return patient?.id ?? null;
      })
      .catch(() => null);
  }

  private onInvite(invitation: Invitation): void {
    const replacee = invitation.replacee && [...this.calls.values()].find((c) => c.session === invitation.replacee);
    const identity = invitation.remoteIdentity;
    const withheld = isWithheld(invitation);
    const number = withheld ? WITHHELD_NUMBER : callerNumber(identity.uri.user, this.settings.default_region);
    const waiting = [...this.calls.values()].some((c) => c.connected);
    // Decided before the call is tracked: a call the agent's state turns away is never published
    // as ringing, so no dialog, ringer, headset or tray rings for it, not even for a moment.
    const turnedAway = !replacee && this.deps.admitInbound?.() === false;
    const call = this.track(invitation, { direction: 'inbound', number, name: withheld ? 'Withheld number' : identity.displayName || null, waiting: waiting && !replacee, withheld, turnedAway });
    this.logStart(call, invitation.request.callId, call.snapshot.createdAt, withheld ? null : this.lookup(call, number), {
      ...(replacee ? { replaces: replacee.snapshot.recordId } : {}),
      ...(withheld ? { withheld: true } : {}),
    });
    if (replacee) {
      // Attended transfer: this INVITE takes over a call we already have (RFC 3891), so it is
      // answered without ringing; SIP.js ends the replaced leg once it is accepted.
      replacee.expectEnd('replaced');
      this.logger.patch(replacee.id, {}, Date.now(), { replaced_by: number });
      void call.answer().catch((err: unknown) => call.update({ error: String(err) }));
      return;
    }
    if (turnedAway) {
      void call.decline().catch((err: unknown) => call.update({ error: String(err) }));
      return;
    }
    this.deps.onIncoming?.(call.snapshot);
  }

  private onRefer(call: PhoneCall, referral: Referral): void {
    try {
      this.handleRefer(call, referral);
    } catch (err) {
      // An exception here would escape into SIP.js's transport handler and leave the REFER unanswered.
      void referral.reject({ statusCode: 500 }).catch(() => undefined);
      call.update({ error: `Could not handle a transfer request: ${String(err)}` });
    }
  }

  private handleRefer(call: PhoneCall, referral: Referral): void {
    const decision = decideRefer(referFacts(referral, call.connected, this.settings.sip_uri ?? ''));
    if (!decision.accept) {
      void referral.reject({ statusCode: decision.statusCode, reasonPhrase: decision.reason });
      call.update({ error: `Refused a transfer request: ${decision.reason}` });
      return;
    }
    const number = referTargetNumber(referral, this.settings.default_region);
    void referral
      .accept()
      .then(async () => {
        call.expectEnd('transferred');
        this.logger.patch(call.id, {}, Date.now(), { transferred_to: number, transfer: 'followed_refer' });
        const inviter = referral.makeInviter();
        const leg = this.track(inviter, { direction: 'outbound', number, name: null });
        this.logStart(leg, inviter.request.callId, Date.now(), this.lookup(leg, number), {
          transferred_from: call.snapshot.recordId,
          referred_by: call.snapshot.number,
        });
        this.referralLegs.set(leg.id, call);
        await leg.invite();
      })
      .catch((err: unknown) => call.update({ error: `Transfer failed: ${String(err)}` }));
  }

  /** Logs a new leg as ringing ('call.create'), if its number is one the call log takes. */
  private logStart(
    leg: PhoneCall,
    sipCallId: string,
    at: number,
    patient: string | null | Promise<string | null>,
    metadata: Record<string, unknown> = {},
    notes?: string,
  ): void {
    const { direction, number } = leg.snapshot;
    if (!loggableNumber(number)) return;
    this.logger.start(
      leg.id,
      { direction, phoneNumber: number, patientId: typeof patient === 'string' ? patient : null, status: START_STATUS, at, notes, metadata: { sip_call_id: sipCallId, ...metadata } },
      typeof patient === 'string' || patient === null ? undefined : patient,
    );
  }

  private onCallChanged(call: PhoneCall): void {
    if (call.ended && this.calls.has(call.id)) {
      this.calls.delete(call.id);
      this.recovery.forget(call);
      // A transfer we followed did not connect: the original call (if still up) is not transferred.
      const original = this.referralLegs.get(call.id);
      this.referralLegs.delete(call.id);
      if (original && call.snapshot.connectedAt === null && original.connected) original.expectEnd(null);
      this.recent = [call.snapshot, ...this.recent].slice(0, 10);
    }
    this.updateRinger();
    this.emit();
  }

  private onCallStatus(call: PhoneCall, status: CallStatus, at: number, metadata: Record<string, unknown>): void {
    this.logger.status(call.id, status, at, metadata);
  }

  private updateRinger(): void {
    const kind = toneFor(this.shownCalls());
    if (!kind) {
      this.ringer?.stop();
      return;
    }
    this.ringer ??= new Ringer(this.devices.ringer, this.devices.speaker);
    this.ringer.start(kind);
  }

  private setRegistration(status: RegistrationStatus): void {
    this.registration = status;
    this.emit();
  }

  /** The calls the agent sees (and hears ring): all but those being turned away busy. */
  private shownCalls(): CallSnapshot[] {
    return [...this.calls.values()].map((c) => c.snapshot).filter((c) => !c.turnedAway);
  }

  private emit(): void {
    this.state = {
      registration: this.registration,
      calls: this.shownCalls(),
      recent: this.recent,
      ringing: this.ringer?.playing ?? null,
    };
    for (const listener of this.listeners) listener(this.state);
  }
}
