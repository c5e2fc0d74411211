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
  // Plain loops: this runs on every request, where the map/reduce/filter/sort form allocated
  // five arrays and a dozen objects for three windows.
  let binding = -1;
  let bindingLeft = 0;
  let bindingReset = 0;
  // The blocking window: the full one that resets last (the first of those on ties).
  let blockingReset = -1;
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    const count = counts[i]!;
    const reset = (Math.floor(now / w.windowMs) + 1) * w.windowMs;
    const left = w.limit - count;
    // The binding window: the one with the fewest requests left (the earliest reset on ties).
    if (binding < 0 || left < bindingLeft || (left === bindingLeft && reset < bindingReset)) {
      binding = i;
      bindingLeft = left;
      bindingReset = reset;
    }
    if (count >= w.limit && reset > blockingReset) blockingReset = reset;
  }
  const limit = windows[binding]!.limit;
  return {
    allowed,
    limit,
    remaining: Math.max(0, bindingLeft),
    reset: Math.ceil(bindingReset / 1000),
    retryAfterSeconds: allowed || blockingReset < 0 ? 0 : Math.max(1, Math.ceil((blockingReset - now) / 1000)),
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
    const windows = this.windows;
    let counters = this.counters.get(key);
    if (!counters) {
      counters = windows.map(() => ({ windowStart: 0, count: 0 }));
      this.counters.set(key, counters);
    }
    let allowed = true;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      const c = counters[i]!;
      const start = Math.floor(now / w.windowMs) * w.windowMs;
      if (c.windowStart !== start) {
        c.windowStart = start;
        c.count = 0;
      }
      if (c.count >= w.limit) allowed = false;
    }
    const counts = new Array<number>(windows.length);
    for (let i = 0; i < windows.length; i++) counts[i] = allowed ? ++counters[i]!.count : counters[i]!.count;
    return decide(windows, counts, allowed, now);
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
