/**
 * Every clock and knob of the sync engine in one injectable object, so tests (and the chaos
 * and benchmark harnesses) can shorten waits or make jitter deterministic.
 */
import { MAX_PUSH_BATCH } from '../../../src-shared/schemas/sync';

export interface SyncTiming {
  /** backoff floor and ceiling while the API is unreachable or failing */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** uniform [0, 1): the jitter source */
  random: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** mutations per push request (the server accepts up to MAX_PUSH_BATCH) */
  pushBatchSize: number;
  /** changes per pull page */
  pullLimit: number;
  /** "sync now" abandons a cycle running longer than this (a request stuck on a dead connection) */
  staleCycleMs: number;
  /** a pull this long after the last cycle even without a poke (pokes are hints, not a log) */
  pollMs: number;
  /** a poke stream not open (no answer headers) after this long is given up and reopened */
  streamOpenTimeoutMs: number;
  /** how often cached reference data (outcome codes, users) is refreshed */
  referenceRefreshMs: number;
}

export const DEFAULT_TIMING: SyncTiming = {
  minBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  random: Math.random,
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending retry must not keep a Node process (tests, the host) alive on its own.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  // The server's cap: it writes a batch's audit, change-log and outcome rows together, so fewer,
  // larger pushes drain a long outage's outbox sooner (bench:sync, drain).
  pushBatchSize: MAX_PUSH_BATCH,
  // Large pages: each is one request and one local commit (an fsync); bench:sync, initial pull.
  pullLimit: 5000,
  staleCycleMs: 15_000,
  pollMs: 5 * 60_000,
  // The same 45 s as the open stream's silence rule (three missed 15 s heartbeats).
  streamOpenTimeoutMs: 45_000,
  referenceRefreshMs: 10 * 60_000,
};

/**
 * "Full jitter" (AWS architecture blog): a uniform delay between the floor and an exponentially
 * growing cap, so a fleet of desktops coming back after an outage does not retry in lockstep.
 * attempt 0 waits the floor; then [min, 2 min], [min, 4 min], ... up to [min, max].
 */
export function backoffDelay(attempt: number, t: Pick<SyncTiming, 'minBackoffMs' | 'maxBackoffMs' | 'random'>): number {
  const cap = Math.min(t.maxBackoffMs, t.minBackoffMs * 2 ** Math.min(attempt, 30));
  return Math.round(t.minBackoffMs + t.random() * (cap - t.minBackoffMs));
}
