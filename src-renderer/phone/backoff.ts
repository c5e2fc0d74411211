/**
 * Reconnection delays for the SIP WebSocket. The cap is what keeps the promise of docs/phone.md:
 * re-registered within 10 s of the server answering again. With a 4 s cap and ±20 % jitter the
 * next attempt is at most 4.8 s away, and a connect + REGISTER on a LAN takes well under a second.
 * Jitter stops a room of desktops from reconnecting in lockstep after a server restart.
 */
export interface BackoffPolicy {
  /** first delay, ms */
  initialMs: number;
  /** longest delay, ms, before jitter */
  maxMs: number;
  /** 0.2 = each delay is scaled by a random factor in [0.8, 1.2] */
  jitter: number;
}

export const RECONNECT_POLICY: BackoffPolicy = { initialMs: 250, maxMs: 4000, jitter: 0.2 };

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly policy: BackoffPolicy = RECONNECT_POLICY,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call doubles it up to the cap. */
  next(): number {
    const base = Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    const factor = 1 + this.policy.jitter * (2 * this.random() - 1);
    return Math.round(base * factor);
  }

  reset(): void {
    this.attempt = 0;
  }

  /** the longest delay this policy can ever return */
  get worstCaseMs(): number {
    return Math.ceil(this.policy.maxMs * (1 + this.policy.jitter));
  }
}
