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
import { PRIORITY_ORDER } from '../../src-shared/domain/task-order';
import type { TaskStatus } from '../../src-shared/domain/task-status';
import type { Page } from '../../src-shared/schemas/common';
import type { MyTasksQuery, TaskCreate, TaskListQuery, TaskRead, TaskUpdate } from '../../src-shared/schemas/tasks';
import type { Database, TaskRow } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import { isSupervisor, requireUser, type Actor } from './actor';
import { runRule } from './rulebook';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';

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

async function readTask(ctx: ServerContext, actor: Actor, id: string): Promise<TaskRead> {
  const row = await selectTasks(ctx.db).where('tasks.organization_id', '=', actor.organizationId).where('tasks.id', '=', id).executeTakeFirstOrThrow();
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

// The queue order of src-shared/domain/task-order.ts: most urgent first, then the earliest due
// (undated last), then the oldest, then id: a total, stable order.
const PRIORITY_RANK = sql<number>`case tasks.priority ${sql.raw(PRIORITY_ORDER.map((p, i) => `when '${p}' then ${i}`).join(' '))} else ${sql.lit(PRIORITY_ORDER.length)} end`;
/** PRIORITY_RANK of a fetched row (its value in a page cursor). */
const priorityRank = (p: string) => {
  const i = (PRIORITY_ORDER as readonly string[]).indexOf(p);
  return i < 0 ? PRIORITY_ORDER.length : i;
};
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

  return fetchPage({
    list: 'tasks',
    rows: selectTasks(ctx.db).where(conditions),
    count: () =>
      ctx.db
        .selectFrom('tasks')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .where(conditions),
    // The queue order; "undated last" separates the NULL due dates before they are compared.
    keys: [
      { by: PRIORITY_RANK, of: (r) => priorityRank(r.priority) },
      { by: UNDATED_LAST, of: (r) => (r.due_date === null ? 1 : 0) },
      { by: 'tasks.due_date', of: (r) => r.due_date },
      { by: 'tasks.created_at', of: (r) => r.created_at },
      { by: 'tasks.id', of: (r) => r.id },
    ],
    query,
    map: toTaskRead,
  });
}

/** `GET /users/me/tasks`: the tasks assigned to the signed-in user (API keys have no "me"). */
export async function listMyTasks(ctx: ServerContext, actor: Actor, query: MyTasksQuery): Promise<Page<TaskRead>> {
  const userId = requireUser(actor);
  return listTasks(ctx, actor, { ...query, assignee_id: userId });
}

export interface TaskCreateInput extends TaskCreate {
  /** client-generated id (sync push); the server makes one otherwise */
  id?: string;
}

/** `task.create` of the rulebook (src-shared/mutators/tasks.ts). */
export async function createTask(ctx: ServerContext, actor: Actor, input: TaskCreateInput): Promise<TaskRead> {
  const id = input.id ?? uuidv7();
  await runRule(ctx, actor, 'task.create', { ...input, id });
  return readTask(ctx, actor, id);
}

/** `task.update` of the rulebook. */
export async function updateTask(ctx: ServerContext, actor: Actor, id: string, patch: TaskUpdate): Promise<TaskRead> {
  await runRule(ctx, actor, 'task.update', { ...patch, id });
  return readTask(ctx, actor, id);
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
