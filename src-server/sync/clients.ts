/**
 * Desktop clients of the sync protocol: bound to the user who first used their id, with the
 * seq of the last mutation processed. Advancing that seq is conditional on its current value,
 * so a batch can be recorded once only even if two pushes of the same client race (on
 * another API instance, too): the loser learns it was `Superseded`.
 */
import type { Kysely, Transaction } from 'kysely';
import type { ErrorObject } from '../../src-shared/schemas/errors';
import type { PushMutation } from '../../src-shared/schemas/sync';
import type { Database } from '../db/schema';
import { insertRows } from '../db/bulk-insert';
import { requireUser, type Actor } from '../domain/actor';
import { forbidden } from '../http/api-error';

export interface SyncClient {
  client_id: string;
  organization_id: string;
  user_id: string;
  role: string;
  last_mutation_seq: number;
}

/** Another push of this client already processed the mutation: report it as a duplicate. */
export class Superseded extends Error {}

const COLUMNS = ['client_id', 'organization_id', 'user_id', 'role', 'last_mutation_seq'] as const;

async function findClient(db: Kysely<Database> | Transaction<Database>, clientId: string): Promise<SyncClient | undefined> {
  const row = await db.selectFrom('sync_clients').select(COLUMNS).where('client_id', '=', clientId).executeTakeFirst();
  return row && { ...row, last_mutation_seq: Number(row.last_mutation_seq) };
}

/**
 * The client, registered to the signed-in user on first use. A client id in use by anyone
 * else answers 403, whichever organization it belongs to: a client id is not a credential,
 * but it must not let one user advance or read another's queue position.
 */
export async function bindClient(db: Kysely<Database>, actor: Actor, clientId: string, now: string): Promise<SyncClient> {
  const userId = requireUser(actor);
  let client = await findClient(db, clientId);
  if (!client) {
    await db
      .insertInto('sync_clients')
      .values({
        client_id: clientId,
        organization_id: actor.organizationId,
        user_id: userId,
        role: actor.role,
        last_mutation_seq: 0,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('client_id').doNothing())
      .execute();
    client = (await findClient(db, clientId))!;
  }
  if (client.user_id !== userId || client.organization_id !== actor.organizationId) {
    throw forbidden('this client_id belongs to another user');
  }
  return client;
}

export async function lastMutationSeq(db: Kysely<Database> | Transaction<Database>, clientId: string): Promise<number> {
  return (await findClient(db, clientId))?.last_mutation_seq ?? 0;
}

/** A rebuilt store (cursor 0) is built under the user's current role. */
export async function setClientRole(db: Kysely<Database>, clientId: string, role: string, now: string): Promise<void> {
  await db.updateTable('sync_clients').set({ role, updated_at: now }).where('client_id', '=', clientId).execute();
}

/** How one mutation of a push was answered, kept until the batch records its outcomes. */
export interface Outcome {
  mutation: PushMutation;
  status: 'applied' | 'rejected';
  error?: ErrorObject;
}

/**
 * Records that the client's mutations after `from` up to `to` have been processed (in the
 * transaction that applied them, so the effects and the record commit together): the client's
 * last_mutation_seq moves from `from` to `to`, and each applied or rejected mutation id is
 * remembered with its answer (a `duplicate`, a mutation id seen before under another seq, only
 * consumed its seq). Throws Superseded if the client is no longer at `from`: another push of
 * this client got there first, and this batch must not commit.
 */
export async function recordOutcomes(
  trx: Transaction<Database>,
  clientId: string,
  from: number,
  to: number,
  outcomes: readonly Outcome[],
  now: string,
): Promise<void> {
  if (to === from) return;
  const moved = await trx
    .updateTable('sync_clients')
    .set({ last_mutation_seq: to, updated_at: now })
    .where('client_id', '=', clientId)
    .where('last_mutation_seq', '=', from)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new Superseded();
  await insertRows(
    trx,
    'sync_mutations',
    outcomes.map((o) => ({
      mutation_id: o.mutation.id,
      client_id: clientId,
      seq: o.mutation.seq,
      name: o.mutation.name,
      status: o.status,
      error: o.error ? JSON.stringify(o.error) : null,
      created_at: now,
    })),
  );
}

/**
 * How a mutation id was answered the first time, if it was processed before. A replay must get
 * the same answer: were a rejection replayed as a plain "duplicate", a client whose first answer
 * got lost would drop the refused change as if it had been applied.
 */
export async function recordedOutcome(
  db: Kysely<Database>,
  mutationId: string,
): Promise<{ status: 'applied' | 'rejected'; error?: ErrorObject } | undefined> {
  const row = await db.selectFrom('sync_mutations').select(['status', 'error']).where('mutation_id', '=', mutationId).executeTakeFirst();
  if (!row) return undefined;
  if (row.status !== 'rejected') return { status: 'applied' };
  return { status: 'rejected', ...(row.error ? { error: JSON.parse(row.error) as ErrorObject } : {}) };
}

/** `recordedOutcome` for a whole push batch in one query: the ids processed before, with their answer. */
export async function recordedOutcomes(
  db: Kysely<Database>,
  mutationIds: string[],
): Promise<Map<string, { status: 'applied' | 'rejected'; error?: ErrorObject }>> {
  const found = new Map<string, { status: 'applied' | 'rejected'; error?: ErrorObject }>();
  if (!mutationIds.length) return found;
  const rows = await db.selectFrom('sync_mutations').select(['mutation_id', 'status', 'error']).where('mutation_id', 'in', mutationIds).execute();
  for (const row of rows) {
    found.set(
      row.mutation_id,
      row.status !== 'rejected' ? { status: 'applied' } : { status: 'rejected', ...(row.error ? { error: JSON.parse(row.error) as ErrorObject } : {}) },
    );
  }
  return found;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs one push per client at a time in this process, so a retry waits for the original. */
export async function oneAtATime<T>(clientId: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(clientId) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(clientId, tail);
  try {
    return await run;
  } finally {
    if (queues.get(clientId) === tail) queues.delete(clientId);
  }
}
