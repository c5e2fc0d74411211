/**
 * The organization's change log that pulls follow. One row per entity: writing a change deletes
 * the entity's older rows, so a fresh pull costs O(entities), not O(history). Alongside it, the
 * entity's audience (every non-supervisor who may ever have seen it) only grows, so someone who
 * loses sight of a record is still reached, and told to delete it.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { isPostgres } from '../db/dialect';
import type { Database } from '../db/schema';
import type { ChangeRecord } from '../domain/mutation';
import type { Actor } from '../domain/actor';
import type { CommittedChange, ServerContext } from '../domain/server-context';
import { chunked, groupedBy } from '../db/chunks';
import { insertRows } from '../db/bulk-insert';
import { recordKey } from './records';
import { ORG_WIDE_ENTITIES, ownersOf } from './visibility';

type Db = Kysely<Database> | Transaction<Database>;

/** The owners of a change's record before and after it, or null if everyone sees it. */
function ownersAcross(change: ChangeRecord): string[] | null {
  const before = ownersOf(change.entity, change.before);
  const after = ownersOf(change.entity, change.after);
  if (before === null || after === null) return null;
  return [...new Set([...before, ...after])];
}

/**
 * Makes this transaction the organization's only writer of change-log rows until it commits, so
 * that the organization's sequence numbers become visible in the order they were drawn: a pull
 * can never see seq 12 committed while seq 11 is still to come, and move its cursor past it
 * (docs/sync-protocol.md, "the change sequence"). The lock is the organization's row in sync_orgs,
 * taken by a no-op upsert, and held to commit. SQLite has one writer at a time already.
 */
export async function lockOrgSequence(trx: Transaction<Database>, organizationId: string, now: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await trx
    .insertInto('sync_orgs')
    .values({ organization_id: organizationId, horizon_seq: 0, updated_at: now })
    .onConflict((oc) => oc.column('organization_id').doUpdateSet((eb) => ({ horizon_seq: eb.ref('sync_orgs.horizon_seq') })))
    .execute();
}

/**
 * Writes the change-log rows for changes recorded by mutate() (inside its transaction), a push
 * batch's worth at a time: one row per record (its last change: a record's older rows would be
 * pruned anyway), one multi-row insert, one prune per entity type, and the audience (the union
 * of the record's owners across its changes) written and read back in one statement each.
 */
export async function appendSyncChanges(
  trx: Transaction<Database>,
  organizationId: string,
  changes: readonly ChangeRecord[],
  now: string,
): Promise<CommittedChange[]> {
  if (!changes.length) return [];
  const records = new Map<string, { entity: string; entityId: string; op: 'delete' | 'upsert'; owners: Set<string> | null; created: boolean }>();
  for (const change of changes) {
    const key = recordKey(change.entity, change.entityId);
    const earlier = records.get(key);
    const owners = ownersAcross(change);
    // Re-inserted so that the map's order is the order of each record's last change.
    records.delete(key);
    records.set(key, {
      entity: change.entity,
      entityId: change.entityId,
      op: change.action === 'delete' ? 'delete' : 'upsert',
      owners: owners === null || earlier?.owners === null ? null : new Set([...(earlier?.owners ?? []), ...owners]),
      created: earlier ? earlier.created : change.action === 'create',
    });
  }
  const list = [...records.values()];

  // Before the seqs are drawn: see lockOrgSequence.
  await lockOrgSequence(trx, organizationId, now);
  const seqOf = new Map<string, number>();
  const inserted = await insertRows<'changes', { seq: number | string; entity: string; entity_id: string }>(
    trx,
    'changes',
    list.map((r) => ({ organization_id: organizationId, entity: r.entity, entity_id: r.entityId, op: r.op, created_at: now })),
    { returning: ['seq', 'entity', 'entity_id'] },
  );
  for (const row of inserted) seqOf.set(recordKey(row.entity, row.entity_id), Number(row.seq));
  // Every older row of these records was drawn before this call's first seq.
  const first = Math.min(...seqOf.values());
  const byEntity = groupedBy(list, (r) => r.entity, (r) => r.entityId);
  for (const [entity, ids] of byEntity) {
    for (const part of chunked(ids)) {
      await trx
        .deleteFrom('changes')
        .where('organization_id', '=', organizationId)
        .where('entity', '=', entity)
        .where('entity_id', 'in', part)
        .where('seq', '<', first)
        .execute();
    }
  }

  const owned = list.filter((r) => r.owners !== null);
  const audienceRows = owned.flatMap((r) => [...r.owners!].map((userId) => ({ entity: r.entity, entity_id: r.entityId, user_id: userId, organization_id: organizationId })));
  await insertRows(trx, 'sync_audience', audienceRows, { ignoreConflicts: true });
  // A record created by these changes has no audience but the owners just written: a create is
  // refused for an id the organization has (the rulebook), and records are never deleted, so
  // no earlier row can exist. The others' audiences are read back (a push batch of creates
  // reads none).
  const audiences = new Map<string, string[]>(owned.map((r) => [recordKey(r.entity, r.entityId), r.created ? [...r.owners!] : []]));
  const toRead = new Set(owned.filter((r) => !r.created).map((r) => recordKey(r.entity, r.entityId)));
  for (const [entity, ids] of byEntity) {
    for (const part of chunked(ids.filter((id) => toRead.has(recordKey(entity, id))))) {
      const rows = await trx
        .selectFrom('sync_audience')
        .select(['entity_id', 'user_id'])
        .where('organization_id', '=', organizationId)
        .where('entity', '=', entity)
        .where('entity_id', 'in', part)
        .execute();
      for (const row of rows) audiences.get(recordKey(entity, row.entity_id))!.push(row.user_id);
    }
  }

  return list.map((r) => {
    const key = recordKey(r.entity, r.entityId);
    return { organizationId, seq: seqOf.get(key)!, entity: r.entity, entityId: r.entityId, audience: audiences.get(key) ?? null };
  });
}

/** Source table and owner columns of each synced entity, in the order a fresh store wants them. */
const TABLES = [
  { entity: 'user', table: 'users', owners: [] },
  { entity: 'patient', table: 'patients', owners: [] },
  { entity: 'schedule', table: 'schedules', owners: [] },
  { entity: 'call', table: 'calls', owners: ['agent_id'] },
  { entity: 'task', table: 'tasks', owners: ['assignee_id', 'created_by'] },
] as const;

/**
 * Gives every record of the organization that has no change row one (with its audience).
 * Records written outside mutate(), i.e. seeded or imported ones, become pullable this way.
 * Run before every fresh pull: it costs what that pull costs anyway, O(entities).
 */
export async function backfillChangeLog(db: Kysely<Database>, organizationId: string, now: string): Promise<void> {
  const unlogged = (entity: string) => sql`t.organization_id = ${organizationId} AND NOT EXISTS (
    SELECT 1 FROM changes c WHERE c.organization_id = t.organization_id AND c.entity = ${entity} AND c.entity_id = t.id)`;
  // Read first: in the steady state nothing is missing and a fresh pull takes no write lock.
  const missing: Array<(typeof TABLES)[number]> = [];
  for (const source of TABLES) {
    const found = await sql`SELECT 1 FROM ${sql.table(source.table)} t WHERE ${unlogged(source.entity)} LIMIT 1`.execute(db);
    if (found.rows.length) missing.push(source);
  }
  if (!missing.length) return;
  await db.transaction().execute(async (trx) => {
    await lockOrgSequence(trx, organizationId, now);
    for (const { entity, table, owners } of missing) {
      if (!ORG_WIDE_ENTITIES.includes(entity)) {
        for (const column of owners) {
          await sql`INSERT INTO sync_audience (entity, entity_id, user_id, organization_id)
            SELECT ${entity}, t.id, t.${sql.ref(column)}, t.organization_id FROM ${sql.table(table)} t
            WHERE t.${sql.ref(column)} IS NOT NULL AND ${unlogged(entity)}
            ON CONFLICT DO NOTHING`.execute(trx);
        }
      }
      await sql`INSERT INTO changes (organization_id, entity, entity_id, op, created_at)
        SELECT t.organization_id, ${entity}, t.id, 'upsert', ${now} FROM ${sql.table(table)} t
        WHERE ${unlogged(entity)} ORDER BY t.created_at, t.id`.execute(trx);
    }
  });
}

export async function horizonOf(db: Db, organizationId: string): Promise<number> {
  const row = await db.selectFrom('sync_orgs').select('horizon_seq').where('organization_id', '=', organizationId).executeTakeFirst();
  return row ? Number(row.horizon_seq) : 0;
}

/** The latest change sequence of the organization (0 before its first change). */
export async function headOf(db: Db, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('changes')
    .select((eb) => eb.fn.max('seq').as('head'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return Number(row?.head ?? 0);
}

/**
 * Drops tombstones older than the retention and moves the horizon past them: a client whose
 * cursor is older may have missed a delete, so it must rebuild (CURSOR_EXPIRED).
 */
export async function pruneTombstones(db: Kysely<Database>, organizationId: string, olderThan: string, now: string): Promise<void> {
  const old = (qb: Db) =>
    qb
      .selectFrom('changes')
      .select((eb) => eb.fn.max('seq').as('last'))
      .where('organization_id', '=', organizationId)
      .where('op', '=', 'delete')
      .where('created_at', '<', olderThan)
      .executeTakeFirst();
  // Indexed and almost always empty: checked before taking a write lock.
  if ((await old(db))?.last == null) return;
  await db.transaction().execute(async (trx) => {
    const last = Number((await old(trx))?.last ?? 0);
    if (!last) return;
    await trx
      .deleteFrom('changes')
      .where('organization_id', '=', organizationId)
      .where('op', '=', 'delete')
      .where('seq', '<=', last)
      .execute();
    const horizon = Math.max(last, await horizonOf(trx, organizationId));
    // A cursor below the horizon rebuilds from 0, which brings no notices: theirs are moot.
    await trx.deleteFrom('sync_notices').where('organization_id', '=', organizationId).where('seq', '<=', horizon).execute();
    await trx
      .insertInto('sync_orgs')
      .values({ organization_id: organizationId, horizon_seq: horizon, updated_at: now })
      .onConflict((oc) => oc.column('organization_id').doUpdateSet({ horizon_seq: horizon, updated_at: now }))
      .execute();
  });
}

/** Whether the user ever owned the entity (its sync audience only grows). */
export async function wasInAudience(ctx: ServerContext, actor: Actor, entity: string, entityId: string): Promise<boolean> {
  if (!actor.userId) return false;
  const row = await ctx.db
    .selectFrom('sync_audience')
    .select('user_id')
    .where('entity', '=', entity)
    .where('entity_id', '=', entityId)
    .where('user_id', '=', actor.userId)
    .where('organization_id', '=', actor.organizationId)
    .executeTakeFirst();
  return row !== undefined;
}
