/**
 * Rate limits shared by every API instance on one PostgreSQL: the counters are rows of
 * `rate_limits` kept by rate-limiter-flexible's PostgreSQL store (an atomic upsert per window),
 * so a credential spreading its requests over three instances is counted once. Windows are
 * aligned to the clock like the in-process limiter's: the window's index is part of the key.
 */
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { poolOf } from '../db/postgres';
import { decide, type Limiter, type RateDecision, type RateWindow } from './rate-limit';

/** The table the migration creates (rate-limiter-flexible's own layout). */
export const RATE_LIMIT_TABLE = 'rate_limits';

export class SharedRateLimiter implements Limiter {
  private readonly stores: RateLimiterPostgres[];

  constructor(
    db: object,
    private readonly windows: RateWindow[],
    private readonly now: () => number = Date.now,
    /** keeps this limiter's counters apart from another's under the same key (sign-in, refresh) */
    name = '',
  ) {
    const pool = poolOf(db);
    if (!pool) throw new Error('the shared rate limiter needs the PostgreSQL store');
    this.stores = windows.map(
      (w, i) =>
        new RateLimiterPostgres({
          storeClient: pool,
          storeType: 'pool',
          tableName: RATE_LIMIT_TABLE,
          tableCreated: true,
          keyPrefix: `${name}w${i}`,
          points: w.limit,
          duration: Math.ceil(w.windowMs / 1000),
        }),
    );
  }

  async hit(key: string): Promise<RateDecision> {
    const now = this.now();
    const keys = this.windows.map((w) => `${key}:${Math.floor(now / w.windowMs)}`);
    const results = await Promise.all(
      this.stores.map((store, i) =>
        store.consume(keys[i]!, 1).catch((res: unknown) => {
          // Over the limit rejects with the counter's state; anything else is a store failure.
          if (res instanceof RateLimiterRes) return res;
          throw res;
        }),
      ),
    );
    const consumed = results.map((r) => r.consumedPoints);
    const allowed = consumed.every((count, i) => count <= this.windows[i]!.limit);
    if (!allowed) {
      // A refused request does not count: give the point back in every window.
      await Promise.all(this.stores.map((store, i) => store.reward(keys[i]!, 1)));
    }
    return decide(
      this.windows,
      consumed.map((c) => (allowed ? c : c - 1)),
      allowed,
      now,
    );
  }
}
