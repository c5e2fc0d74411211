/**
 * task.create / task.update: the default assignee, "only supervisors reassign or reprioritise",
 * the task status machine and `completed_at`, and the former-owner rule (an agent's status change
 * made before they could know of a reassignment still stands).
 */
import { allowedTaskTransitions, canTransitionTask } from '../domain/task-status';
import type { TaskRead } from '../schemas/tasks';
import type { Mutator } from './define';
import { badTransition, conflict, forbidden, invalid, notFound } from './rule-error';
import { canSee, differs, toUtc } from './rules';
import { isSupervisorRole, type MutatorTx, type RuleActor } from './tx';

/** Omitted: the creator. Only supervisors give a task to someone else or leave it unassigned. */
export function assigneeFor(actor: RuleActor, requested: string | null | undefined): string | null {
  if (requested === undefined) return actor.userId;
  if (isSupervisorRole(actor.role)) return requested;
  if (requested === null || requested === actor.userId) return actor.userId;
  throw forbidden('agents may create tasks only for themselves');
}

/** The assignee's name, or a 422 unless they are an active user of the organization. */
function assigneeName(tx: MutatorTx, userId: string | null): string | null {
  if (!userId) return null;
  const user = tx.read('user', userId);
  if (user === null || user?.active === false) throw invalid({ assignee_id: 'no such active user in this organization' });
  return user?.name ?? (userId === tx.actor.userId ? tx.actor.name : null);
}

export const taskCreate: Mutator<'task.create'> = {
  name: 'task.create',
  reads: (a, actor) => {
    const records: [('user' | 'patient' | 'call'), string][] = [];
    for (const user of new Set([a.assignee_id, actor.userId])) if (user) records.push(['user', user]);
    if (a.patient_id) records.push(['patient', a.patient_id]);
    if (a.call_id) records.push(['call', a.call_id]);
    return { records };
  },
  run(tx, a) {
    const assignee = assigneeFor(tx.actor, a.assignee_id);
    const name = assigneeName(tx, assignee);
    const details: Record<string, string> = {};
    if (a.patient_id && tx.read('patient', a.patient_id) === null) details.patient_id = 'no such patient';
    if (a.call_id && tx.read('call', a.call_id) === null) details.call_id = 'no such call';
    if (Object.keys(details).length) throw invalid(details);
    const due = a.due_date ? toUtc('due_date', a.due_date) : null;
    if (tx.taken('task', a.id)) throw conflict('a task with this id already exists');
    tx.write('task', {
      id: a.id,
      organization_id: tx.actor.organizationId,
      title: a.title,
      description: a.description ?? '',
      assignee_id: assignee,
      assignee_name: name,
      created_by: tx.actor.userId,
      priority: a.priority ?? 'normal',
      status: 'open',
      due_date: due,
      call_id: a.call_id ?? null,
      patient_id: a.patient_id ?? null,
      completed_at: null,
      created_at: tx.now,
      updated_at: tx.now,
      version: 0,
    });
  },
};

/**
 * The task as the actor may change it: visible now, or (through the sync push) a status-only
 * change by someone who owned it, made on a version from before the reassignment that took it
 * away (so it was made offline, before they could know).
 */
function taskToUpdate(tx: MutatorTx, a: { id: string; based_on?: number } & Record<string, unknown>): TaskRead {
  const current = tx.read('task', a.id);
  if (current && canSee(tx.actor, 'task', current)) return current;
  const statusOnly = Object.keys(a).every((k) => k === 'id' || k === 'status' || k === 'based_on');
  if (current && statusOnly && tx.wasOwner('task', a.id, a.based_on)) return current;
  throw notFound('task');
}

export const taskUpdate: Mutator<'task.update'> = {
  name: 'task.update',
  reads: (a) => ({ records: [['task', a.id], ...(a.assignee_id ? [['user', a.assignee_id] as ['user', string]] : [])], ownership: true }),
  run(tx, a) {
    const current = taskToUpdate(tx, a);
    const reassigns = a.assignee_id !== undefined && a.assignee_id !== current.assignee_id;
    const reprioritises = a.priority !== undefined && a.priority !== current.priority;
    // Resending the current value is not a change.
    if ((reassigns || reprioritises) && !isSupervisorRole(tx.actor.role)) throw forbidden('only supervisors reassign or reprioritise');
    const next: TaskRead = { ...current };
    if (reassigns) {
      next.assignee_id = a.assignee_id ?? null;
      next.assignee_name = assigneeName(tx, next.assignee_id);
    }
    if (a.due_date !== undefined) next.due_date = a.due_date ? toUtc('due_date', a.due_date) : null;
    if (a.status && a.status !== current.status) {
      if (!canTransitionTask(current.status, a.status)) throw badTransition('task', current.status, a.status, allowedTaskTransitions(current.status));
      next.status = a.status;
      if (a.status === 'completed') next.completed_at = tx.now;
      else if (current.status === 'completed') next.completed_at = null; // reopened: no longer done
    }
    if (a.title !== undefined) next.title = a.title;
    if (a.description !== undefined) next.description = a.description;
    if (a.priority !== undefined) next.priority = a.priority;
    if (!differs(current, next)) return;
    next.updated_at = tx.now;
    tx.write('task', next);
  },
};
