import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageOf } from '../../../src-shared/schemas/common';
import { MyTasksQuery, TaskCreate, TaskListQuery, TaskRead, TaskUpdate } from '../../../src-shared/schemas/tasks';
import { cancelTask, createTask, getTask, listMyTasks, listTasks, updateTask } from '../../domain/tasks';
import type { ServerContext } from '../../domain/server-context';
import { actorOf } from '../../http/auth';
import { OrgParams, orgActor } from '../../http/params';

const TaskParams = OrgParams.extend({ task_id: z.uuid() });
const ORDER = 'ordered by priority (urgent first), due_date (undated last), id';

export function v1TaskRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/organizations/:org_id/tasks',
      {
        schema: {
          tags: ['tasks'],
          summary: `List tasks (agents: theirs only), ${ORDER}`,
          params: OrgParams,
          querystring: TaskListQuery,
          response: { 200: pageOf(TaskRead) },
        },
      },
      async (req) => listTasks(ctx, orgActor(req, req.params.org_id), req.query),
    );

    app.get(
      '/users/me/tasks',
      {
        schema: {
          tags: ['tasks'],
          summary: `My assigned tasks, ${ORDER} (403 for API keys)`,
          querystring: MyTasksQuery,
          response: { 200: pageOf(TaskRead) },
        },
      },
      async (req) => listMyTasks(ctx, actorOf(req), req.query),
    );

    app.post(
      '/organizations/:org_id/tasks',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Create a task (agents: only for themselves)',
          params: OrgParams,
          body: TaskCreate,
          response: { 201: TaskRead },
        },
      },
      async (req, reply) => {
        const task = await createTask(ctx, orgActor(req, req.params.org_id), req.body);
        return reply.status(201).send(task);
      },
    );

    app.get(
      '/organizations/:org_id/tasks/:task_id',
      { schema: { tags: ['tasks'], summary: 'Get a task', params: TaskParams, response: { 200: TaskRead } } },
      async (req) => getTask(ctx, orgActor(req, req.params.org_id), req.params.task_id),
    );

    app.patch(
      '/organizations/:org_id/tasks/:task_id',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Update status, priority, due date, assignee, title, description',
          params: TaskParams,
          body: TaskUpdate,
          response: { 200: TaskRead },
        },
      },
      async (req) => updateTask(ctx, orgActor(req, req.params.org_id), req.params.task_id, req.body),
    );

    app.delete(
      '/organizations/:org_id/tasks/:task_id',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Cancel a task (the row is kept for the audit trail; idempotent)',
          params: TaskParams,
          response: { 200: TaskRead },
        },
      },
      async (req) => cancelTask(ctx, orgActor(req, req.params.org_id), req.params.task_id),
    );
  };
}
