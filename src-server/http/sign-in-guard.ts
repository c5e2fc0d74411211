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
 * The account counters are rate-limiter-flexible's: in memory on SQLite (one process), shared by
 * every instance on PostgreSQL (see accountStores).
 */
import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { poolOf } from '../db/postgres';
import { ApiError } from './api-error';
import { RATE_LIMIT_TABLE } from './shared-rate-limit';

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

/** The two counters per account: failures in the current run, and the lock they earned. */
export interface AccountStores {
  failures: RateLimiterAbstract;
  lock: RateLimiterAbstract;
}

/** A run of failures is forgotten a day after it began (or at once by a success). */
const FAILURE_RUN_SECONDS = 86_400;
const LOCKED = 1;

/**
 * In memory for one process (SQLite); rows of the shared `rate_limits` table on PostgreSQL, so
 * an attacker spreading guesses over every API instance is counted once, and a lock earned on
 * one instance holds on all of them.
 */
export function accountStores(db: object, maxDelayMs: number): AccountStores {
  const failures = { points: 1_000_000, duration: FAILURE_RUN_SECONDS };
  const lock = { points: LOCKED, duration: Math.ceil(maxDelayMs / 1000) };
  const pool = poolOf(db);
  if (!pool) return { failures: new RateLimiterMemory({ keyPrefix: 'signin_fail', ...failures }), lock: new RateLimiterMemory({ keyPrefix: 'signin_lock', ...lock }) };
  const shared = { storeClient: pool, storeType: 'pool', tableName: RATE_LIMIT_TABLE, tableCreated: true };
  return {
    failures: new RateLimiterPostgres({ ...shared, keyPrefix: 'signin_fail', ...failures }),
    lock: new RateLimiterPostgres({ ...shared, keyPrefix: 'signin_lock', ...lock }),
  };
}

/** Counters are keyed by a digest: any length of email fits the key column, and none is stored. */
const keyOf = (account: string) => createHash('sha256').update(account).digest('base64url');

export class AccountThrottle {
  constructor(
    private readonly stores: AccountStores,
    private readonly freeFailures: number,
    private readonly maxDelayMs: number,
  ) {}

  /** Throws 429 while the account is locked. */
  async check(account: string): Promise<void> {
    const lock = await this.stores.lock.get(keyOf(account));
    if (!lock || lock.consumedPoints <= LOCKED || lock.msBeforeNext <= 0) return;
    throw new ApiError('RATE_LIMITED', 'too many failed sign-ins for this account: wait before trying again', {
      retry_after_seconds: Math.max(1, Math.ceil(lock.msBeforeNext / 1000)),
    });
  }

  async failed(account: string): Promise<void> {
    const run = await this.stores.failures.penalty(keyOf(account), 1);
    const over = run.consumedPoints - this.freeFailures;
    if (over <= 0) return;
    const delayMs = Math.min(this.maxDelayMs, 1000 * 2 ** Math.min(over - 1, 30));
    await this.stores.lock.block(keyOf(account), Math.max(1, Math.ceil(delayMs / 1000)));
  }

  async succeeded(account: string): Promise<void> {
    await Promise.all([this.stores.failures.delete(keyOf(account)), this.stores.lock.delete(keyOf(account))]);
  }
}

export interface SignInGuard {
  hashing: PasswordHashGate;
  accounts: AccountThrottle;
}

export function createSignInGuard(config: Config, db: object): SignInGuard {
  const maxDelayMs = config.SIGNIN_MAX_DELAY_SECONDS * 1000;
  return {
    // hashing is this process's own thread pool: bounded per instance
    hashing: new PasswordHashGate(config.PASSWORD_HASH_CONCURRENCY, config.PASSWORD_HASH_QUEUE),
    accounts: new AccountThrottle(accountStores(db, maxDelayMs), config.SIGNIN_FREE_FAILURES, maxDelayMs),
  };
}
