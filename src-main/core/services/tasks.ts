/**
 * Tasks: the agent's queue and the supervisor's team view from the local store; changes are
 * local writes. Reassign is `task.update {assignee_id}` per task and cancel is
 * `task.update {status: 'cancelled'}`, the server's own mutators.
 */
import { v7 as uuidv7 } from 'uuid';
import { taskOrderSql } from '../../../src-shared/domain/task-order';
import type { IpcArgs } from '../../../src-shared/ipc/contract';
import type { SessionUser } from '../../../src-shared/schemas/auth';
import type { TaskRead } from '../../../src-shared/schemas/tasks';
import type { UserRead } from '../../../src-shared/schemas/users';
import { isSupervisorRole } from '../../../src-shared/mutators';
import { CoreError, forbidden, invalid, notFound } from '../errors';
import type { LocalWriter } from '../local-writes';
import type { LocalStore } from '../store';

type Filter = IpcArgs<'tasks.team'>;

// The queue order of the API and the views (src-shared/domain/task-order.ts).
const ORDER = `ORDER BY ${taskOrderSql((f) => (f === 'created_at' ? `json_extract(data, '$.created_at')` : f))} LIMIT ?`;

export class TaskService {
  constructor(
    private readonly store: LocalStore,
    private readonly writer: LocalWriter,
    private readonly user: () => SessionUser | null,
  ) {}

  private me(): SessionUser {
    const user = this.user();
    if (!user) throw new CoreError('UNAUTHORIZED', 'sign in first');
    return user;
  }

  private query(filter: Filter): TaskRead[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
      params.push(...filter.status);
    }
    for (const column of ['priority', 'patient_id', 'assignee_id'] as const) {
      if (!filter[column]) continue;
      where.push(`${column} = ?`);
      params.push(filter[column]);
    }
    params.push(filter.limit ?? 5_000);
    return this.store.entities.query<TaskRead>('task', where.join(' AND '), params, ORDER);
  }

  mine(filter: IpcArgs<'tasks.mine'>): TaskRead[] {
    return this.query({ ...filter, assignee_id: this.me().id });
  }

  team(filter: Filter): TaskRead[] {
    if (!isSupervisorRole(this.me().role)) throw forbidden('the team view is for supervisors');
    return this.query(filter);
  }

  get(id: string): TaskRead | null {
    return this.store.entities.get<TaskRead>('task', id)?.data ?? null;
  }

  create(args: IpcArgs<'task.create'>): TaskRead {
    return this.writer.write<TaskRead>('task.create', { ...args, id: uuidv7() });
  }

  update({ id, patch }: IpcArgs<'task.update'>): TaskRead {
    return this.writer.write<TaskRead>('task.update', { ...patch, id });
  }

  /** All or nothing: one transaction queues one task.update per task (who may reassign: the rulebook's task.update). */
  reassign({ ids, assignee_id }: IpcArgs<'tasks.reassign'>): TaskRead[] {
    this.me();
    const assignee = this.store.entities.get<UserRead>('user', assignee_id)?.data;
    // An unknown user may simply not be cached yet: the server has the last word then.
    if (assignee && !assignee.active) throw invalid({ assignee_id: 'this user is deactivated' });
    const unique = [...new Set(ids)];
    for (const id of unique) if (!this.get(id)) throw notFound(`task ${id}`);
    return this.writer.writeMany<TaskRead>(unique.map((id) => ({ name: 'task.update', args: { id, assignee_id } })));
  }

  cancel(id: string): TaskRead {
    return this.writer.write<TaskRead>('task.update', { id, status: 'cancelled' });
  }
}
