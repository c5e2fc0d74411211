/**
 * Audit hash chain and the client's own request id (docs/auth.md): `request_id` is now always
 * the server's; `client_request_id` keeps what the client sent. Existing entries are chained in
 * id order here, so the chain covers the whole log (test/pg/existing-database.test.ts migrates a
 * database that already holds entries).
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect';
import { literalLimit } from '../literal-limit';
import { entryHash, GENESIS_HASH, type ChainedFields } from '../../domain/audit-chain';

// the migration runs before the Database type describes these columns
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('client_request_id', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('prev_hash', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('hash', 'text').execute();

  // The append-only triggers refuse the backfill's UPDATEs: lift them for it. On PostgreSQL the
  // migration is one transaction, so no other writer ever sees the table without its trigger.
  const postgres = isPostgres(db);
  if (postgres) await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(db);
  else await sql`DROP TRIGGER IF EXISTS audit_log_no_update`.execute(db);
  let prev = GENESIS_HASH;
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', after).orderBy('id').limit(literalLimit(1000)).execute();
    if (!rows.length) break;
    for (const row of rows) {
      const fields: ChainedFields = { ...(row as ChainedFields), client_request_id: null, prev_hash: prev };
      const hash = entryHash(fields);
      await db.updateTable('audit_log').set({ prev_hash: prev, hash }).where('id', '=', row.id).execute();
      prev = hash;
      after = Number(row.id);
    }
  }
  if (postgres) {
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(db);
  } else {
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('the audit chain cannot be removed');
}
