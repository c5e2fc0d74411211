/**
 * Staff schedules (seed 003). Supervisors and admins plan shifts for anyone in their
 * organization (the rulebook's schedule.create / schedule.update, also pushed by a supervisor's
 * desktop); everyone in the organization reads the rota. Every write lands in the sync change log.
 */
import type { ExpressionBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { ScheduleStatus } from '../../src-shared/domain/enums';
import { pageRequestOf, type Page } from '../../src-shared/schemas/common';
import type { Schedule, ScheduleCreate, ScheduleListQuery, ScheduleUpdate } from '../../src-shared/schemas/oncall';
import type { Database, ScheduleRow } from '../db/schema';
import { notFound } from '../http/api-error';
import type { Actor } from './actor';
import { parseJsonObject } from './json';
import { runRule } from './rulebook';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';

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

/**
 * What the actor may read: the organization's whole rota, whatever the role. Agents need to see
 * who is on call now to reach them (docs/ui.md, "Shifts"); writing stays the planners' (rulebook).
 */
function visibleTo(eb: ExpressionBuilder<Database, 'schedules'>, actor: Actor) {
  return eb('schedules.organization_id', '=', actor.organizationId);
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

/** The rules (role, staff member, times, final statuses, overlap) are the rulebook's: schedule.create. */
export async function createSchedule(ctx: ServerContext, actor: Actor, input: ScheduleCreate): Promise<Schedule> {
  const id = uuidv7();
  await runRule(ctx, actor, 'schedule.create', { ...input, id });
  return getSchedule(ctx, actor, id);
}

export async function updateSchedule(ctx: ServerContext, actor: Actor, id: string, patch: ScheduleUpdate): Promise<Schedule> {
  await runRule(ctx, actor, 'schedule.update', { ...patch, id });
  return getSchedule(ctx, actor, id);
}
