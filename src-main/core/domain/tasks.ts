/** task.create / task.update applied locally with the API's rules (status machine, who may assign). */
import { allowedTaskTransitions, canTransitionTask } from '../../../src-shared/domain/task-status';
import type { MutatorArgs } from '../../../src-shared/schemas/sync';
import type { TaskRead } from '../../../src-shared/schemas/tasks';
import { CoreError, forbidden, notFound } from '../errors';
import { changedFields, isSupervisor, toUtc, type MutatorContext } from './context';

type Create = MutatorArgs<'task.create'>;
type Update = MutatorArgs<'task.update'>;

/** Omitted: the creator. Only supervisors give a task to someone else or leave it unassigned. */
function assigneeFor(requested: string | null | undefined, ctx: MutatorContext): string | null {
  if (requested === undefined) return ctx.user.id;
  if (isSupervisor(ctx.user)) return requested;
  if (requested === null || requested === ctx.user.id) return ctx.user.id;
  throw forbidden('agents may create tasks only for themselves');
}

const nameOf = (id: string | null, ctx: MutatorContext) => (id ? (ctx.userById(id)?.name ?? (id === ctx.user.id ? ctx.user.name : null)) : null);

export const taskCreate = {
  prepare(args: Create, _current: TaskRead | null, ctx: MutatorContext): Create {
    return {
      ...args,
      assignee_id: assigneeFor(args.assignee_id, ctx),
      ...(args.due_date ? { due_date: toUtc(args.due_date) } : {}),
    };
  },
  apply(args: Create, _current: TaskRead | null, ctx: MutatorContext): TaskRead {
    const assignee = args.assignee_id === undefined ? ctx.user.id : args.assignee_id;
    return {
      id: args.id,
      organization_id: ctx.user.organization_id,
      title: args.title,
      description: args.description ?? '',
      assignee_id: assignee,
      assignee_name: nameOf(assignee, ctx),
      created_by: ctx.user.id,
      priority: args.priority ?? 'normal',
      status: 'open',
      due_date: args.due_date ?? null,
      call_id: args.call_id ?? null,
      patient_id: args.patient_id ?? null,
      completed_at: null,
      created_at: ctx.now,
      updated_at: ctx.now,
      version: 0,
    };
  },
};

export const taskUpdate = {
  prepare(args: Update, current: TaskRead | null, ctx: MutatorContext): Update | null {
    if (!current) throw notFound('task');
    const { id, ...patch } = args;
    if (patch.due_date) patch.due_date = toUtc(patch.due_date);
    const changed = changedFields(patch, current as unknown as Record<string, unknown>);
    if ((changed.assignee_id !== undefined || changed.priority !== undefined) && !isSupervisor(ctx.user)) {
      throw forbidden('only supervisors reassign or reprioritise tasks');
    }
    if (Object.keys(changed).length === 0) return null;
    return { id, ...changed } as Update;
  },
  apply(args: Update, current: TaskRead | null, ctx: MutatorContext): TaskRead {
    if (!current) throw notFound('task');
    const next: TaskRead = { ...current };
    if (args.status && args.status !== current.status) {
      if (!canTransitionTask(current.status, args.status)) {
        const allowed = allowedTaskTransitions(current.status).join(', ') || 'none (final status)';
        throw new CoreError('INVALID_STATUS_TRANSITION', `a task cannot go from ${current.status} to ${args.status}`, {
          status: `allowed from ${current.status}: ${allowed}`,
        });
      }
      next.status = args.status;
      if (args.status === 'completed') next.completed_at = ctx.now;
      else if (current.status === 'completed') next.completed_at = null;
    }
    if (args.title !== undefined) next.title = args.title;
    if (args.description !== undefined) next.description = args.description;
    if (args.due_date !== undefined) next.due_date = args.due_date;
    if (args.priority !== undefined) next.priority = args.priority;
    if (args.assignee_id !== undefined) {
      next.assignee_id = args.assignee_id;
      next.assignee_name = nameOf(args.assignee_id, ctx);
    }
    next.updated_at = ctx.now;
    return next;
  },
};
