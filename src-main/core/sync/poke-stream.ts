/**
 * Keeps the SSE poke stream open while signed in: every poke and every (re)connect asks the
 * engine to pull. Reconnects back off with the same full jitter as the engine; a 401 that the
 * SDK's refresh could not fix stops it (the engine reports signed_out).
 */
import type { PokeEvent } from '../../../src-shared/schemas/sync';
import { OnCallApiError, type OnCallClient } from '../../../src-shared/sdk';
import { backoffDelay, type SyncTiming } from './timing';

export interface PokeStreamOptions {
  client: OnCallClient;
  clientId: string;
  timing: SyncTiming;
  onOpen: () => void;
  onPoke: (poke: PokeEvent) => void;
  /**
   * The stream ended or could not be opened. An idle desktop learns of an outage only here (the
   * engine checks the API at once instead of showing "Online" until the next change or poll).
   */
  onLost?: () => void;
  onAuthFailure: (err: OnCallApiError) => void;
}

export class PokeStream {
  private abort: AbortController | null = null;
  private timer: unknown = null;
  private attempt = 0;
  connected = false;

  constructor(private readonly o: PokeStreamOptions) {}

  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    void this.loop(this.abort.signal);
  }

  stop(): void {
    this.abort?.abort();
    this.abort = null;
    this.connected = false;
    if (this.timer !== null) this.o.timing.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Reconnect now instead of waiting out the backoff (the engine saw the API come back). */
  nudge(): void {
    if (!this.abort || this.connected || this.timer === null) return;
    this.o.timing.clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    this.wake?.();
  }

  private wake: (() => void) | null = null;

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // The silence rule of an open stream starts with its headers; an answer that never comes
      // (a connection accepted, then nothing) would otherwise hold this loop, and pokes, forever.
      const attempt = new AbortController();
      const stop = () => attempt.abort();
      signal.addEventListener('abort', stop, { once: true });
      const openTimer = this.o.timing.setTimeout(stop, this.o.timing.streamOpenTimeoutMs);
      try {
        const events = this.o.client.sync.events({
          signal: attempt.signal,
          clientId: this.o.clientId,
          onOpen: () => {
            this.o.timing.clearTimeout(openTimer);
            this.connected = true;
            this.attempt = 0;
            this.o.onOpen();
          },
        });
        for await (const poke of events) this.o.onPoke(poke);
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof OnCallApiError && err.status === 401) {
          this.connected = false;
          this.o.onAuthFailure(err);
          return;
        }
      } finally {
        this.o.timing.clearTimeout(openTimer);
        signal.removeEventListener('abort', stop);
      }
      this.connected = false;
      if (signal.aborted) return;
      this.o.onLost?.();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = this.o.timing.setTimeout(resolve, backoffDelay(this.attempt++, this.o.timing));
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      this.timer = null;
      this.wake = null;
    }
  }
}
