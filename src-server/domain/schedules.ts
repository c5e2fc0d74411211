/**
 * Staff schedules (seed 003). Supervisors and admins plan shifts for anyone in their
 * organization; agents only read their own. Schedules are mirrored by the desktop client, so
 * every write lands in the sync change log.
 */
import type { ExpressionBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { ScheduleStatus } from '../../src-shared/domain/enums';
import { pageRequestOf, type Page } from '../../src-shared/schemas/common';
import type { Schedule, ScheduleCreate, ScheduleListQuery, ScheduleUpdate } from '../../src-shared/schemas/oncall';
import type { Database, ScheduleRow } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import { isSupervisor, requireRole, type Actor } from './actor';
import { mergeJsonObject, parseJsonObject } from './json';
import { mutate, type WebhookEmit } from './mutation';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';

/** A finished or called-off shift is history: its status no longer moves. */
const FINAL_STATUSES: readonly ScheduleStatus[] = ['completed', 'cancelled'];

/** Stored timestamps are `toISOString()` text so that text comparison is time comparison. */
const iso = (t: string) => new Date(t).toISOString();

export function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    staffId: row.staff_id,
    type: row.type as Schedule['type'],
    status: row.status as ScheduleStatus,
    startTime: row.start_time,
    endTime: row.end_time,
    metadata: parseJsonObject(row.metadata),
    organizationId: row.organization_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const scheduleEvent = (event: 'schedule.created' | 'schedule.updated', row: ScheduleRow): WebhookEmit => ({
  event,
  type: 'schedule',
  id: row.id,
  attributes: toSchedule(row),
});

/** What the actor may read: the organization's schedules, or an agent's own shifts. */
function visibleTo(eb: ExpressionBuilder<Database, 'schedules'>, actor: Actor) {
  const c = [eb('schedules.organization_id', '=', actor.organizationId)];
  if (!isSupervisor(actor)) {
    // An agent-role API key is nobody's staff member: staff_id is never null, so it sees none.
    c.push(actor.userId ? eb('schedules.staff_id', '=', actor.userId) : eb('schedules.staff_id', 'is', null));
  }
  return eb.and(c);
}

async function assertStaffInOrg(ctx: ServerContext, organizationId: string, staffId: string) {
  const user = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('id', '=', staffId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (!user) throw new ApiError('VALIDATION_FAILED', 'validation failed', { staffId: 'no such staff member in this organization' });
}

function assertTimes(startTime: string, endTime: string) {
  if (Date.parse(endTime) <= Date.parse(startTime)) {
    throw new ApiError('VALIDATION_FAILED', 'validation failed', { endTime: 'must be after startTime' });
  }
}

export async function getSchedule(ctx: ServerContext, actor: Actor, id: string): Promise<Schedule> {
  const row = await ctx.db
    .selectFrom('schedules')
    .selectAll()
    .where((eb) => visibleTo(eb, actor))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('schedule');
  return toSchedule(row);
}

/** `startDate`/`endDate` select the shifts that overlap the window (a shift in progress counts). */
export async function listSchedules(ctx: ServerContext, actor: Actor, query: ScheduleListQuery): Promise<Page<Schedule>> {
  const conditions = (eb: ExpressionBuilder<Database, 'schedules'>) => {
    const c = [visibleTo(eb, actor)];
    if (query.staffId) c.push(eb('schedules.staff_id', '=', query.staffId));
    if (query.status) c.push(eb('schedules.status', '=', query.status));
    if (query.startDate) c.push(eb('schedules.end_time', '>', iso(query.startDate)));
    if (query.endDate) c.push(eb('schedules.start_time', '<', iso(query.endDate)));
    return eb.and(c);
  };
  return fetchPage({
    list: 'schedules',
    rows: ctx.db.selectFrom('schedules').selectAll().where(conditions),
    count: () => ctx.db.selectFrom('schedules').select((eb) => eb.fn.countAll<number>().as('total')).where(conditions),
    keys: [
      { by: 'start_time', dir: 'desc', of: (r) => r.start_time },
      { by: 'id', dir: 'desc', of: (r) => r.id },
    ],
    query: pageRequestOf(query),
    map: toSchedule,
  });
}

export async function createSchedule(ctx: ServerContext, actor: Actor, input: ScheduleCreate): Promise<Schedule> {
  requireRole(actor, 'supervisor', 'admin');
  await assertStaffInOrg(ctx, actor.organizationId, input.staffId);
  assertTimes(input.startTime, input.endTime);

  return mutate(ctx, actor, async (m) => {
    const row: ScheduleRow = {
      id: uuidv7(),
      organization_id: actor.organizationId,
      staff_id: input.staffId,
      type: input.type,
      status: input.status,
      start_time: iso(input.startTime),
      end_time: iso(input.endTime),
      metadata: JSON.stringify(input.metadata),
      created_at: m.now,
      updated_at: m.now,
      version: 1,
    };
    await m.trx.insertInto('schedules').values(row).execute();
    await m.record({
      entity: 'schedule',
      entityId: row.id,
      action: 'create',
      after: row,
      sync: true,
      webhooks: [scheduleEvent('schedule.created', row)],
    });
    return toSchedule(row);
  });
}

export async function updateSchedule(ctx: ServerContext, actor: Actor, id: string, patch: ScheduleUpdate): Promise<Schedule> {
  requireRole(actor, 'supervisor', 'admin');
  await getSchedule(ctx, actor, id); // 404 unless in the actor's organization
  if (patch.staffId) await assertStaffInOrg(ctx, actor.organizationId, patch.staffId);

  return mutate(ctx, actor, async (m) => {
    const before = await m.trx.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const from = before.status as ScheduleStatus;
    if (patch.status && patch.status !== from && FINAL_STATUSES.includes(from)) {
      throw new ApiError('INVALID_STATUS_TRANSITION', `a schedule cannot go from ${from} to ${patch.status}`, {
        status: `${from} is a final status`,
      });
    }
    const set: Partial<ScheduleRow> = {};
    if (patch.staffId !== undefined) set.staff_id = patch.staffId;
    if (patch.type !== undefined) set.type = patch.type;
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.startTime !== undefined) set.start_time = iso(patch.startTime);
    if (patch.endTime !== undefined) set.end_time = iso(patch.endTime);
    // Seed 003 PATCHes metadata as a partial object (handover notes): merge it over what is there.
    if (patch.metadata !== undefined) set.metadata = mergeJsonObject(before.metadata, patch.metadata, 'metadata');
    assertTimes(set.start_time ?? before.start_time, set.end_time ?? before.end_time);

    const changed = Object.fromEntries(Object.entries(set).filter(([k, v]) => before[k as keyof ScheduleRow] !== v));
    if (Object.keys(changed).length === 0) return toSchedule(before);

    const after: ScheduleRow = { ...before, ...changed, updated_at: m.now, version: before.version + 1 };
    await m.trx
      .updateTable('schedules')
      .set({ ...changed, updated_at: after.updated_at, version: after.version })
      .where('id', '=', id)
      .execute();
    await m.record({
      entity: 'schedule',
      entityId: id,
      action: 'update',
      before,
      after,
      sync: true,
      webhooks: [scheduleEvent('schedule.updated', after)],
    });
    return toSchedule(after);
  });
}
