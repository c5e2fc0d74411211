/** Seed 003's compliance records (supervisor or admin only). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { onCallPageOf, toOnCallPage } from '../../../src-shared/schemas/common';
import { Compliance, ComplianceCreate, ComplianceListQuery, ComplianceUpdate } from '../../../src-shared/schemas/oncall';
import { createCompliance, getCompliance, listCompliance, updateCompliance } from '../../domain/compliance';
import type { ServerContext } from '../../domain/server-context';
import { actorOf } from '../../http/auth';
import { IdParams } from '../../http/params';

export function oncallComplianceRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/compliance',
      {
        schema: {
          tags: ['oncall'],
          summary: 'List compliance records',
          querystring: ComplianceListQuery,
          response: { 200: onCallPageOf(Compliance) },
        },
      },
      async (req) => toOnCallPage(await listCompliance(ctx, actorOf(req), req.query)),
    );

    app.post(
      '/compliance',
      {
        schema: { tags: ['oncall'], summary: 'Create a compliance record', body: ComplianceCreate, response: { 201: Compliance } },
      },
      async (req, reply) => reply.status(201).send(await createCompliance(ctx, actorOf(req), req.body)),
    );

    app.get(
      '/compliance/:id',
      { schema: { tags: ['oncall'], summary: 'Get a compliance record', params: IdParams, response: { 200: Compliance } } },
      async (req) => getCompliance(ctx, actorOf(req), req.params.id),
    );

    app.patch(
      '/compliance/:id',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Update a compliance record (details and metadata are merged)',
          params: IdParams,
          body: ComplianceUpdate,
          response: { 200: Compliance },
        },
      },
      async (req) => updateCompliance(ctx, actorOf(req), req.params.id, req.body),
    );
  };
}
