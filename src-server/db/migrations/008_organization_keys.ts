/**
 * Calls, tasks and patients are keyed by (organization_id, id): the ids are chosen by clients
 * (offline-first), and with one global key a create naming an id another organization already
 * uses was refused, which told the caller that record exists (an existence oracle, issue 10).
 * Now an id means something only inside its organization: the same id may be created in another
 * one, and every read and write of these tables names the organization.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect';

const TABLES = ['calls', 'tasks', 'patients'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of TABLES) {
      await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.id(`${table}_pkey`)}`.execute(db);
      await sql`ALTER TABLE ${sql.table(table)} ADD PRIMARY KEY (organization_id, id)`.execute(db);
    }
    return;
  }
  // SQLite cannot change a primary key in place: rebuild each table from its own definition
  // (whatever columns later migrations added), then its indexes.
  for (const table of TABLES) {
    const objects = await sql<{ type: string; sql: string | null }>`
      SELECT type, sql FROM sqlite_master WHERE tbl_name = ${table} AND sql IS NOT NULL`.execute(db);
    const create = objects.rows.find((o) => o.type === 'table')?.sql;
    if (!create || !create.includes('"id" text primary key')) throw new Error(`${table}: unexpected definition ${create}`);
    const rebuilt = create
      .replace(`CREATE TABLE "${table}"`, `CREATE TABLE "${table}_new"`)
      .replace('"id" text primary key', '"id" text not null')
      .replace(/\)\s*$/, ', primary key ("organization_id", "id"))');
    await sql.raw(rebuilt).execute(db);
    await sql.raw(`INSERT INTO "${table}_new" SELECT * FROM "${table}"`).execute(db);
    await sql.raw(`DROP TABLE "${table}"`).execute(db);
    await sql.raw(`ALTER TABLE "${table}_new" RENAME TO "${table}"`).execute(db);
    for (const index of objects.rows.filter((o) => o.type === 'index')) await sql.raw(index.sql!).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('ids may now repeat across organizations: the global keys cannot come back');
}
