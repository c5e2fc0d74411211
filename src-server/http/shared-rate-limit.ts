/**
 * Rate limits shared by every API instance on one PostgreSQL: the counters are rows of
 * `rate_limits` in rate-limiter-flexible's PostgreSQL layout, so a credential spreading its
 * requests over three instances is counted once. Windows are aligned to the clock like the
 * in-process limiter's: the window's index is part of the key.
 *
 * Counting is one statement for all windows (`count`): rate-limiter-flexible upserts each
 * window on its own, three round trips and three pooled connections per request, the largest
 * share of a list request's time on PostgreSQL after the page itself. The rows, keys and
 * arithmetic are the library's (`_upsert`), so instances of an earlier release on the same
 * database count into the same rows; the library still gives points back and sweeps expired rows.
 */
import type pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { poolOf } from '../db/postgres';
import { decide, type Limiter, type RateDecision, type RateWindow } from './rate-limit';

/** The table the migration creates (rate-limiter-flexible's own layout). */
export const RATE_LIMIT_TABLE = 'rate_limits';

export class SharedRateLimiter implements Limiter {
  private readonly stores: RateLimiterPostgres[];
  private readonly pool: pg.Pool;
  /** the library's key prefix of each window (`<prefix>:<key>`) */
  private readonly prefixes: string[];

  constructor(
    db: object,
    private readonly windows: RateWindow[],
    private readonly now: () => number = Date.now,
    /** keeps this limiter's counters apart from another's under the same key (sign-in, refresh) */
    name = '',
  ) {
    const pool = poolOf(db);
    if (!pool) throw new Error('the shared rate limiter needs the PostgreSQL store');
    this.pool = pool;
    this.prefixes = windows.map((_, i) => `${name}w${i}`);
    this.stores = windows.map(
      (w, i) =>
        new RateLimiterPostgres({
          storeClient: pool,
          storeType: 'pool',
          tableName: RATE_LIMIT_TABLE,
          tableCreated: true,
          keyPrefix: this.prefixes[i]!,
          points: w.limit,
          duration: Math.ceil(w.windowMs / 1000),
        }),
    );
  }

  async hit(key: string): Promise<RateDecision> {
    const now = this.now();
    const keys = this.windows.map((w) => `${key}:${Math.floor(now / w.windowMs)}`);
    const consumed = await this.count(keys, now);
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

  /** One more point in every window's row, in one statement; the points of each after it. */
  private async count(keys: string[], now: number): Promise<number[]> {
    const rows = keys.map((k, i) => `${this.prefixes[i]}:${k}`);
    const values: unknown[] = [now];
    const tuples = rows.map((row, i) => {
      values.push(row, now + Math.ceil(this.windows[i]!.windowMs / 1000) * 1000);
      return `($${values.length - 1}, 1, $${values.length})`;
    });
    // Rows in the same order on every instance (minute, hour, day), so two upserts of one
    // credential cannot deadlock.
    const result = await this.pool.query<{ key: string; points: number }>(
      `INSERT INTO ${RATE_LIMIT_TABLE} (key, points, expire) VALUES ${tuples.join(', ')}
         ON CONFLICT (key) DO UPDATE SET
           points = CASE WHEN ${RATE_LIMIT_TABLE}.expire <= $1 THEN 1 ELSE ${RATE_LIMIT_TABLE}.points + 1 END,
           expire = CASE WHEN ${RATE_LIMIT_TABLE}.expire <= $1 THEN excluded.expire ELSE ${RATE_LIMIT_TABLE}.expire END
         RETURNING key, points`,
      values,
    );
    const points = new Map(result.rows.map((r) => [r.key, Number(r.points)]));
    return rows.map((row) => {
      const count = points.get(row);
      if (count === undefined) throw new Error(`rate limit: no count returned for ${row}`);
      return count;
    });
  }
}
