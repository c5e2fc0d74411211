/**
 * What keeps password sign-in from being turned against the API. scrypt is deliberately slow
 * and runs on libuv's small thread pool: without a bound, a flood of wrong passwords queues
 * there and every other sign-in (and file or DNS work) waits behind it. So:
 *
 * - at most PASSWORD_HASH_CONCURRENCY hashes run at once, PASSWORD_HASH_QUEUE more may wait;
 *   beyond that a sign-in answers 503 at once (Retry-After) instead of queueing without limit;
 * - per account (the email as typed, known or not, so the answer reveals nothing), after
 *   SIGNIN_FREE_FAILURES failures each further failure locks the account for a delay that
 *   doubles (1 s, 2 s, 4 s ... up to SIGNIN_MAX_DELAY_SECONDS); while locked, sign-in answers
 *   429 without hashing, and a success clears the record.
 *
 * Counters live in this process (one API instance); with several instances each keeps its own.
 */
import type { Config } from '../config';
import { ApiError } from './api-error';

export class PasswordHashGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) {
        throw new ApiError('SERVICE_UNAVAILABLE', 'too many sign-ins at once: try again shortly', { retry_after_seconds: 1 });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // hand the slot straight to the next waiter, or free it
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

interface Failures {
  count: number;
  lockedUntil: number;
  lastAt: number;
}

export class AccountThrottle {
  private readonly accounts = new Map<string, Failures>();

  constructor(
    private readonly freeFailures: number,
    private readonly maxDelayMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 while the account is locked. */
  check(account: string): void {
    const f = this.accounts.get(account);
    const left = f ? f.lockedUntil - this.now() : 0;
    if (left > 0) {
      const seconds = Math.ceil(left / 1000);
      throw new ApiError('RATE_LIMITED', 'too many failed sign-ins for this account: wait before trying again', {
        retry_after_seconds: seconds,
      });
    }
  }

  failed(account: string): void {
    const now = this.now();
    this.sweep(now);
    const f = this.accounts.get(account) ?? { count: 0, lockedUntil: 0, lastAt: now };
    f.count++;
    f.lastAt = now;
    const over = f.count - this.freeFailures;
    if (over > 0) f.lockedUntil = now + Math.min(this.maxDelayMs, 1000 * 2 ** Math.min(over - 1, 30));
    this.accounts.set(account, f);
  }

  succeeded(account: string): void {
    this.accounts.delete(account);
  }

  /** Forgets accounts quiet for a day, so memory follows recent failures only. */
  private sweep(now: number): void {
    if (this.accounts.size < 10_000) return;
    for (const [key, f] of this.accounts) if (now - f.lastAt > 86_400_000 && f.lockedUntil < now) this.accounts.delete(key);
  }
}

export interface SignInGuard {
  hashing: PasswordHashGate;
  accounts: AccountThrottle;
}

export function createSignInGuard(config: Config): SignInGuard {
  return {
    hashing: new PasswordHashGate(config.PASSWORD_HASH_CONCURRENCY, config.PASSWORD_HASH_QUEUE),
    accounts: new AccountThrottle(config.SIGNIN_FREE_FAILURES, config.SIGNIN_MAX_DELAY_SECONDS * 1000),
  };
}
