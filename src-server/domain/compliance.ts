/**
 * Compliance records (seed 003): a regulator's check (CQC, Care Inspectorate, ...) against one
 * call. Audit material, so only supervisors and admins read or write them.
 */
import type { ExpressionBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { ComplianceStatus, Region } from '../../src-shared/domain/enums';
import { pageRequestOf, type Page } from '../../src-shared/schemas/common';
import type { Compliance, ComplianceCreate, ComplianceListQuery, ComplianceUpdate } from '../../src-shared/schemas/oncall';
import type { ComplianceRow, Database } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import { requireRole, type Actor } from './actor';
import { mergeJsonObject, parseJsonObject } from './json';
import { mutate, type WebhookEmit } from './mutation';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';

const CHECKED: readonly ComplianceStatus[] = ['compliant', 'non_compliant'];

export function toCompliance(row: ComplianceRow): Compliance {
  return {
    id: row.id,
    callId: row.call_id,
    region: row.region as Region,
    regulatoryBody: row.regulatory_body,
    status: row.status as ComplianceStatus,
    checkType: row.check_type,
    details: parseJsonObject(row.details),
    organizationId: row.organization_id,
    metadata: parseJsonObject(row.metadata),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The seed has no "created"/"updated" compliance events, only outcomes: `compliance.checked` when
 * the status turns to a verdict, and also `compliance.violated` when that verdict is non_compliant.
 */
function events(before: ComplianceRow | null, after: ComplianceRow): WebhookEmit[] {
  if (before?.status === after.status) return [];
  const status = after.status as ComplianceStatus;
  const emit = (event: WebhookEmit['event']): WebhookEmit => ({ event, type: 'compliance', id: after.id, attributes: toCompliance(after) });
  const out: WebhookEmit[] = [];
  if (CHECKED.includes(status)) out.push(emit('compliance.checked'));
  if (status === 'non_compliant') out.push(emit('compliance.violated'));
  return out;
}

const inOrg = (eb: ExpressionBuilder<Database, 'compliance_records'>, actor: Actor) =>
  eb('compliance_records.organization_id', '=', actor.organizationId);

async function assertCallInOrg(ctx: ServerContext, organizationId: string, callId: string) {
  const call = await ctx.db
    .selectFrom('calls')
    .select('id')
    .where('id', '=', callId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (!call) throw new ApiError('VALIDATION_FAILED', 'validation failed', { callId: 'no such call' });
}

export async function getCompliance(ctx: ServerContext, actor: Actor, id: string): Promise<Compliance> {
  requireRole(actor, 'supervisor', 'admin');
  const row = await ctx.db
    .selectFrom('compliance_records')
    .selectAll()
    .where((eb) => inOrg(eb, actor))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('compliance record');
  return toCompliance(row);
}

export async function listCompliance(ctx: ServerContext, actor: Actor, query: ComplianceListQuery): Promise<Page<Compliance>> {
  requireRole(actor, 'supervisor', 'admin');
  const conditions = (eb: ExpressionBuilder<Database, 'compliance_records'>) => {
    const c = [inOrg(eb, actor)];
    if (query.region) c.push(eb('region', '=', query.region));
    if (query.regulatoryBody) c.push(eb('regulatory_body', '=', query.regulatoryBody));
    if (query.status) c.push(eb('status', '=', query.status));
    if (query.checkType) c.push(eb('check_type', '=', query.checkType));
    return eb.and(c);
  };
  return fetchPage({
    list: 'compliance',
    rows: ctx.db.selectFrom('compliance_records').selectAll().where(conditions),
    count: () =>
      ctx.db
        .selectFrom('compliance_records')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .where(conditions),
    keys: [
      { by: 'created_at', dir: 'desc', of: (r) => r.created_at },
      { by: 'id', dir: 'desc', of: (r) => r.id },
    ],
    query: pageRequestOf(query),
    map: toCompliance,
  });
}

export async function createCompliance(ctx: ServerContext, actor: Actor, input: ComplianceCreate): Promise<Compliance> {
  requireRole(actor, 'supervisor', 'admin');
  await assertCallInOrg(ctx, actor.organizationId, input.callId);

  return mutate(ctx, actor, async (m) => {
    const row: ComplianceRow = {
      id: uuidv7(),
      organization_id: actor.organizationId,
      call_id: input.callId,
      region: input.region,
      regulatory_body: input.regulatoryBody,
      check_type: input.checkType,
      status: input.status,
      details: JSON.stringify(input.details),
      metadata: JSON.stringify(input.metadata),
      created_at: m.now,
      updated_at: m.now,
      version: 1,
    };
    await m.trx.insertInto('compliance_records').values(row).execute();
    await m.record({ entity: 'compliance', entityId: row.id, action: 'create', after: row, sync: false, webhooks: events(null, row) });
    return toCompliance(row);
  });
}

export async function updateCompliance(ctx: ServerContext, actor: Actor, id: string, patch: ComplianceUpdate): Promise<Compliance> {
  await getCompliance(ctx, actor, id); // role check, and 404 unless in the actor's organization

  return mutate(ctx, actor, async (m) => {
    const before = await m.trx.selectFrom('compliance_records').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const set: Partial<ComplianceRow> = {};
    if (patch.region !== undefined) set.region = patch.region;
    if (patch.regulatoryBody !== undefined) set.regulatory_body = patch.regulatoryBody;
    if (patch.checkType !== undefined) set.check_type = patch.checkType;
    if (patch.status !== undefined) set.status = patch.status;
    // The seed's PATCH sends partial details (lastChecked, checkedBy): keep what the check recorded.
    if (patch.details !== undefined) set.details = mergeJsonObject(before.details, patch.details, 'details');
    if (patch.metadata !== undefined) set.metadata = mergeJsonObject(before.metadata, patch.metadata, 'metadata');

    const changed = Object.fromEntries(Object.entries(set).filter(([k, v]) => before[k as keyof ComplianceRow] !== v));
    if (Object.keys(changed).length === 0) return toCompliance(before);

    const after: ComplianceRow = { ...before, ...changed, updated_at: m.now, version: before.version + 1 };
    await m.trx
      .updateTable('compliance_records')
      .set({ ...changed, updated_at: after.updated_at, version: after.version })
      .where('id', '=', id)
      .execute();
    await m.record({ entity: 'compliance', entityId: id, action: 'update', before, after, sync: false, webhooks: events(before, after) });
    return toCompliance(after);
  });
}
