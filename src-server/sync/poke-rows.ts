/**
 * Pokes that carry the changes (Zero style): after a transaction commits, each concerned stream
 * gets the records that its next pull would bring for the transaction, with the range they
 * cover, so an up-to-date desktop applies them at once instead of pulling (one round trip less
 * between a supervisor's reassignment and the agent's screen; docs/sync-protocol.md, "Pokes").
 *
 * The poke says: "of the changes you may see, those after `since` up to `cursor` are exactly
 * these (and these notices)". A desktop whose cursor is in [since, cursor) applies them and moves
 * its cursor to `cursor`; any other pulls as before. Why that holds:
 * - the organization's sequence numbers commit in order (change-log.ts, lockOrgSequence), so when
 *   a transaction covering [first, last] has committed, no change below `first` is still to come,
 *   and the rows in [first, last] are this transaction's (minus any a later one superseded: that
 *   later one pokes and delivers the record itself, as a pull would);
 * - `since` is the newest change below `first` that the user may see (the pull's own filter:
 *   organization-wide entities, or the user in the record's audience), searched back at most
 *   SINCE_WINDOW sequence numbers (with no hit, the window's start is as good a bound), and never
 *   below the horizon, where a pull would answer CURSOR_EXPIRED;
 * - each record is read now and shown as a pull shows it (sync/records.ts): an upsert when the
 *   user may see its current row, a delete otherwise; so a poke never carries a record the user
 *   may not see. The stream's role is checked against the user's current role and active flag:
 *   a stream opened under another role (or by a deactivated user) gets a bare poke and pulls,
 *   where the pull's own rules (CURSOR_EXPIRED on a role change) apply.
 * Large transactions (more than MAX_POKE_CHANGES changes or MAX_POKE_BYTES of JSON for a user)
 * get bare pokes: the pull pages them.
 */
import type { Kysely, Transaction } from 'kysely';
import { SYNC_ENTITIES, type PokeEvent, type SyncEntity } from '../../src-shared/schemas/sync';
import { literalLimit } from '../db/literal-limit';
import type { Database } from '../db/schema';
import { horizonOf } from './change-log';
import { noticesFor } from './overwrites';
import { changeFor, seenByAgent } from './change-view';
import { loadRecords, recordKey } from './records';
import { ORG_WIDE_ENTITIES, seesAll, type Viewer } from './visibility';

type Trx = Transaction<Database>;

export const MAX_POKE_CHANGES = 100;
export const MAX_POKE_BYTES = 256 * 1024;
/** how far back (in sequence numbers) `since` is searched for an agent */
export const SINCE_WINDOW = 2000;

export const viewerKey = (v: Viewer) => `${v.userId}:${v.role}`;

/**
 * The poke with rows for each viewer the organization's changes [first, last] concern, keyed by
 * `userId:role`. A viewer missing from the answer gets a bare poke (or none, if not concerned).
 */
export async function pokesWithRows(db: Kysely<Database>, organizationId: string, first: number, last: number, viewers: Viewer[]): Promise<Map<string, PokeEvent>> {
  if (!viewers.length || last < first) return new Map();
  return db.transaction().execute((trx) => pokesWithRowsIn(trx, organizationId, first, last, viewers));
}

/**
 * The same, read through `trx`: a transaction of its own after commit, or the writing
 * transaction itself just before it commits (sync/pokes.ts, PokeHub.prepare). There the rows are
 * those this transaction wrote, and the organization's sequence lock (change-log.ts) is held, so
 * every change below `first` has committed: what the poke says is what a pull will see once
 * this transaction commits (and if it does not, nobody is poked).
 */
export async function pokesWithRowsIn(trx: Trx, organizationId: string, first: number, last: number, viewers: Viewer[]): Promise<Map<string, PokeEvent>> {
  const out = new Map<string, PokeEvent>();
  if (!viewers.length || last < first) return out;
  const rows = (
    await trx
      .selectFrom('changes')
      .select(['seq', 'entity', 'entity_id', 'op'])
      .where('organization_id', '=', organizationId)
      .where('seq', '>=', first)
      .where('seq', '<=', last)
      .where('entity', 'in', SYNC_ENTITIES)
      .orderBy('seq')
      .execute()
  ).map((r) => ({ ...r, seq: Number(r.seq), entity: r.entity as SyncEntity }));
  if (!rows.length || rows.length > MAX_POKE_CHANGES) return out;

  const owned = rows.filter((r) => !ORG_WIDE_ENTITIES.includes(r.entity));
  const audience = new Map<string, Set<string>>();
  if (owned.length) {
    const ids = new Map<string, Set<string>>();
    for (const r of owned) ids.set(r.entity, (ids.get(r.entity) ?? new Set()).add(r.entity_id));
    // By entity and id: the table's primary key (entity, entity_id, user_id) finds them.
    const found = await trx
      .selectFrom('sync_audience')
      .select(['entity', 'entity_id', 'user_id'])
      .where('organization_id', '=', organizationId)
      .where((eb) => eb.or([...ids].map(([entity, of]) => eb.and([eb('entity', '=', entity), eb('entity_id', 'in', [...of])]))))
      .execute();
    for (const a of found) {
      const key = recordKey(a.entity as SyncEntity, a.entity_id);
      audience.set(key, (audience.get(key) ?? new Set()).add(a.user_id));
    }
  }
  const current = new Map(
    (
      await trx
        .selectFrom('users')
        .select(['id', 'role', 'active'])
        .where('organization_id', '=', organizationId)
        .where('id', 'in', [...new Set(viewers.map((v) => v.userId))])
        .execute()
    ).map((u) => [u.id, u]),
  );
  const records = await loadRecords(trx, organizationId, rows.filter((r) => r.op !== 'delete'));
  const horizon = await horizonOf(trx, organizationId);
  let headBelow: number | undefined;

  for (const viewer of new Map(viewers.map((v) => [viewerKey(v), v])).values()) {
    const user = current.get(viewer.userId);
    if (!user || !user.active || user.role !== viewer.role) continue;
    const concerned = seesAll(viewer)
      ? rows
      : rows.filter((r) => ORG_WIDE_ENTITIES.includes(r.entity) || audience.get(recordKey(r.entity, r.entity_id))?.has(viewer.userId));
    if (!concerned.length) continue;
    const cursor = concerned.at(-1)!.seq;
    let since: number;
    if (seesAll(viewer)) since = headBelow ??= await maxSeqBelow(trx, organizationId, first);
    else since = await newestSeenBelow(trx, organizationId, viewer.userId, first);
    since = Math.max(since, horizon);
    const notices = await noticesFor(trx, organizationId, viewer.userId, since, cursor);
    // A notice below `first` is for a change this transaction superseded: whether the desktop
    // already has it depends on its cursor, which only its pull tells. Rare: pull then.
    if (notices.some((n) => n.seq < first)) continue;
    const poke: PokeEvent = {
      cursor,
      since,
      changes: concerned.map((r) => changeFor(viewer, r, records.get(recordKey(r.entity, r.entity_id)))),
      notices,
    };
    if (JSON.stringify(poke).length <= MAX_POKE_BYTES) out.set(viewerKey(viewer), poke);
  }
  return out;
}

async function maxSeqBelow(trx: Trx, organizationId: string, below: number): Promise<number> {
  const row = await trx
    .selectFrom('changes')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('organization_id', '=', organizationId)
    .where('seq', '<', below)
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/**
 * The newest change below `below` that an agent's pull would bring (the pull's filter, sync/pull.ts),
 * looked for in the last SINCE_WINDOW sequence numbers; none there: the window's start.
 */
async function newestSeenBelow(trx: Trx, organizationId: string, userId: string, below: number): Promise<number> {
  const floor = Math.max(0, below - 1 - SINCE_WINDOW);
  const row = await trx
    .selectFrom('changes')
    .select('seq')
    .where('organization_id', '=', organizationId)
    .where('seq', '<', below)
    .where('seq', '>', floor)
    .where('entity', 'in', SYNC_ENTITIES)
    .where(seenByAgent(userId))
    .orderBy('seq', 'desc')
    .limit(literalLimit(1))
    .executeTakeFirst();
  return row ? Number(row.seq) : floor;
}
