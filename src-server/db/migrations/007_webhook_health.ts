/**
 * Webhook health (docs/webhooks.md): each endpoint's run of failed attempts, and when and why it
 * was disabled; each delivery's lease while an attempt is in flight, so the dispatcher can count
 * attempts in flight per endpoint and per organization (its concurrency caps) from the store,
 * across every API instance.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // one column per statement: SQLite's ALTER TABLE adds one at a time
  await db.schema.alterTable('webhooks').addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('webhooks').addColumn('failing_since', 'text').execute();
  await db.schema.alterTable('webhooks').addColumn('disabled_at', 'text').execute();
  await db.schema.alterTable('webhooks').addColumn('disabled_reason', 'text').execute();
  await db.schema.alterTable('webhook_deliveries').addColumn('leased_until', 'text').execute();
  await db.schema.createIndex('deliveries_leased').on('webhook_deliveries').columns(['status', 'leased_until']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_leased').execute();
  await db.schema.alterTable('webhook_deliveries').dropColumn('leased_until').execute();
  for (const column of ['disabled_reason', 'disabled_at', 'failing_since', 'consecutive_failures']) {
    await db.schema.alterTable('webhooks').dropColumn(column).execute();
  }
}
