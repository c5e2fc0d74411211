/**
 * Seed 003's three limits per credential (minute, hour, day), as fixed windows aligned to the
 * clock. The headers describe the window that will run out first, so a client that obeys them
 * never sees a 429. @fastify/rate-limit enforces a single window per route, hence this module.
 * One process (SQLite): the counters live here in memory. Several instances (PostgreSQL): the
 * counters live in the database, through rate-limiter-flexible (./shared-rate-limit.ts); both
 * decide with `decide()` below, so the headers mean the same on either store.
 */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds at which the binding window resets */
  reset: number;
  retryAfterSeconds: number;
}

/** Counts a request against every window of a key; `hit` says whether it may be served. */
export interface Limiter {
  hit(key: string): RateDecision | Promise<RateDecision>;
}

/**
 * The decision from each window's count after this request (`counts[i]` includes it when
 * allowed). Refused requests are not counted: a client stays refused, but no deeper in debt.
 */
export function decide(windows: RateWindow[], counts: number[], allowed: boolean, now: number): RateDecision {
  const states = windows.map((w, i) => ({ w, count: counts[i]!, reset: (Math.floor(now / w.windowMs) + 1) * w.windowMs }));
  // The binding window: the one with the fewest requests left (the earliest reset on ties).
  const binding = states.reduce((a, b) => {
    const ra = a.w.limit - a.count;
    const rb = b.w.limit - b.count;
    return rb < ra || (rb === ra && b.reset < a.reset) ? b : a;
  });
  const blocking = states.filter((s) => s.count >= s.w.limit).sort((a, b) => b.reset - a.reset)[0];
  return {
    allowed,
    limit: binding.w.limit,
    remaining: Math.max(0, binding.w.limit - binding.count),
    reset: Math.ceil(binding.reset / 1000),
    retryAfterSeconds: allowed || !blocking ? 0 : Math.max(1, Math.ceil((blocking.reset - now) / 1000)),
  };
}

interface Counter {
  windowStart: number;
  count: number;
}

export class RateLimiter implements Limiter {
  private readonly counters = new Map<string, Counter[]>();
  private lastSweep = 0;

  constructor(
    private readonly windows: RateWindow[],
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): RateDecision {
    const now = this.now();
    this.sweep(now);
    let counters = this.counters.get(key);
    if (!counters) {
      counters = this.windows.map(() => ({ windowStart: 0, count: 0 }));
      this.counters.set(key, counters);
    }
    const states = this.windows.map((w, i) => {
      const c = counters[i]!;
      const start = Math.floor(now / w.windowMs) * w.windowMs;
      if (c.windowStart !== start) {
        c.windowStart = start;
        c.count = 0;
      }
      return { w, c };
    });
    const allowed = states.every((s) => s.c.count < s.w.limit);
    if (allowed) for (const s of states) s.c.count++;
    return decide(
      this.windows,
      states.map((s) => s.c.count),
      allowed,
      now,
    );
  }

  /** Drops counters whose every window has passed, so memory follows active credentials only. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const longest = Math.max(...this.windows.map((w) => w.windowMs));
    for (const [key, counters] of this.counters) {
      if (counters.every((c) => c.windowStart + longest <= now)) this.counters.delete(key);
    }
  }
}
