/**
 * Overwrite notices (docs/sync-protocol.md, "Same field"): when a pushed update made on an older
 * version of a record replaces a field another user had set since, that user is told in their
 * next pull, even if their desktop already pulled its own value back and forgot it. `seq` is the
 * overwriting change's seq, so a pull delivers a notice exactly once, with the page that covers it.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    /** JSON: {field: {yours, theirs}} */
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sync_notices_user_seq').on('sync_notices').columns(['organization_id', 'user_id', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sync_notices').execute();
}
