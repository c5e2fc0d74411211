/**
 * The rota is published to the whole organization (docs/ui.md, "Shifts"): agents now pull every
 * shift, not only their own. A desktop that already pulled past a colleague's shift under the old
 * rule would never see it, so every shift gets a fresh change row (one row per record, as
 * appendSyncChange keeps it) and the next pull of every desktop brings the whole rota.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const now = new Date().toISOString();
  // Each organization's sequence lock first (as lockOrgSequence), so on PostgreSQL no pull sees
  // these rows out of order with a mutation committing beside a rolling upgrade. (`WHERE true`:
  // SQLite's parser needs it before ON CONFLICT in an INSERT … SELECT.)
  await sql`INSERT INTO sync_orgs (organization_id, horizon_seq, updated_at)
    SELECT DISTINCT organization_id, 0, ${now} FROM schedules WHERE true
    ON CONFLICT (organization_id) DO UPDATE SET horizon_seq = sync_orgs.horizon_seq`.execute(db);
  await sql`INSERT INTO changes (organization_id, entity, entity_id, op, created_at)
    SELECT organization_id, 'schedule', id, 'upsert', ${now} FROM schedules ORDER BY created_at, id`.execute(db);
  await sql`DELETE FROM changes WHERE entity = 'schedule' AND seq NOT IN (
    SELECT max(seq) FROM changes WHERE entity = 'schedule' GROUP BY organization_id, entity_id)`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: the extra change rows only make desktops pull shifts again.
}
