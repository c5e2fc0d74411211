/**
 * `GET /sync/pull`: the changes the user may see since their cursor, in change-log order, read
 * in one transaction so a page is a consistent snapshot. A change carries the record's current
 * state (the log keeps one row per record, its latest), or a delete when the record is gone or
 * no longer visible to this user (e.g. a task reassigned away from them).
 */
import { SYNC_ENTITIES, type Change, type PullQuery, type PullResponse, type SyncEntity } from '../../src-shared/schemas/sync';
import { requireUser, type Actor } from '../domain/actor';
import type { ServerContext } from '../domain/server-context';
import { readRows, rowReader } from '../db/array-rows';
import { literalLimit } from '../db/literal-limit';
import { ApiError } from '../http/api-error';
import { backfillChangeLog, headOf, horizonOf, pruneTombstones } from './change-log';
import { changeFor, seenByAgent } from './change-view';
import { bindClient, lastMutationSeq, setClientRole } from './clients';
import { noticesFor } from './overwrites';
import { loadRecords, recordKey } from './records';
import { seesAll, type Viewer } from './visibility';

const DAY_MS = 86_400_000;

const changeRows = rowReader<{ seq: number; entity: SyncEntity; entity_id: string; op: string }>(['seq', 'entity', 'entity_id', 'op']);

function cursorExpired(reason: string, horizon: number): ApiError {
  return new ApiError('CURSOR_EXPIRED', `the cursor can no longer be continued (${reason}): push your outbox, then pull from cursor 0`, {
    reason,
    horizon,
  });
}

export async function pull(ctx: ServerContext, actor: Actor, query: PullQuery): Promise<PullResponse> {
  const viewer: Viewer = { userId: requireUser(actor), role: actor.role };
  const org = actor.organizationId;
  const now = ctx.now();
  const nowIso = now.toISOString();
  const client = await bindClient(ctx.db, actor, query.client_id, nowIso);
  if (query.cursor === 0) {
    // Records written outside mutate() (seeds, imports) get their change rows before a fresh pull.
    await backfillChangeLog(ctx.db, org, nowIso);
    if (client.role !== actor.role) await setClientRole(ctx.db, client.client_id, actor.role, nowIso);
  }
  const retention = ctx.config.SYNC_TOMBSTONE_RETENTION_DAYS * DAY_MS;
  await pruneTombstones(ctx.db, org, new Date(now.getTime() - retention).toISOString(), nowIso);

  return ctx.db.transaction().execute(async (trx) => {
    const horizon = await horizonOf(trx, org);
    const head = Math.max(await headOf(trx, org), horizon);
    if (query.cursor > 0) {
      if (query.cursor < horizon) throw cursorExpired('older than the kept history', horizon);
      // e.g. the server's store was restored from a backup taken before this client last pulled
      if (query.cursor > head) throw cursorExpired('ahead of the server history', horizon);
      // what this store may hold was decided under the old role: rebuild it under the new one
      if (client.role !== actor.role) throw cursorExpired('the user role changed', horizon);
    }

    let rows = trx
      .selectFrom('changes')
      .select(['seq', 'entity', 'entity_id', 'op'])
      .where('organization_id', '=', org)
      .where('seq', '>', query.cursor)
      .where('entity', 'in', SYNC_ENTITIES)
      .orderBy('seq')
      .limit(literalLimit(query.limit + 1));
    if (!seesAll(viewer)) {
      rows = rows.where(seenByAgent(viewer.userId));
    }
    const found = await readRows(trx, rows, changeRows);
    const hasMore = found.length > query.limit;
    if (hasMore) found.pop();
    // seq is a bigint on PostgreSQL (a string in node-postgres): a number from here on
    const page = found.map((r) => ((r.seq = Number(r.seq)), r));
    const records = await loadRecords(trx, org, page.filter((r) => r.op !== 'delete'));

    const changes: Change[] = [];
    for (const row of page) {
      const change = changeFor(viewer, row, row.op === 'delete' ? undefined : records.get(recordKey(row.entity, row.entity_id)));
      // A fresh store holds nothing to delete.
      if (change.op === 'upsert' || query.cursor > 0) changes.push(change);
    }
    // `head` was read before the page: on PostgreSQL (each statement its own snapshot) the page
    // may hold changes committed since, past `head`. Not moving past them would deliver them again.
    const cursor = hasMore ? page.at(-1)!.seq : Math.max(head, query.cursor, page.at(-1)?.seq ?? 0);
    return {
      changes,
      // A fresh pull brings the current state: what was overwritten before it is no news.
      notices: query.cursor > 0 ? await noticesFor(trx, org, viewer.userId, query.cursor, cursor) : [],
      cursor,
      last_mutation_seq: await lastMutationSeq(trx, client.client_id),
      has_more: hasMore,
    };
  });
}
