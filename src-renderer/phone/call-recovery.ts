/**
 * Calls that survive the network (the most reported failure of browser softphones: SIP.js #1095,
 * #1024, #1088). Two things break when the agent's network moves or the SIP WebSocket drops:
 *
 * - signalling: the proxy routes requests for our dialogs (the other side's BYE, their hold) to the
 *   connection our Contact was seen on, which is gone. A re-INVITE over the new connection is a
 *   target refresh (RFC 3261 12.2): the proxy records the new connection (its Contact alias) and
 *   the other side sends later in-dialog requests there.
 * - media: the ICE pair may be dead (new interface, new address). The same re-INVITE carries an ICE
 *   restart (new ufrag/pwd, fresh candidates), so media moves to whatever address works now.
 *
 * So: after a re-registration that followed a lost connection, and whenever a connected call's ICE
 * goes `disconnected`/`failed` or the browser reports the network back (`online`), each connected
 * call sends one re-INVITE with an ICE restart, once the WebSocket is up. A call whose media does
 * not come back within GIVE_UP_MS is ended honestly (BYE, logged `failed`).
 *
 * `online` gets more restarts ONLINE_SETTLE_MS later: Chromium fires `online` before it hands
 * WebRTC the new interface list (its network-change notice comes seconds later, later still on a
 * busy machine), so a restart at that moment gathers the old addresses only (seen on the interop
 * rig: a veth coming up, the first restart's candidates all 127.0.0.1, a restart seconds later
 * gathered the new address and moved the media to it). The first one still goes at once, since
 * the old path may be the one that died.
 */
import type { PhoneCall } from './phone-call';

/** How long a connected call may stay without media before we end it. */
export const GIVE_UP_MS = 20_000;

/** After `online`, when to restart again with the interfaces the browser knows by then. */
export const ONLINE_SETTLE_MS = [3_000, 10_000, 30_000] as const;

export type RecoveryTrigger = 'reregistered' | 'ice' | 'online';

export interface RecoveryDeps {
  /** the SIP WebSocket is connected (a re-INVITE can be sent now) */
  connected(): boolean;
  now(): number;
}

export class CallRecovery {
  /** calls waiting for a re-INVITE, and since when their media is lost (null: media fine) */
  private readonly pending = new Map<PhoneCall, number | null>();
  private readonly inFlight = new Set<PhoneCall>();
  private giveUpTimer: ReturnType<typeof setInterval> | null = null;
  private settleTimers: ReturnType<typeof setTimeout>[] = [];

  constructor(private readonly deps: RecoveryDeps) {}

  /** A connected call's ICE went disconnected or failed. */
  mediaLost(call: PhoneCall): void {
    if (!call.connected) return;
    if (!this.pending.has(call) || this.pending.get(call) === null) this.pending.set(call, this.deps.now());
    this.startGiveUpTimer();
    this.flush('ice');
  }

  mediaBack(call: PhoneCall): void {
    if (this.pending.get(call) !== undefined && !this.inFlight.has(call)) this.pending.delete(call);
  }

  /** Re-registered after the connection was lost, or the browser is online again: refresh every connected call. */
  refreshAll(calls: Iterable<PhoneCall>, trigger: RecoveryTrigger): void {
    for (const call of calls) if (call.connected && !this.pending.has(call)) this.pending.set(call, null);
    this.flush(trigger);
  }

  /** The browser is online again (a new interface, a VPN): refresh now, and again once the interfaces settled. */
  networkChanged(calls: () => Iterable<PhoneCall>): void {
    this.refreshAll(calls(), 'online');
    this.clearSettleTimers();
    this.settleTimers = ONLINE_SETTLE_MS.map((ms) => setTimeout(() => this.refreshAll(calls(), 'online'), ms));
  }

  /** Sends the waiting re-INVITEs if the WebSocket is up (else the next re-registration will). */
  flush(trigger: RecoveryTrigger): void {
    if (!this.deps.connected()) return;
    for (const call of [...this.pending.keys()]) {
      if (!call.connected) {
        this.pending.delete(call);
        continue;
      }
      if (this.inFlight.has(call)) continue;
      this.inFlight.add(call);
      const lostAt = this.pending.get(call) ?? null;
      void call
        .restartIce(trigger)
        .then(() => {
          // The answer is in; the media watch reports whether ICE really came back.
          if (lostAt === null) this.pending.delete(call);
        })
        .catch(() => undefined)
        .finally(() => this.inFlight.delete(call));
    }
  }

  forget(call: PhoneCall): void {
    this.pending.delete(call);
    this.inFlight.delete(call);
  }

  dispose(): void {
    if (this.giveUpTimer) clearInterval(this.giveUpTimer);
    this.giveUpTimer = null;
    this.clearSettleTimers();
    this.pending.clear();
  }

  private clearSettleTimers(): void {
    for (const timer of this.settleTimers) clearTimeout(timer);
    this.settleTimers = [];
  }

  private startGiveUpTimer(): void {
    if (this.giveUpTimer) return;
    this.giveUpTimer = setInterval(() => {
      const now = this.deps.now();
      for (const [call, lostAt] of this.pending) {
        if (lostAt !== null && now - lostAt > GIVE_UP_MS) {
          this.pending.delete(call);
          void call.endForLostMedia();
        }
      }
      if (![...this.pending.values()].some((v) => v !== null) && this.giveUpTimer) {
        clearInterval(this.giveUpTimer);
        this.giveUpTimer = null;
      }
    }, 1000);
  }
}
