/**
 * Session families (docs/auth.md): every session minted by refreshing another carries the first
 * one's id, so reuse of an already rotated refresh token can revoke the whole chain (OAuth 2.0
 * security best practice), and `revoke_reason` tells a rotated session from a logged-out one.
 */
import { sql, type Kysely } from 'kysely';

type Db = Kysely<unknown>;

export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('family_id', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('revoke_reason', 'text').execute();
  await sql`UPDATE sessions SET family_id = id WHERE family_id IS NULL`.execute(db);
  await db.schema.createIndex('sessions_family').on('sessions').columns(['family_id', 'revoked_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('sessions_family').execute();
  await db.schema.alterTable('sessions').dropColumn('revoke_reason').execute();
  await db.schema.alterTable('sessions').dropColumn('family_id').execute();
}
