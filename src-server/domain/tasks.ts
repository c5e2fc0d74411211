/**
 * Tasks (seed 000): the agent's work queue. Least privilege, documented in docs/task-status.md:
 * agents see and work the tasks assigned to them or created by them, and create tasks only for
 * themselves; supervisors and admins see, reassign and reprioritise every task of the
 * organization. API keys act with their role and own nothing (like calls, an agent-role key
 * sees only tasks nobody owns). Tasks are never deleted: DELETE cancels, keeping the row.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Priority } from '../../src-shared/domain/enums';
import { allowedTaskTransitions, canTransitionTask, type TaskStatus } from '../../src-shared/domain/task-status';
import type { Page } from '../../src-shared/schemas/common';
import type { MyTasksQuery, TaskCreate, TaskListQuery, TaskRead, TaskUpdate } from '../../src-shared/schemas/tasks';
import type { Database, TaskRow } from '../db/schema';
import { ApiError, forbidden, notFound } from '../http/api-error';
import { isSupervisor, requireUser, type Actor } from './actor';
import { mutate } from './mutation';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';
import { assertAssignableUser } from './users';

type TaskWithName = TaskRow & { assignee_name: string | null };
type TaskEb = ExpressionBuilder<Database, 'tasks'>;

export function toTaskRead(row: TaskWithName): TaskRead {
  return {
    id: row.id,
    organization_id: row.organization_id,
    title: row.title,
    description: row.description,
    assignee_id: row.assignee_id,
    assignee_name: row.assignee_id ? row.assignee_name : null,
    created_by: row.created_by,
    priority: row.priority as Priority,
    status: row.status as TaskStatus,
    due_date: row.due_date,
    call_id: row.call_id,
    patient_id: row.patient_id,
    completed_at: row.completed_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: row.version,
  };
}

/** Tasks with the assignee's name (a subquery, so filters stay on the single `tasks` table). */
function selectTasks(db: ServerContext['db']) {
  return db
    .selectFrom('tasks')
    .selectAll('tasks')
    .select((eb) =>
      eb.selectFrom('users').select('users.name').whereRef('users.id', '=', 'tasks.assignee_id').as('assignee_name'),
    );
}

/** The tasks an actor may see; anything else answers 404, exactly like a missing task. */
function visibleTo(eb: TaskEb, actor: Actor): Expression<SqlBool> {
  const inOrg = eb('tasks.organization_id', '=', actor.organizationId);
  if (isSupervisor(actor)) return inOrg;
  if (actor.userId) {
    return eb.and([
      inOrg,
      eb.or([eb('tasks.assignee_id', '=', actor.userId), eb('tasks.created_by', '=', actor.userId)]),
    ]);
  }
  return eb.and([inOrg, eb('tasks.assignee_id', 'is', null), eb('tasks.created_by', 'is', null)]);
}

/**
 * Timestamps are compared and sorted as text, so every stored or compared one is UTC in
 * `toISOString()` form, whatever offset the client sent.
 */
function toUtc(field: string, value: string, inQuery = false): string {
  const ms = Date.parse(value);
  const iso = Number.isNaN(ms) ? '' : new Date(ms).toISOString();
  // An offset can push 9999-12-31 into year 10000, which ISO-8601 text cannot sort or carry.
  if (!/^\d{4}-/.test(iso)) {
    const details = { [field]: 'not a valid date-time' };
    throw inQuery ? new ApiError('BAD_REQUEST', 'invalid query parameters', details) : new ApiError('VALIDATION_FAILED', 'validation failed', details);
  }
  return iso;
}

async function readTask(ctx: ServerContext, id: string): Promise<TaskRead> {
  const row = await selectTasks(ctx.db).where('tasks.id', '=', id).executeTakeFirstOrThrow();
  return toTaskRead(row);
}

export async function getTask(ctx: ServerContext, actor: Actor, id: string): Promise<TaskRead> {
  const row = await selectTasks(ctx.db)
    .where((eb) => eb.and([eb('tasks.id', '=', id), visibleTo(eb, actor)]))
    .executeTakeFirst();
  if (!row) throw notFound('task');
  return toTaskRead(row);
}

export type TaskFilters = Omit<TaskListQuery, 'page' | 'limit'>;

// Most urgent first, then the earliest due (undated last), then id: a total, stable order.
const PRIORITY_RANK = sql<number>`case tasks.priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;
const UNDATED_LAST = sql<number>`case when tasks.due_date is null then 1 else 0 end`;

export async function listTasks(
  ctx: ServerContext,
  actor: Actor,
  query: TaskFilters & { page: number; limit: number },
): Promise<Page<TaskRead>> {
  // due_from is inclusive and due_to exclusive, like the calls list's from/to.
  const dueFrom = query.due_from ? toUtc('due_from', query.due_from, true) : undefined;
  const dueTo = query.due_to ? toUtc('due_to', query.due_to, true) : undefined;
  const conditions = (eb: TaskEb) => {
    const c = [visibleTo(eb, actor)];
    if (query.assignee_id) c.push(eb('tasks.assignee_id', '=', query.assignee_id));
    if (query.status) c.push(eb('tasks.status', '=', query.status));
    if (query.priority) c.push(eb('tasks.priority', '=', query.priority));
    if (query.patient_id) c.push(eb('tasks.patient_id', '=', query.patient_id));
    if (query.call_id) c.push(eb('tasks.call_id', '=', query.call_id));
    if (dueFrom) c.push(eb('tasks.due_date', '>=', dueFrom));
    if (dueTo) c.push(eb('tasks.due_date', '<', dueTo));
    return eb.and(c);
  };

  return fetchPage(
    selectTasks(ctx.db)
      .where(conditions)
      .orderBy(PRIORITY_RANK)
      .orderBy(UNDATED_LAST)
      .orderBy('tasks.due_date')
      .orderBy('tasks.id'),
    ctx.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where(conditions),
    query,
    toTaskRead,
  );
}

/** `GET /users/me/tasks`: the tasks assigned to the signed-in user (API keys have no "me"). */
export async function listMyTasks(ctx: ServerContext, actor: Actor, query: MyTasksQuery): Promise<Page<TaskRead>> {
  const userId = requireUser(actor);
  return listTasks(ctx, actor, { ...query, assignee_id: userId });
}

/**
 * Who a new task goes to. Omitted means the creator. An explicit null leaves it unassigned,
 * but only a supervisor may do that: an agent's task always lands in the agent's own queue.
 */
function resolveAssignee(actor: Actor, requested: string | null | undefined): string | null {
  if (requested === undefined) return actor.userId;
  if (isSupervisor(actor)) return requested;
  if (requested === null || requested === actor.userId) return actor.userId;
  throw forbidden('agents may create tasks only for themselves');
}

async function assertLinksInOrg(ctx: ServerContext, org: string, links: { patient_id?: string | null; call_id?: string | null }) {
  const details: Record<string, string> = {};
  if (links.patient_id) {
    const found = await ctx.db
      .selectFrom('patients')
      .select('id')
      .where('id', '=', links.patient_id)
      .where('organization_id', '=', org)
      .executeTakeFirst();
    if (!found) details.patient_id = 'no such patient';
  }
  if (links.call_id) {
    const found = await ctx.db
      .selectFrom('calls')
      .select('id')
      .where('id', '=', links.call_id)
      .where('organization_id', '=', org)
      .executeTakeFirst();
    if (!found) details.call_id = 'no such call';
  }
  if (Object.keys(details).length) throw new ApiError('VALIDATION_FAILED', 'validation failed', details);
}

export interface TaskCreateInput extends TaskCreate {
  /** client-generated id (sync push); the server makes one otherwise */
  id?: string;
}

export async function createTask(ctx: ServerContext, actor: Actor, input: TaskCreateInput): Promise<TaskRead> {
  const org = actor.organizationId;
  const assigneeId = resolveAssignee(actor, input.assignee_id);
  if (assigneeId) await assertAssignableUser(ctx.db, org, assigneeId, 'assignee_id');
  await assertLinksInOrg(ctx, org, input);
  const dueDate = input.due_date ? toUtc('due_date', input.due_date) : null;
  const id = input.id ?? uuidv7();

  await mutate(ctx, actor, async (m) => {
    const existing = await m.trx.selectFrom('tasks').select('id').where('id', '=', id).executeTakeFirst();
    if (existing) throw new ApiError('CONFLICT', 'a task with this id already exists');
    const row: TaskRow = {
      id,
      organization_id: org,
      title: input.title,
      description: input.description ?? '',
      assignee_id: assigneeId,
      created_by: actor.userId,
      priority: input.priority ?? 'normal',
      status: 'open',
      due_date: dueDate,
      call_id: input.call_id ?? null,
      patient_id: input.patient_id ?? null,
      completed_at: null,
      created_at: m.now,
      updated_at: m.now,
      version: 1,
    };
    await m.trx.insertInto('tasks').values(row).execute();
    await m.record({ entity: 'task', entityId: id, action: 'create', after: row, sync: true });
  });
  return readTask(ctx, id);
}

export interface TaskUpdateOptions {
  /**
   * Whether the actor once owned this task. The sync push passes it so that an agent's offline
   * status change survives a supervisor's concurrent reassignment: status belongs to the person
   * who did the work, the assignee to the supervisor, and both changes stand.
   */
  wasOwner?: () => Promise<boolean>;
}

/** The task as the actor may update it: visible now, or a status-only change by a former owner. */
async function taskToUpdate(ctx: ServerContext, actor: Actor, id: string, patch: TaskUpdate, options: TaskUpdateOptions) {
  try {
    return await getTask(ctx, actor, id);
  } catch (err) {
    const statusOnly = Object.keys(patch).every((k) => k === 'status');
    if (!(err instanceof ApiError) || !statusOnly || !options.wasOwner || !(await options.wasOwner())) throw err;
    const row = await selectTasks(ctx.db)
      .where('tasks.id', '=', id)
      .where('tasks.organization_id', '=', actor.organizationId)
      .executeTakeFirst();
    if (!row) throw err;
    return toTaskRead(row);
  }
}

export async function updateTask(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  patch: TaskUpdate,
  options: TaskUpdateOptions = {},
): Promise<TaskRead> {
  const org = actor.organizationId;
  const current = await taskToUpdate(ctx, actor, id, patch, options); // 404 unless visible
  const reassigns = patch.assignee_id !== undefined && patch.assignee_id !== current.assignee_id;
  const reprioritises = patch.priority !== undefined && patch.priority !== current.priority;
  // Resending the current value is not a change: sync clients send whole rows.
  if ((reassigns || reprioritises) && !isSupervisor(actor)) throw forbidden('only supervisors reassign or reprioritise');
  if (reassigns && patch.assignee_id) await assertAssignableUser(ctx.db, org, patch.assignee_id, 'assignee_id');
  const dueDate = patch.due_date ? toUtc('due_date', patch.due_date) : patch.due_date;

  await mutate(ctx, actor, async (m) => {
    const before = await m.trx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const from = before.status as TaskStatus;
    const set: Partial<TaskRow> = {};
    if (patch.status && patch.status !== from) {
      if (!canTransitionTask(from, patch.status)) {
        throw new ApiError('INVALID_STATUS_TRANSITION', `a task cannot go from ${from} to ${patch.status}`, {
          status: `allowed from ${from}: ${allowedTaskTransitions(from).join(', ') || 'none (final status)'}`,
        });
      }
      set.status = patch.status;
      if (patch.status === 'completed') set.completed_at = m.now;
      else if (from === 'completed') set.completed_at = null; // reopened: no longer done
    }
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.description !== undefined) set.description = patch.description;
    if (dueDate !== undefined) set.due_date = dueDate;
    if (patch.priority !== undefined) set.priority = patch.priority;
    if (patch.assignee_id !== undefined) set.assignee_id = patch.assignee_id;

    const changed = Object.fromEntries(
      Object.entries(set).filter(([k, v]) => (before as Record<string, unknown>)[k] !== v),
    ) as Partial<TaskRow>;
    if (Object.keys(changed).length === 0) return;

    const after: TaskRow = { ...before, ...changed, updated_at: m.now, version: before.version + 1 };
    await m.trx
      .updateTable('tasks')
      .set({ ...changed, updated_at: after.updated_at, version: after.version })
      .where('id', '=', id)
      .execute();
    await m.record({ entity: 'task', entityId: id, action: 'update', before, after, sync: true });
  });
  return readTask(ctx, id);
}

/**
 * `DELETE`: cancels, and keeps the row for the audit trail. Recorded as an update (a status
 * change), not a delete, so sync clients receive the cancelled row instead of a tombstone for
 * a record that still exists. Cancelling a cancelled task answers it again; a completed task
 * must be reopened first (409), as the status machine says.
 */
export async function cancelTask(ctx: ServerContext, actor: Actor, id: string): Promise<TaskRead> {
  const current = await getTask(ctx, actor, id);
  if (current.status === 'cancelled') return current;
  return updateTask(ctx, actor, id, { status: 'cancelled' });
}
