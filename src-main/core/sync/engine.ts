/**
 * The sync engine: one cycle at a time (push the outbox, pull to the end, refresh reference
 * data), started by local writes, pokes, stream (re)connects, retries and "sync now". While
 * the API is unreachable or failing it backs off with full jitter; a 401 that the SDK's
 * refresh cannot fix signs the session out but keeps the outbox. States: docs/client-core.md.
 */
import type { IpcEvent, IpcPayload, SyncStatus } from '../../../src-shared/ipc/contract';
import type { SessionUser } from '../../../src-shared/schemas/auth';
import type { PokeEvent, SyncEntity } from '../../../src-shared/schemas/sync';
import type { TaskRead } from '../../../src-shared/schemas/tasks';
import { OnCallApiError, OnCallNetworkError, type OnCallClient } from '../../../src-shared/sdk';
import type { LocalWriter } from '../local-writes';
import type { LocalStore } from '../store';
import { applyPoke } from './poke-apply';
import { PokeStream } from './poke-stream';
import type { PullPageResult } from './pull-applier';
import { pullAll } from './pull';
import { pushOutbox } from './push';
import { refreshReference } from './reference';
import { backoffDelay, type SyncTiming } from './timing';

export interface SyncEngineOptions {
  store: LocalStore;
  writer: LocalWriter;
  timing: SyncTiming;
  now: () => number;
  user: () => SessionUser | null;
  emit: <E extends IpcEvent>(event: E, payload: IpcPayload<E>) => void;
  /** the session could not be renewed: the owner forgets the tokens */
  onSignedOut: (reason: string) => void;
}

type Trigger = 'start' | 'write' | 'poke' | 'open' | 'retry' | 'lost';

const UNREACHABLE_STATUSES = new Set([502, 503, 504]);

export class SyncEngine {
  private client: OnCallClient | null = null;
  private pokes: PokeStream | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private attempt = 0;
  private retryTimer: unknown = null;
  private nextRetryAt: number | null = null;
  private online = false;
  private state: SyncStatus['state'] = 'signed_out';
  private lastError: string | null = null;
  private referenceAt = -Infinity;
  private readonly toRebase = new Map<string, { entity: SyncEntity; id: string }>();
  private lastStatus = '';
  private cycleAbort: AbortController | null = null;
  private pollTimer: unknown = null;
  private seqChecked = false;
  /** the highest cursor a poke announced: a cycle whose pull stopped short of it runs again */
  private pokedTo = 0;
  private cycleStartedAt = 0;

  constructor(private readonly o: SyncEngineOptions) {}

  /** Starts syncing with a signed-in client (after sign-in, or at start with stored tokens). */
  attach(client: OnCallClient): void {
    this.detach();
    this.client = client;
    this.state = 'idle';
    this.lastError = null;
    this.attempt = 0;
    this.referenceAt = -Infinity;
    this.seqChecked = false;
    // A refused change leaves the view at the end of the cycle that learnt of it; that to-do list
    // lives in memory, so a crash in between would leave the refused row on screen for good.
    for (const r of this.o.store.outbox.rejectedRecords()) this.rebaseLater(r.entity, r.id);
    this.pokes = new PokeStream({
      client,
      clientId: this.o.store.state.get().clientId,
      timing: this.o.timing,
      onOpen: () => this.trigger('open'),
      onPoke: (poke) => {
        if (poke.cursor <= this.o.store.state.get().cursor) return;
        // Idle: the changes the poke carries are applied here, no pull needed. During a cycle
        // they are not (a push in flight settles against pulled state): its pull brings them.
        if (!this.running && this.applyPoke(poke)) return;
        this.pokedTo = Math.max(this.pokedTo, poke.cursor);
        this.trigger('poke');
      },
      onAuthFailure: (err) => this.signedOut(err),
      onLost: () => this.trigger('lost'),
    });
    this.pokes.start();
    this.trigger('start');
  }

  /** Stops all network activity; the outbox and the store stay as they are. */
  detach(reason: string | null = null): void {
    this.pokes?.stop();
    this.pokes = null;
    this.client = null;
    this.cycleAbort?.abort();
    this.clearRetry();
    this.state = 'signed_out';
    this.lastError = reason;
    this.emitStatus();
  }

  /** Asks for a cycle; a write while backing off waits for the scheduled retry. */
  trigger(reason: Trigger): void {
    if (!this.client) return;
    if (this.running) {
      // A poke during a cycle is answered by that cycle's pull when it reached the poked cursor:
      // the cycle checks at its end (pokedTo) instead of always running another one.
      if (reason !== 'poke') this.again = true;
      return;
    }
    // Already backing off (so already shown offline): the scheduled retry stays in charge.
    if ((reason === 'write' || reason === 'lost') && this.retryTimer !== null) return;
    this.clearRetry();
    this.running = this.loop();
  }

  /** Runs a cycle now, ignoring any backoff, and answers the status after it. */
  async syncNow(): Promise<SyncStatus> {
    if (this.client) {
      this.attempt = 0;
      this.pokes?.nudge();
      if (this.running) {
        // A cycle this old is hanging on a dead connection: start over rather than wait it out.
        // A younger one is left alone (aborting healthy requests only makes work for the API).
        this.again = true;
        if (this.o.now() - this.cycleStartedAt > this.o.timing.staleCycleMs) this.cycleAbort?.abort();
        await this.running;
      }
      if (!this.running && this.client) {
        this.clearRetry();
        this.running = this.loop();
      }
      await this.running;
    }
    return this.status();
  }

  /** Waits for the cycle in progress, if any (for an orderly close). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  rebaseLater(entity: SyncEntity, id: string): void {
    this.toRebase.set(`${entity}:${id}`, { entity, id });
  }

  status(): SyncStatus {
    const counts = this.o.store.outbox.counts();
    const st = this.o.store.state.get();
    return {
      online: this.online,
      state: this.state,
      pending: counts.pending,
      oldest_pending_at: counts.oldestPendingAt,
      attention: counts.rejected + this.o.store.notices.count(),
      last_push_at: st.lastPushAt,
      last_pull_at: st.lastPullAt,
      next_retry_at: this.nextRetryAt === null ? null : new Date(this.nextRetryAt).toISOString(),
      last_error: this.lastError,
    };
  }

  /** Emits `sync.status` when anything in it changed. */
  emitStatus(): void {
    const status = this.status();
    const text = JSON.stringify(status);
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    this.o.emit('sync.status', status);
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.cycle();
      } while (this.again && this.client && this.retryTimer === null);
    } finally {
      this.running = null;
    }
  }

  private iso = () => new Date(this.o.now()).toISOString();

  private async cycle(): Promise<void> {
    const client = this.client;
    const user = this.o.user();
    if (!client || !user) return;
    this.state = 'syncing';
    this.emitStatus();
    const abort = new AbortController();
    this.cycleAbort = abort;
    this.cycleStartedAt = this.o.now();
    const { signal } = abort;
    try {
      const { store, writer, timing } = this.o;
      const pull = () =>
        pullAll({
          client,
          store,
          writer,
          user,
          limit: timing.pullLimit,
          now: this.iso,
          signal,
          onPage: (entities) => this.o.emit('data.changed', { entities }),
        });
      const assigned: TaskRead[] = [];
      if (!this.seqChecked) {
        // First cycle of a session: learn how far the server has processed our seqs before
        // pushing (pullAll resequences), so a store restored from an older copy cannot reuse
        // seqs the server would answer "duplicate" without applying.
        assigned.push(...(await pull()).assigned);
        this.seqChecked = true;
      }
      const pushed = await pushOutbox(client, store, timing.pushBatchSize, this.iso, signal, (entity, id) => writer.rebase(entity, id, user));
      pushed.rejected.forEach((r) => this.rebaseLater(r.entity, r.id));
      if (pushed.rebased.size) this.o.emit('data.changed', { entities: [...pushed.rebased] });
      this.online = true;
      this.emitStatus();
      assigned.push(...(await pull()).assigned);
      // Rejected changes leave the view only now, on top of fully pulled server state.
      const rolledBack = this.rebasePending(user);
      if (rolledBack.length) this.o.emit('data.changed', { entities: rolledBack });
      if (assigned.length) this.o.emit('tasks.assigned', { tasks: assigned });
      if (this.o.now() - this.referenceAt >= timing.referenceRefreshMs) {
        await refreshReference(client, store, signal);
        this.referenceAt = this.o.now();
      }
      if (this.client !== client) return;
      // A poke that arrived while the pull was in flight may name a change committed after the
      // server read the page: pull once more (once: a server poking past its own head must not
      // keep us looping).
      if (this.pokedTo > store.state.get().cursor) this.again = true;
      this.pokedTo = 0;
      this.attempt = 0;
      this.lastError = null;
      this.state = 'idle';
      this.emitStatus();
      this.schedulePoll();
    } catch (err) {
      // Signed out meanwhile, or superseded by "sync now": not a failure of the API.
      if (this.client !== client || signal.aborted) return;
      this.failed(err);
    } finally {
      if (this.cycleAbort === abort) this.cycleAbort = null;
    }
  }

  /** Applies a poke's changes when they continue the store exactly (poke-apply.ts); false: pull. */
  private applyPoke(poke: PokeEvent): boolean {
    const user = this.o.user();
    if (!user || !poke.changes) return false;
    let applied: PullPageResult | null;
    try {
      applied = applyPoke(poke, { store: this.o.store, writer: this.o.writer, user, now: this.iso() });
    } catch {
      return false; // the pull will bring the same changes
    }
    if (!applied) return false;
    if (applied.entities.size) this.o.emit('data.changed', { entities: [...applied.entities] });
    if (applied.assigned.length) this.o.emit('tasks.assigned', { tasks: applied.assigned });
    this.emitStatus();
    return true;
  }

  private rebasePending(user: SessionUser): SyncEntity[] {
    if (!this.toRebase.size) return [];
    const items = [...this.toRebase.values()];
    this.toRebase.clear();
    this.o.store.tx(() => items.forEach((r) => this.o.writer.rebase(r.entity, r.id, user)));
    return [...new Set(items.map((r) => r.entity))];
  }

  private failed(err: unknown): void {
    if (err instanceof OnCallApiError && err.status === 401) {
      this.signedOut(err);
      return;
    }
    const unreachable = err instanceof OnCallNetworkError || (err instanceof OnCallApiError && UNREACHABLE_STATUSES.has(err.status));
    this.online = !unreachable;
    this.state = unreachable ? 'offline' : 'error';
    this.lastError = err instanceof Error ? err.message : String(err);
    const delay = backoffDelay(this.attempt++, this.o.timing);
    this.nextRetryAt = this.o.now() + delay;
    this.retryTimer = this.o.timing.setTimeout(() => {
      this.retryTimer = null;
      this.nextRetryAt = null;
      this.trigger('retry');
    }, delay);
    this.emitStatus();
  }

  private signedOut(err: OnCallApiError): void {
    const reason = `signed out: ${err.message} (sign in again; unsent changes are kept)`;
    this.online = true;
    this.detach(reason);
    this.o.onSignedOut(reason);
  }

  private schedulePoll(): void {
    if (this.pollTimer !== null) this.o.timing.clearTimeout(this.pollTimer);
    this.pollTimer = this.o.timing.setTimeout(() => {
      this.pollTimer = null;
      this.trigger('retry');
    }, this.o.timing.pollMs);
  }

  private clearRetry(): void {
    if (this.pollTimer !== null) this.o.timing.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    if (this.retryTimer !== null) this.o.timing.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.nextRetryAt = null;
  }
}
