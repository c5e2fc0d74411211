/**
 * `POST /sync/push`: applies a client's mutations in seq order, each at most once.
 *
 * One database transaction per batch, one savepoint per mutation. A mutation's effect is written
 * inside its savepoint (rolled back if the mutation is refused); its audit entry, change-log row
 * and "processed" record (sync_mutations + the client's last_mutation_seq) are kept in memory and
 * written for the whole batch at its end, in the same transaction, so they stand or fall with the
 * effects: the batch commits once, a crash or a lost response before that leaves nothing behind,
 * and a retry applies the batch again. A replayed mutation finds its seq already consumed and
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
import { Mutation } from '../domain/mutation';
import { SettingsCache } from '../domain/rulebook';
import type { ServerContext } from '../domain/server-context';
import { ApiError } from '../http/api-error';
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

/** Runs `fn` inside a savepoint of `trx`: released on success, rolled back (and the error rethrown) on failure. */
async function inSavepoint<T>(trx: Trx, name: string, fn: () => Promise<T>): Promise<T> {
  await trx.savepoint(name).execute();
  try {
    const value = await fn();
    await trx.releaseSavepoint(name).execute();
    return value;
  } catch (err) {
    await trx.rollbackToSavepoint(name).execute();
    await trx.releaseSavepoint(name).execute();
    throw err;
  }
}

class BatchRunner {
  readonly results: PushResult[] = [];
  /** the applied and rejected mutations, recorded together at the end of the batch */
  private readonly outcomes: Outcome[] = [];
  private readonly settings = new SettingsCache();
  /** the batch's mutation ids processed before (read in one query), and those processed in this batch */
  private known = new Map<string, { status: 'applied' | 'rejected'; error?: PushResult['error'] }>();
  /** the client's last processed seq before this batch */
  readonly first: number;

  async prefetch(mutations: PushMutation[]): Promise<void> {
    this.known = await recordedOutcomes(this.trx, mutations.filter((m) => m.seq > this.last).map((m) => m.id));
  }

  constructor(
    private readonly trx: Trx,
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
      await inSavepoint(trx, `m${m.seq}`, () => applyMutator(mutation, m.name, m.args, this.settings));
      this.settle(m, { status: 'applied' });
      this.results.push({ seq: m.seq, status: 'applied' });
    } catch (err) {
      mutation.rollbackTo(mark);
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

      const trx = (await ctx.db.startTransaction().execute()) as unknown as Trx;
      const mutation = new Mutation(trx, actor, ctx.now().toISOString());
      let stopped: unknown = null;
      let batch: BatchRunner;
      try {
        // One push per client across every instance (oneAtATime covers this process only): a
        // retry sent to another instance waits here, then reads how far the first one got.
        await lockSyncClient(trx, client.client_id);
        last = await lastMutationSeq(trx, client.client_id);
        const first = body.mutations[0]!;
        if (first.seq > last + 1) {
          throw new ApiError('SEQUENCE_GAP', `expected seq ${last + 1} next, got ${first.seq}`, { last_mutation_seq: last });
        }
        batch = new BatchRunner(trx, mutation, client.client_id, last);
        await batch.prefetch(body.mutations);
        for (const m of body.mutations) {
          try {
            await batch.run(m);
          } catch (err) {
            stopped = err;
            break;
          }
        }
        await batch.record();
        await mutation.beforeCommit(ctx);
        await trx.commit().execute();
      } catch (err) {
        await trx.rollback().execute().catch(() => undefined);
        throw err; // nothing of this batch committed: `last` is still the client's seq before it
      }
      last = batch.last;
      mutation.announce(ctx);
      if (stopped) throw new PushInterrupted(stopped, last, batch.results);
      return { last_mutation_seq: last, results: batch.results };
    } catch (err) {
      if (err instanceof PushInterrupted) throw err;
      if (err instanceof ApiError && err.statusCode < 500) throw err;
      throw new PushInterrupted(err, last, []);
    }
  });
}
