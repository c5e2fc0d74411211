/**
 * Agent presence (docs/agent-states.md, "A desktop that disappears"): when each user's desktop
 * was last heard on its sync event stream. Any API instance holding the stream refreshes it at
 * every heartbeat, so an instance that finds it stale knows no instance hears that desktop.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agent_presence')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agent_presence_seen').on('agent_presence').columns(['last_seen_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('agent_presence').execute();
}
