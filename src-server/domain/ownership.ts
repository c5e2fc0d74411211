/**
 * When did a user lose a record? The former-owner rule (docs/sync-protocol.md) lets an agent's
 * status change made offline survive a reassignment, but only a change made on a version from
 * before that reassignment. The history is the audit log: every write of a record is one entry
 * and one version, so the version a reassignment produced is the current version minus the
 * updates recorded after it.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';

export async function ownershipLostAt(
  trx: Transaction<Database>,
  organizationId: string,
  entity: string,
  entityId: string,
  userId: string,
  currentVersion: number,
): Promise<number | null> {
  const entries = await trx
    .selectFrom('audit_log')
    .select(['action', 'changes'])
    .where('organization_id', '=', organizationId)
    .where('entity', '=', entity)
    .where('entity_id', '=', entityId)
    .where('action', 'in', ['create', 'update'])
    .orderBy('id', 'desc')
    .execute();
  let later = 0;
  for (const entry of entries) {
    const assignee = (JSON.parse(entry.changes) as { assignee_id?: { before: unknown; after: unknown } }).assignee_id;
    if (assignee && assignee.before === userId && assignee.after !== userId) return currentVersion - later;
    if (entry.action === 'update') later++;
  }
  return null;
}
