/**
 * Sync state (docs/sync-protocol.md): which user each desktop client belongs to and how far its
 * outbox has been processed, the mutations already processed (exactly-once), who may ever have
 * seen an entity (so a task reassigned away still reaches its former assignee as a delete), and
 * each organization's history horizon. Also compacts the change log to one row per entity.
 */
import { sql, type Kysely } from 'kysely';

type Db = Kysely<unknown>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('sync_clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    // the role its local store was built under: a role change invalidates the client's cursor
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('last_mutation_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sync_mutations')
    .addColumn('mutation_id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sync_mutations_client_seq').unique().on('sync_mutations').columns(['client_id', 'seq']).execute();

  // Only grows: a user stays in an entity's audience after losing sight of it, so the next pull
  // can tell them to delete it. Supervisors see everything and need no rows.
  await db.schema
    .createTable('sync_audience')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_audience_pk', ['entity', 'entity_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('sync_orgs')
    .addColumn('organization_id', 'text', (c) => c.primaryKey())
    // cursors below this (other than 0) have missed pruned tombstones: CURSOR_EXPIRED
    .addColumn('horizon_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Compaction deletes an entity's older rows on every write; pruning looks for old tombstones.
  await db.schema.createIndex('changes_org_entity').on('changes').columns(['organization_id', 'entity', 'entity_id']).execute();
  await db.schema.createIndex('changes_org_op_created').on('changes').columns(['organization_id', 'op', 'created_at']).execute();

  // Rows written before compaction existed: keep each entity's latest only.
  await sql`DELETE FROM changes WHERE seq NOT IN (SELECT max(seq) FROM changes GROUP BY organization_id, entity, entity_id)`.execute(db);
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('changes_org_op_created').execute();
  await db.schema.dropIndex('changes_org_entity').execute();
  for (const table of ['sync_orgs', 'sync_audience', 'sync_mutations', 'sync_clients']) {
    await db.schema.dropTable(table).execute();
  }
}
