/**
 * `POST /sync/push`: applies a client's mutations in seq order, each at most once.
 *
 * One database transaction per batch, one savepoint per mutation. A mutation's changes to
 * existing records are written inside its savepoint (rolled back if the mutation is refused);
 * the rows it creates, its audit entry, change-log row and "processed" record (sync_mutations +
 * the client's last_mutation_seq) are kept in memory and written for the whole batch at its end
 * (or before anything reads them), in the same transaction, so they stand or fall with the
 * effects: the batch commits once, a crash or a lost response before that leaves nothing behind,
 * and a retry applies the batch again. The ids of the batch's creates are checked in one query
 * up front. A replayed mutation finds its seq already consumed and
 * answers "duplicate" (or "rejected" again, with the same error, for a mutation that was refused:
 * a lost answer must not turn a refusal into a silent drop).
 *
 * Never deadlocks: a mutation that can never apply (validation, permission, missing record,
 * status machine, conflict) is rolled back to its savepoint, "rejected", and still consumes its
 * seq. A transient failure (database busy) stops the batch there: what came before commits, the
 * failing mutation and the rest are not consumed and the client retries them later.
 */
import type { ControlledTransaction } from 'kysely';
import { SUPPORTED_SCHEMA_VERSIONS, SYNC_SCHEMA_VERSION, type PushMutation, type PushRequest, type PushResponse, type PushResult } from '../../src-shared/schemas/sync';
import type { Database } from '../db/schema';
import type { Actor } from '../domain/actor';
import { DeferredInsertFailed, Mutation } from '../domain/mutation';
import { existingRecords, SettingsCache } from '../domain/rulebook';
import { entityOf, isCreate, type RuleEntity } from '../../src-shared/mutators';
import type { PreparedPokes, ServerContext } from '../domain/server-context';
import { ApiError } from '../http/api-error';
import { lazySavepointsOf, type LazySavepoints } from '../db/lazy-savepoint';
import { lockSyncClient } from '../db/locks';
import { bindClient, lastMutationSeq, oneAtATime, recordedOutcome, recordedOutcomes, recordOutcomes, Superseded, type Outcome } from './clients';
import { busy, isTransient, permanentError } from './failures';
import { applyMutator } from './mutators';

/** Stops the batch: what was applied stays applied, the rest is retried by the client. */
export class PushInterrupted extends ApiError {
  constructor(
    readonly reason: unknown,
    lastMutationSeq: number,
    results: PushResult[],
  ) {
    const transient = isTransient(reason);
    super(
      transient ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR',
      transient ? 'the server is busy: retry the remaining mutations later' : 'internal server error: retry the remaining mutations later',
      { last_mutation_seq: lastMutationSeq, results },
    );
  }
  get transient() {
    return this.code === 'SERVICE_UNAVAILABLE';
  }
}

type Trx = ControlledTransaction<Database, string[]>;

/** A replay is answered "duplicate", except that a rejection is answered again as such, with its error. */
function replayed(seq: number, earlier: Awaited<ReturnType<typeof recordedOutcome>>): PushResult {
  if (earlier?.status === 'rejected') return { seq, status: 'rejected', ...(earlier.error ? { error: earlier.error } : {}) };
  return { seq, status: 'duplicate' };
}

function assertConsecutive(mutations: PushMutation[]) {
  mutations.forEach((m, i) => {
    if (i > 0 && m.seq !== mutations[i - 1]!.seq + 1) {
      throw new ApiError('VALIDATION_FAILED', 'validation failed', {
        [`mutations.${i}.seq`]: `must be ${mutations[i - 1]!.seq + 1}: seq increases by one from mutation to mutation`,
      });
    }
  });
}

class BatchRunner {
  readonly results: PushResult[] = [];
  /** the applied and rejected mutations, recorded together at the end of the batch */
  private readonly outcomes: Outcome[] = [];
  private readonly settings = new SettingsCache();
  /** whether the ids of the batch's creates existed before it (one query per table) */
  private existing = new Map<string, boolean>();
  /** the batch's mutation ids processed before (read in one query), and those processed in this batch */
  private known = new Map<string, { status: 'applied' | 'rejected'; error?: PushResult['error'] }>();
  /** the client's last processed seq before this batch */
  readonly first: number;

  async prefetch(mutations: PushMutation[]): Promise<void> {
    const unseen = mutations.filter((m) => m.seq > this.last);
    this.known = await recordedOutcomes(this.trx, unseen.map((m) => m.id));
    const creates = unseen.flatMap((m): Array<[RuleEntity, string]> => {
      const id = (m.args as { id?: unknown } | null)?.id;
      return isCreate(m.name) && typeof id === 'string' ? [[entityOf(m.name), id]] : [];
    });
    this.existing = await existingRecords(this.trx, this.mutation.actor.organizationId, creates);
  }

  constructor(
    private readonly trx: Trx,
    /** each mutation's savepoint, taken only if it runs a statement (a deferred create runs none) */
    private readonly savepoints: LazySavepoints,
    private readonly mutation: Mutation,
    private readonly clientId: string,
    public last: number,
  ) {
    this.first = last;
  }

  /** One mutation; throws only for a failure that is not the mutation's fault (stops the batch). */
  async run(m: PushMutation): Promise<void> {
    const { trx, mutation } = this;
    if (m.seq <= this.last) {
      this.results.push(replayed(m.seq, await recordedOutcome(trx, m.id)));
      return;
    }
    // The same mutation id under a new seq (a client that renumbered its outbox): consume the seq.
    const earlier = this.known.get(m.id);
    if (earlier) {
      this.results.push(replayed(m.seq, earlier));
      this.last = m.seq;
      return;
    }
    const mark = mutation.mark();
    try {
      await this.savepoints.run(() => applyMutator(mutation, m.name, m.args, { settings: this.settings, existing: this.existing }));
      this.settle(m, { status: 'applied' });
      this.results.push({ seq: m.seq, status: 'applied' });
    } catch (err) {
      mutation.rollbackTo(mark);
      if (err instanceof DeferredInsertFailed) throw err;
      const rejection = permanentError(err);
      if (!rejection) throw err;
      const error = rejection.toBody().error;
      this.settle(m, { status: 'rejected', error });
      this.results.push({ seq: m.seq, status: 'rejected', error });
    }
  }

  private settle(m: PushMutation, outcome: { status: 'applied' | 'rejected'; error?: PushResult['error'] }): void {
    this.known.set(m.id, outcome);
    this.outcomes.push({ mutation: m, ...outcome });
    this.last = m.seq;
  }

  /** Writes the batch's journal and outcomes; the caller commits. */
  async record(): Promise<void> {
    await this.mutation.flush();
    try {
      await recordOutcomes(this.trx, this.clientId, this.first, this.last, this.outcomes, this.mutation.now);
    } catch (err) {
      // Another push of this client recorded first (impossible while its lock is held): nothing
      // of this batch commits, and the client's retry is answered from what that push recorded.
      throw err instanceof Superseded ? busy() : err;
    }
  }
}

export async function push(ctx: ServerContext, actor: Actor, body: PushRequest): Promise<PushResponse> {
  if (!SUPPORTED_SCHEMA_VERSIONS.includes(body.schema_version)) {
    throw new ApiError('BAD_REQUEST', `schema_version ${body.schema_version} is not supported: update the desktop app`, {
      schema_version: `supported: ${SUPPORTED_SCHEMA_VERSIONS.join(', ')} (current ${SYNC_SCHEMA_VERSION})`,
    });
  }
  assertConsecutive(body.mutations);

  return oneAtATime(body.client_id, async () => {
    let last = 0;
    try {
      const client = await bindClient(ctx.db, actor, body.client_id, ctx.now().toISOString());
      last = client.last_mutation_seq;
      if (!body.mutations.length) return { last_mutation_seq: last, results: [] };
      // Created rows are written together at the batch's end; should that write fail (a
      // constraint no rule checks), the batch runs again writing each one at once, so the
      // failure is pinned on its own mutation and the batch never jams the client's outbox.
      let committed: { batch: BatchRunner; stopped: unknown };
      try {
        committed = await runBatch(ctx, actor, client.client_id, body.mutations, true);
      } catch (err) {
        if (!(err instanceof DeferredInsertFailed)) throw err;
        committed = await runBatch(ctx, actor, client.client_id, body.mutations, false);
      }
      const { batch, stopped } = committed;
      last = batch.last;
      if (stopped) throw new PushInterrupted(stopped, last, batch.results);
      return { last_mutation_seq: last, results: batch.results };
    } catch (err) {
      if (err instanceof PushInterrupted) throw err;
      if (err instanceof ApiError && err.statusCode < 500) throw err;
      throw new PushInterrupted(err, last, []);
    }
  });
}

/** One transaction: the batch's mutations in order, their journal and outcomes, commit, announce. */
async function runBatch(ctx: ServerContext, actor: Actor, clientId: string, mutations: PushMutation[], deferInserts: boolean) {
  const trx = (await ctx.db.startTransaction().execute()) as unknown as Trx;
  const mutation = new Mutation(trx, actor, ctx.now().toISOString(), { deferInserts });
  let stopped: unknown = null;
  let batch: BatchRunner;
  let pokes: PreparedPokes | undefined;
  try {
    // One push per client across every instance (oneAtATime covers this process only): a
    // retry sent to another instance waits here, then reads how far the first one got.
    await lockSyncClient(trx, clientId);
    const last = await lastMutationSeq(trx, clientId);
    const first = mutations[0]!;
    if (first.seq > last + 1) {
      throw new ApiError('SEQUENCE_GAP', `expected seq ${last + 1} next, got ${first.seq}`, { last_mutation_seq: last });
    }
    batch = new BatchRunner(trx, await lazySavepointsOf(trx), mutation, clientId, last);
    await batch.prefetch(mutations);
    for (const m of mutations) {
      try {
        await batch.run(m);
      } catch (err) {
        if (err instanceof DeferredInsertFailed) throw err;
        stopped = err;
        break;
      }
    }
    await batch.record();
    await mutation.beforeCommit(ctx);
    // What the pokes carry is read now, so that they leave the moment the commit is announced.
    pokes = await ctx.notifier.preparePokes?.(trx, mutation.committed, clientId);
    await trx.commit().execute();
  } catch (err) {
    await trx.rollback().execute().catch(() => undefined);
    throw err; // nothing of this batch committed: the client's seq is still the one before it
  }
  mutation.announce(ctx, pokes);
  return { batch, stopped };
}
