/**
 * Seed 003's calls: the same records as seed 000's (one store, domain/calls.ts), in camelCase.
 * Only the mapping lives here; status rules, permissions and webhooks are the call service's.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { onCallPageOf, pageRequestOf, toOnCallPage } from '../../../src-shared/schemas/common';
import { OnCallCall, OnCallCallCreate, OnCallCallListQuery, OnCallCallUpdate } from '../../../src-shared/schemas/oncall';
import { createCall, getCall, toOnCallCall, updateCall } from '../../domain/calls';
import { listCalls } from '../../domain/calls-list';
import type { ServerContext } from '../../domain/server-context';
import { actorOf } from '../../http/auth';
import { IdParams } from '../../http/params';

/** The call service compares stored `toISOString()` text, so offsets and precision are normalised. */
const iso = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

export function oncallCallRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/calls',
      {
        schema: {
          tags: ['oncall'],
          summary: 'List calls (no default date range)',
          querystring: OnCallCallListQuery,
          response: { 200: onCallPageOf(OnCallCall) },
        },
      },
      async (req) => {
        const q = req.query;
        const page = await listCalls(
          ctx,
          actorOf(req),
          { region: q.region, status: q.status, from: iso(q.startDate), to: iso(q.endDate), ...pageRequestOf(q) },
          { defaultToToday: false },
        );
        return toOnCallPage(page, toOnCallCall);
      },
    );

    app.post(
      '/calls',
      {
        schema: { tags: ['oncall'], summary: 'Create a call', body: OnCallCallCreate, response: { 201: OnCallCall } },
      },
      async (req, reply) => {
        const b = req.body;
        const call = await createCall(ctx, actorOf(req), {
          phone_number: b.phoneNumber,
          region: b.region,
          priority: b.priority,
          direction: b.direction,
          status: b.status,
          patient_id: b.patientId,
          metadata: b.metadata,
        });
        return reply.status(201).send(toOnCallCall(call));
      },
    );

    app.get(
      '/calls/:id',
      { schema: { tags: ['oncall'], summary: 'Get a call', params: IdParams, response: { 200: OnCallCall } } },
      async (req) => toOnCallCall(await getCall(ctx, actorOf(req), req.params.id)),
    );

    app.patch(
      '/calls/:id',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Update a call (status workflow as in the v1 facade; metadata is merged)',
          params: IdParams,
          body: OnCallCallUpdate,
          response: { 200: OnCallCall },
        },
      },
      async (req) => toOnCallCall(await updateCall(ctx, actorOf(req), req.params.id, req.body)),
    );
  };
}
