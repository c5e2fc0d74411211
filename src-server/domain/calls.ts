/**
 * Calls: one store behind both facades (seed 000's v1 API and seed 003's OnCall API) and the
 * sync push. Permissions: agents see and change their own calls; supervisors and admins the
 * whole organization's. API keys act with their role; an agent-role key owns no calls but
 * those logged without an agent (integrations).
 */
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import {
  canTransitionCall,
  isCallEnded,
  allowedCallTransitions,
  type CallStatus,
} from '../../src-shared/domain/call-status';
import type { CallCreate, CallListQuery, CallRead, CallUpdate } from '../../src-shared/schemas/calls';
import type { OnCallCall } from '../../src-shared/schemas/oncall';
import type { Page } from '../../src-shared/schemas/common';
import type { Database, CallRow } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import { isSupervisor, type Actor } from './actor';
import { parseJsonObject } from './json';
import { mutate, type WebhookEmit } from './mutation';
import { assertDisposition, normalisePhone } from './organizations';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';

type CallWithNames = CallRow & { patient_name: string | null; agent_name: string | null };

export function durationSeconds(startedAt: string, endedAt: string | null): number | null {
  if (!endedAt) return null;
  return Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000));
}

export function toCallRead(row: CallWithNames): CallRead {
  return {
    id: row.id,
    organization_id: row.organization_id,
    patient_id: row.patient_id,
    patient_name: row.patient_name,
    agent_id: row.agent_id,
    agent_name: row.agent_name,
    direction: row.direction as CallRead['direction'],
    phone_number: row.phone_number,
    status: row.status as CallStatus,
    priority: row.priority as CallRead['priority'],
    region: row.region as CallRead['region'],
    notes: row.notes,
    outcome: row.outcome,
    metadata: parseJsonObject(row.metadata),
    started_at: row.started_at,
    ended_at: row.ended_at,
    duration_seconds: durationSeconds(row.started_at, row.ended_at),
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: row.version,
  };
}

/** Seed 003's camelCase view of the same record. */
export function toOnCallCall(call: CallRead): OnCallCall {
  return {
    id: call.id,
    phoneNumber: call.phone_number,
    region: call.region,
    priority: call.priority,
    status: call.status,
    direction: call.direction,
    patientId: call.patient_id,
    agentId: call.agent_id,
    notes: call.notes,
    outcome: call.outcome,
    startTime: call.started_at,
    endTime: call.ended_at,
    metadata: call.metadata,
    organizationId: call.organization_id,
    createdAt: call.created_at,
    updatedAt: call.updated_at,
  };
}

function callEvent(event: 'call.created' | 'call.updated', call: CallRead): WebhookEmit {
  return { event, type: 'call', id: call.id, attributes: toOnCallCall(call) };
}

function selectCalls(db: ServerContext['db']) {
  return db
    .selectFrom('calls')
    .leftJoin('patients', 'patients.id', 'calls.patient_id')
    .leftJoin('users', 'users.id', 'calls.agent_id')
    .selectAll('calls')
    .select((eb) => [
      eb.fn<string | null>('trim', [sql`coalesce(${eb.ref('patients.first_name')}, '') || ' ' || coalesce(${eb.ref('patients.last_name')}, '')`]).as('patient_name'),
      'users.name as agent_name',
    ]);
}

/** Restricts a calls query to what the actor may see. */
function visibleTo<O>(qb: SelectQueryBuilder<Database, 'calls' | 'patients' | 'users', O>, actor: Actor) {
  qb = qb.where('calls.organization_id', '=', actor.organizationId);
  if (isSupervisor(actor)) return qb;
  return actor.userId ? qb.where('calls.agent_id', '=', actor.userId) : qb.where('calls.agent_id', 'is', null);
}

function withNames(row: CallRow & { patient_name: string | null; agent_name: string | null }): CallWithNames {
  return { ...row, patient_name: row.patient_id ? row.patient_name || null : null };
}

export async function getCall(ctx: ServerContext, actor: Actor, id: string): Promise<CallRead> {
  const row = await visibleTo(selectCalls(ctx.db), actor).where('calls.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('call');
  return toCallRead(withNames(row));
}

export function dayRange(date: string): { from: string; to: string } {
  const from = new Date(`${date}T00:00:00.000Z`);
  return { from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() };
}

export type CallFilters = Omit<CallListQuery, 'page' | 'limit'> & { region?: string };

export async function listCalls(
  ctx: ServerContext,
  actor: Actor,
  query: CallFilters & { page: number; limit: number },
  /** Seed 000 lists today's calls when no range is given; seed 003's list has no such default. */
  options: { defaultToToday?: boolean } = {},
): Promise<Page<CallRead>> {
  let from = query.from;
  let to = query.to;
  if (query.date) ({ from, to } = dayRange(query.date));
  if (!from && !to && options.defaultToToday !== false) ({ from, to } = dayRange(ctx.now().toISOString().slice(0, 10)));

  const conditions = (eb: ExpressionBuilder<Database, 'calls'>) => {
    const c = [eb('calls.organization_id', '=', actor.organizationId)];
    if (!isSupervisor(actor)) {
      c.push(actor.userId ? eb('calls.agent_id', '=', actor.userId) : eb('calls.agent_id', 'is', null));
    }
    if (from) c.push(eb('calls.started_at', '>=', from));
    if (to) c.push(eb('calls.started_at', '<', to));
    if (query.status) c.push(eb('calls.status', '=', query.status));
    if (query.agent_id) c.push(eb('calls.agent_id', '=', query.agent_id));
    if (query.patient_id) c.push(eb('calls.patient_id', '=', query.patient_id));
    if (query.outcome) c.push(eb('calls.outcome', '=', query.outcome));
    if (query.direction) c.push(eb('calls.direction', '=', query.direction));
    if (query.region) c.push(eb('calls.region', '=', query.region));
    return eb.and(c);
  };

  return fetchPage(
    selectCalls(ctx.db)
      .where((eb) => conditions(eb as unknown as ExpressionBuilder<Database, 'calls'>))
      .orderBy('calls.started_at', 'desc')
      .orderBy('calls.id', 'desc'),
    ctx.db
      .selectFrom('calls')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where(conditions),
    query,
    (r) => toCallRead(withNames(r)),
  );
}

export interface CallCreateInput extends CallCreate {
  /** client-generated id (sync push); the server makes one otherwise */
  id?: string;
  /** when the call really started (offline logging); defaults to now */
  started_at?: string;
  /** a supervisor may log a call for another agent */
  agent_id?: string | null;
}

async function assertPatientInOrg(ctx: ServerContext, organizationId: string, patientId: string) {
  const patient = await ctx.db
    .selectFrom('patients')
    .select('id')
    .where('id', '=', patientId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (!patient) throw new ApiError('VALIDATION_FAILED', 'validation failed', { patient_id: 'no such patient' });
}

export async function createCall(ctx: ServerContext, actor: Actor, input: CallCreateInput): Promise<CallRead> {
  const org = actor.organizationId;
  const phone = await normalisePhone(ctx.db, org, 'phone_number', input.phone_number);
  if (input.patient_id) await assertPatientInOrg(ctx, org, input.patient_id);
  const agentId = input.agent_id !== undefined && isSupervisor(actor) ? input.agent_id : actor.userId;
  const id = input.id ?? uuidv7();

  await mutate(ctx, actor, async (m) => {
    // Checked inside the transaction, like tasks, so two pushes of one client id cannot race.
    const existing = await m.trx.selectFrom('calls').select('id').where('id', '=', id).executeTakeFirst();
    if (existing) throw new ApiError('CONFLICT', 'a call with this id already exists');
    const status = input.status ?? 'active';
    const startedAt = input.started_at ?? m.now;
    const row: CallRow = {
      id,
      organization_id: org,
      patient_id: input.patient_id ?? null,
      agent_id: agentId,
      direction: input.direction,
      phone_number: phone,
      status,
      priority: input.priority ?? 'normal',
      region: input.region ?? null,
      notes: input.notes ?? '',
      outcome: null,
      metadata: JSON.stringify(input.metadata ?? {}),
      started_at: startedAt,
      ended_at: null,
      created_at: m.now,
      updated_at: m.now,
      version: 1,
    };
    await m.trx.insertInto('calls').values(row).execute();
    const after = toCallRead({ ...row, patient_name: null, agent_name: null });
    await m.record({
      entity: 'call',
      entityId: id,
      action: 'create',
      after: row,
      sync: true,
      webhooks: [callEvent('call.created', after)],
    });
  });
  return getCall(ctx, actor, id);
}

export interface CallUpdateInput extends Partial<Omit<CallUpdate, never>> {
  region?: string | null;
  /** when the status change really happened (offline logging, SIP events); defaults to now */
  at?: string;
}

export async function updateCall(ctx: ServerContext, actor: Actor, id: string, patch: CallUpdateInput): Promise<CallRead> {
  const org = actor.organizationId;
  const current = await getCall(ctx, actor, id); // 404 unless visible
  if (patch.outcome) await assertDisposition(ctx.db, org, patch.outcome);
  if (patch.patient_id) await assertPatientInOrg(ctx, org, patch.patient_id);

  await mutate(ctx, actor, async (m) => {
    const before = await m.trx.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const from = before.status as CallStatus;
    const set: Partial<CallRow> = {};
    if (patch.status && patch.status !== from) {
      if (!canTransitionCall(from, patch.status)) {
        throw new ApiError('INVALID_STATUS_TRANSITION', `a call cannot go from ${from} to ${patch.status}`, {
          status: `allowed from ${from}: ${allowedCallTransitions(from).join(', ') || 'none (final status)'}`,
        });
      }
      set.status = patch.status;
      if (isCallEnded(patch.status) && !before.ended_at) {
        const at = patch.at && patch.at >= before.started_at ? patch.at : m.now;
        set.ended_at = at;
      }
    }
    if (patch.notes !== undefined) set.notes = patch.notes;
    if (patch.outcome !== undefined) set.outcome = patch.outcome;
    if (patch.patient_id !== undefined) set.patient_id = patch.patient_id;
    if (patch.priority !== undefined) set.priority = patch.priority;
    if (patch.region !== undefined) set.region = patch.region;
    if (patch.metadata !== undefined) {
      // Seed 003 PATCHes metadata as a partial object: merge it over what is there.
      set.metadata = JSON.stringify({ ...parseJsonObject(before.metadata), ...patch.metadata });
    }
    const changed = Object.entries(set).filter(([k, v]) => (before as Record<string, unknown>)[k] !== v);
    if (changed.length === 0) return;

    const after: CallRow = { ...before, ...Object.fromEntries(changed), updated_at: m.now, version: before.version + 1 };
    await m.trx
      .updateTable('calls')
      .set({ ...Object.fromEntries(changed), updated_at: m.now, version: after.version })
      .where('id', '=', id)
      .execute();
    await m.record({
      entity: 'call',
      entityId: id,
      action: 'update',
      before,
      after,
      sync: true,
      webhooks: [callEvent('call.updated', toCallRead({ ...after, patient_name: current.patient_name, agent_name: current.agent_name }))],
    });
  });
  return getCall(ctx, actor, id);
}
