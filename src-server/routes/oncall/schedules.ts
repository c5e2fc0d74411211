/** Seed 003's staff schedules. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { onCallPageOf, toOnCallPage } from '../../../src-shared/schemas/common';
import { Schedule, ScheduleCreate, ScheduleListQuery, ScheduleUpdate } from '../../../src-shared/schemas/oncall';
import { createSchedule, getSchedule, listSchedules, updateSchedule } from '../../domain/schedules';
import type { ServerContext } from '../../domain/server-context';
import { actorOf } from '../../http/auth';
import { IdParams } from '../../http/params';

export function oncallScheduleRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/schedules',
      {
        schema: {
          tags: ['oncall'],
          summary: "List schedules (the whole organization's rota, for every role); startDate/endDate select shifts overlapping the window",
          querystring: ScheduleListQuery,
          response: { 200: onCallPageOf(Schedule) },
        },
      },
      async (req) => toOnCallPage(await listSchedules(ctx, actorOf(req), req.query)),
    );

    app.post(
      '/schedules',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Create a schedule (supervisor or admin)',
          body: ScheduleCreate,
          response: { 201: Schedule },
        },
      },
      async (req, reply) => reply.status(201).send(await createSchedule(ctx, actorOf(req), req.body)),
    );

    app.get(
      '/schedules/:id',
      { schema: { tags: ['oncall'], summary: 'Get a schedule', params: IdParams, response: { 200: Schedule } } },
      async (req) => getSchedule(ctx, actorOf(req), req.params.id),
    );

    app.patch(
      '/schedules/:id',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Update a schedule (supervisor or admin; metadata is merged)',
          params: IdParams,
          body: ScheduleUpdate,
          response: { 200: Schedule },
        },
      },
      async (req) => updateSchedule(ctx, actorOf(req), req.params.id, req.body),
    );
  };
}
