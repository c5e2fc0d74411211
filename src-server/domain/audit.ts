/**
 * Reading the audit log. Entries are written only by mutation.ts (inside the transaction that
 * makes the change) and the database refuses to update or delete them, so this module only reads.
 * Supervisors and admins see their organization's log; agents do not see it at all.
 */
import type { ExpressionBuilder } from 'kysely';
import type { AuditAction, AuditEntry, AuditListQuery, AuthMethod, ActorType } from '../../src-shared/schemas/audit';
import type { Page } from '../../src-shared/schemas/common';
import type { AuditRow, Database } from '../db/schema';
import { requireRole, type Actor } from './actor';
import { parseJsonObject } from './json';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    organization_id: row.organization_id,
    actor_type: row.actor_type as ActorType,
    actor_id: row.actor_id,
    auth_method: row.auth_method as AuthMethod,
    action: row.action as AuditAction,
    entity: row.entity,
    entity_id: row.entity_id,
    changes: parseJsonObject(row.changes) as AuditEntry['changes'],
    request_id: row.request_id,
    client_request_id: row.client_request_id,
    ip: row.ip,
    created_at: row.created_at,
  };
}

/** Newest first (by id, which is the order of writing); `from` is inclusive, `to` exclusive. */
export async function listAudit(ctx: ServerContext, actor: Actor, query: AuditListQuery): Promise<Page<AuditEntry>> {
  requireRole(actor, 'supervisor', 'admin');
  // Stored timestamps are UTC `toISOString()` text: compare against the same form.
  const from = query.from ? new Date(query.from).toISOString() : undefined;
  const to = query.to ? new Date(query.to).toISOString() : undefined;

  const conditions = (eb: ExpressionBuilder<Database, 'audit_log'>) => {
    const c = [eb('organization_id', '=', actor.organizationId)];
    if (query.entity) c.push(eb('entity', '=', query.entity));
    if (query.entity_id) c.push(eb('entity_id', '=', query.entity_id));
    if (query.actor_id) c.push(eb('actor_id', '=', query.actor_id));
    if (query.action) c.push(eb('action', '=', query.action));
    if (from) c.push(eb('created_at', '>=', from));
    if (to) c.push(eb('created_at', '<', to));
    return eb.and(c);
  };

  return fetchPage({
    list: 'audit',
    rows: ctx.db.selectFrom('audit_log').selectAll().where(conditions),
    count: () =>
      ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .where(conditions),
    keys: [{ by: 'id', dir: 'desc', of: (r) => Number(r.id) }],
    query,
    map: toAuditEntry,
  });
}
