/**
 * Same field, two writers: the later server order wins, and the loser is told. A desktop learns
 * by itself that its acknowledged value lost when it pulls the record before pulling its own
 * value back (src-main/core/sync/pull-applier.ts). When it had already pulled its value back, it
 * has forgotten it; only the server can see the conflict: a pushed update made on version
 * `based_on` replaces a field that someone else set in a later version. That someone gets a
 * notice, delivered by the pull that covers the overwriting change's seq (sync/pull.ts).
 *
 * Only a push with `based_on` older than the record can conflict, so the audit log (one entry
 * per version, field-level before/after) is read only then, never on the common path.
 */
import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { SyncNotice } from '../../src-shared/schemas/sync';
import { literalLimit } from '../db/literal-limit';
import type { Database } from '../db/schema';

type Trx = Transaction<Database>;

export interface Overwrite {
  userId: string;
  fields: Record<string, { yours: unknown; theirs: unknown }>;
}

/** Args that are not fields of the record. */
const NOT_FIELDS = new Set(['id', 'based_on', 'at']);
/** Schedules are written in seed 003's camelCase; their rows (and audit entries) are snake_case. */
const columnOf = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The users whose value of a field this write replaces although the write was made before it
 * was set (`basedOn` < the version that set it). `before`/`after` are the record as read and
 * as written, in the shape the desktop sees.
 */
export async function overwrittenBy(
  trx: Trx,
  write: { organizationId: string; entity: string; entityId: string; actorId: string; basedOn: number; version: number },
  args: Record<string, unknown>,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Promise<Overwrite[]> {
  const later = write.version - write.basedOn;
  const fields = Object.keys(args).filter((f) => !NOT_FIELDS.has(f) && !same(before[f], after[f]));
  if (later <= 0 || !fields.length) return [];
  const entries = await trx
    .selectFrom('audit_log')
    .select(['actor_type', 'actor_id', 'changes'])
    .where('organization_id', '=', write.organizationId)
    .where('entity', '=', write.entity)
    .where('entity_id', '=', write.entityId)
    .where('action', 'in', ['create', 'update'])
    .orderBy('id', 'desc')
    .limit(literalLimit(later))
    .execute();
  const losers = new Map<string, Overwrite>();
  const settled = new Set<string>();
  // Newest first: the newest writer of a field is the one whose value stands now.
  for (const entry of entries) {
    const changed = JSON.parse(entry.changes) as Record<string, unknown>;
    for (const field of fields) {
      if (settled.has(field) || !(columnOf(field) in changed)) continue;
      settled.add(field);
      // An API key's write has no desktop to tell; our own earlier value is no conflict.
      if (entry.actor_type !== 'user' || !entry.actor_id || entry.actor_id === write.actorId) continue;
      const loser = losers.get(entry.actor_id) ?? { userId: entry.actor_id, fields: {} };
      loser.fields[field] = { yours: before[field] ?? null, theirs: after[field] ?? null };
      losers.set(entry.actor_id, loser);
    }
  }
  return [...losers.values()];
}

export async function recordOverwrites(
  trx: Trx,
  at: { organizationId: string; seq: number; entity: string; entityId: string; name: string; now: string },
  overwrites: Overwrite[],
): Promise<void> {
  if (!overwrites.length) return;
  await trx
    .insertInto('sync_notices')
    .values(
      overwrites.map((o) => ({
        id: uuidv7(),
        organization_id: at.organizationId,
        user_id: o.userId,
        seq: at.seq,
        entity: at.entity,
        entity_id: at.entityId,
        name: at.name,
        fields: JSON.stringify(o.fields),
        created_at: at.now,
      })),
    )
    .execute();
}

/** The user's notices for changes after `from` up to `to` (a pull page's range). */
export async function noticesFor(trx: Trx, organizationId: string, userId: string, from: number, to: number): Promise<SyncNotice[]> {
  if (to <= from) return [];
  const rows = await trx
    .selectFrom('sync_notices')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .where('seq', '>', from)
    .where('seq', '<=', to)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    entity: r.entity as SyncNotice['entity'],
    entity_id: r.entity_id,
    name: r.name,
    fields: JSON.parse(r.fields) as SyncNotice['fields'],
    seq: Number(r.seq),
    created_at: r.created_at,
  }));
}
