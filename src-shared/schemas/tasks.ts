/** Seed 000's task schemas (snake_case). */
import { z } from 'zod';
import { Priority } from '../domain/enums';
import { TaskStatus } from '../domain/task-status';
import { Id, PageQuery, StoredTimestamp, Timestamp } from './common';

export const TaskCreate = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5_000).optional(),
  assignee_id: Id.nullable().optional(),
  priority: Priority.optional(),
  due_date: Timestamp.nullable().optional(),
  call_id: Id.nullable().optional(),
  patient_id: Id.nullable().optional(),
});
export type TaskCreate = z.infer<typeof TaskCreate>;

export const TaskUpdate = z
  .object({
    status: TaskStatus,
    priority: Priority,
    due_date: Timestamp.nullable(),
    assignee_id: Id.nullable(),
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5_000),
  })
  .partial()
  .refine((u) => Object.keys(u).length > 0, { message: 'at least one field is required' });
export type TaskUpdate = z.infer<typeof TaskUpdate>;

export const TaskRead = z.object({
  id: Id,
  organization_id: Id,
  title: z.string(),
  description: z.string(),
  assignee_id: Id.nullable(),
  assignee_name: z.string().nullable(),
  created_by: Id.nullable(),
  priority: Priority,
  status: TaskStatus,
  due_date: StoredTimestamp.nullable(),
  call_id: Id.nullable(),
  patient_id: Id.nullable(),
  completed_at: StoredTimestamp.nullable(),
  created_at: StoredTimestamp,
  updated_at: StoredTimestamp,
  version: z.number().int(),
});
export type TaskRead = z.infer<typeof TaskRead>;

export const TaskListQuery = PageQuery.extend({
  assignee_id: Id.optional(),
  status: TaskStatus.optional(),
  priority: Priority.optional(),
  patient_id: Id.optional(),
  call_id: Id.optional(),
  due_from: Timestamp.optional(),
  due_to: Timestamp.optional(),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

export const MyTasksQuery = TaskListQuery.omit({ assignee_id: true });
export type MyTasksQuery = z.infer<typeof MyTasksQuery>;
