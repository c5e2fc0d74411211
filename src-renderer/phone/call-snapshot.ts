/** What the agent's screen, the store and the headset see of one call leg (phone-call.ts makes it). */
import type { CallDirection, CallRole, EndReason } from './call-status-map';
import type { QualityView } from './quality-monitor';

export type CallPhase = 'dialing' | 'alerting' | 'incoming' | 'connecting' | 'active' | 'ended';

export interface TransferState {
  kind: 'blind' | 'attended';
  target: string;
  state: 'requested' | 'failed' | 'done';
  detail: string | null;
}

export interface CallSnapshot {
  id: string;
  direction: CallDirection;
  /** E.164 when it parses, else the SIP user */
  number: string;
  /** the display name the other side sent */
  name: string | null;
  phase: CallPhase;
  held: boolean;
  heldByRemote: boolean;
  muted: boolean;
  /** an inbound call that arrived while another call was up (call waiting) */
  waiting: boolean;
  role: CallRole;
  /** for a consult leg: the call being transferred */
  consultFor: string | null;
  createdAt: number;
  inviteSentAt: number | null;
  connectedAt: number | null;
  endedAt: number | null;
  endReason: EndReason | null;
  /**
   * why a connected call ended when neither agent hung up (it dropped, or the other phone gave up
   * after an error): the dock keeps saying so after the call is gone, until the agent dismisses it
   */
  endNote: string | null;
  sipCode: number | null;
  /** the other side's network is playing us audio before the answer (183 with SDP) */
  earlyMedia: boolean;
  /** the caller withheld their number (anonymous, Privacy: id) */
  withheld: boolean;
  /** declined busy because the agent is not Available (docs/agent-states.md): never rings */
  turnedAway: boolean;
  /** the media path is down and being recovered (ICE restart), call-recovery.ts */
  recovering: boolean;
  /** ICE-restart re-INVITEs the other side accepted */
  iceRestarts: number;
  /** live MOS estimate, loss and jitter while connected (quality-monitor.ts) */
  quality: QualityView | null;
  patient: { id: string; full_name: string } | null;
  transfer: TransferState | null;
  dtmfSent: string;
  dtmfReceived: string;
  /** the call log record (core) this leg writes to */
  recordId: string | null;
  /** the dialog's SIP Call-ID, also in the record's metadata.sip_call_id */
  sipCallId: string;
  error: string | null;
}
