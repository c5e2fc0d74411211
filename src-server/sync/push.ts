/**
 * `POST /sync/push`: applies a client's mutations in seq order, each at most once.
 *
 * Exactly once: a mutation's "processed" record (sync_mutations + the client's last_mutation_seq)
 * is written by a hook inside the very transaction of the service's mutate(), so the effect and
 * its record commit or roll back together; a retry after a crash or a lost response finds the
 * seq already consumed and answers "duplicate" (or "rejected" again, with the same error, for a
 * mutation that was refused: a lost answer must not turn a refusal into a silent drop). A mutation that changes nothing, or is rejected,
 * has no effect to protect and is recorded in its own transaction.
 *
 * Never deadlocks: a mutation that can never apply (validation, permission, missing record,
 * status machine, conflict) is "rejected" and still consumes its seq. A transient failure
 * (database busy) stops the batch without consuming it: the client retries later.
 */
import {
  SYNC_SCHEMA_VERSION,
  type PushMutation,
  type PushRequest,
  type PushResponse,
  type PushResult,
} from '../../src-shared/schemas/sync';
import type { Actor } from '../domain/actor';
import { withMutationHook, type MutationHook } from '../domain/mutation';
import type { ServerContext } from '../domain/server-context';
import { ApiError } from '../http/api-error';
import { bindClient, oneAtATime, recordedOutcome, recordOutcome, Superseded } from './clients';
import { isTransient, permanentError } from './failures';
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

async function recordAlone(ctx: ServerContext, clientId: string, m: PushMutation, outcome: Parameters<typeof recordOutcome>[3]) {
  await ctx.db.transaction().execute((trx) => recordOutcome(trx, clientId, m, outcome, ctx.now().toISOString()));
}

async function processMutation(ctx: ServerContext, actor: Actor, clientId: string, m: PushMutation): Promise<PushResult> {
  const applied: PushResult = { seq: m.seq, status: 'applied' };
  try {
    // The same mutation id under a new seq (a client that renumbered its outbox): consume the seq.
    const earlier = await recordedOutcome(ctx.db, m.id);
    if (earlier) {
      await recordAlone(ctx, clientId, m, { status: 'duplicate' });
      return replayed(m.seq, earlier);
    }
    const hook: MutationHook = {
      committed: false,
      run: (tx) => recordOutcome(tx.trx, clientId, m, { status: 'applied' }, tx.now),
    };
    try {
      await withMutationHook(hook, () => applyMutator(ctx, actor, m.name, m.args));
    } catch (err) {
      // The effect and its record committed; only something after it (a read-back) failed.
      if (hook.committed) return applied;
      const rejection = permanentError(err);
      if (!rejection) throw err;
      const error = rejection.toBody().error;
      await recordAlone(ctx, clientId, m, { status: 'rejected', error });
      return { seq: m.seq, status: 'rejected', error };
    }
    // The service wrote nothing (e.g. an update to the values already there).
    if (!hook.committed) await recordAlone(ctx, clientId, m, { status: 'applied' });
    return applied;
  } catch (err) {
    if (err instanceof Superseded) return replayed(m.seq, await recordedOutcome(ctx.db, m.id));
    throw err;
  }
}

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

export async function push(ctx: ServerContext, actor: Actor, body: PushRequest): Promise<PushResponse> {
  if (body.schema_version !== SYNC_SCHEMA_VERSION) {
    throw new ApiError('BAD_REQUEST', `schema_version ${body.schema_version} is not supported`, {
      schema_version: `supported: ${SYNC_SCHEMA_VERSION}`,
    });
  }
  assertConsecutive(body.mutations);

  return oneAtATime(body.client_id, async () => {
    const results: PushResult[] = [];
    let last = 0;
    try {
      const client = await bindClient(ctx.db, actor, body.client_id, ctx.now().toISOString());
      last = client.last_mutation_seq;
      const first = body.mutations[0];
      if (first && first.seq > last + 1) {
        throw new ApiError('SEQUENCE_GAP', `expected seq ${last + 1} next, got ${first.seq}`, { last_mutation_seq: last });
      }
      for (const m of body.mutations) {
        if (m.seq <= last) {
          results.push(replayed(m.seq, await recordedOutcome(ctx.db, m.id)));
          continue;
        }
        results.push(await processMutation(ctx, actor, client.client_id, m));
        last = m.seq;
      }
      return { last_mutation_seq: last, results };
    } catch (err) {
      if (err instanceof ApiError && err.statusCode < 500) throw err;
      throw new PushInterrupted(err, last, results);
    }
  });
}
