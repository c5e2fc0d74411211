import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CallCreate, CallListQuery, CallRead, CallUpdate } from '../../../src-shared/schemas/calls';
import { pageOf } from '../../../src-shared/schemas/common';
import { createCall, getCall, updateCall } from '../../domain/calls';
import { listCalls, listCallsJson } from '../../domain/calls-list';
import type { ServerContext } from '../../domain/server-context';
import { OrgParams, orgActor } from '../../http/params';
import { sendJsonText } from '../../http/serializer';

const CallParams = OrgParams.extend({ call_id: z.uuid() });

export function v1CallRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/organizations/:org_id/calls',
      {
        schema: {
          tags: ['calls'],
          summary: "List calls (default: today's)",
          params: OrgParams,
          querystring: CallListQuery,
          response: { 200: pageOf(CallRead) },
        },
      },
      async (req, reply) => {
        const actor = orgActor(req, req.params.org_id);
        // SQLite writes the answer's JSON itself (domain/calls-list.ts).
        const json = await listCallsJson(ctx, actor, req.query);
        if (json === null) return listCalls(ctx, actor, req.query);
        return sendJsonText(reply, json);
      },
    );

    app.post(
      '/organizations/:org_id/calls',
      {
        schema: {
          tags: ['calls'],
          summary: 'Log a new call (starts its timer)',
          params: OrgParams,
          body: CallCreate,
          response: { 201: CallRead },
        },
      },
      async (req, reply) => {
        const call = await createCall(ctx, orgActor(req, req.params.org_id), req.body);
        return reply.status(201).send(call);
      },
    );

    app.get(
      '/organizations/:org_id/calls/:call_id',
      { schema: { tags: ['calls'], summary: 'Get a call', params: CallParams, response: { 200: CallRead } } },
      async (req) => getCall(ctx, orgActor(req, req.params.org_id), req.params.call_id),
    );

    app.patch(
      '/organizations/:org_id/calls/:call_id',
      {
        schema: {
          tags: ['calls'],
          summary: 'Update status, notes, outcome (completing sets ended_at)',
          params: CallParams,
          body: CallUpdate,
          response: { 200: CallRead },
        },
      },
      async (req) => updateCall(ctx, orgActor(req, req.params.org_id), req.params.call_id, req.body),
    );
  };
}
