import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiKeyCreate, ApiKeyCreated, ApiKeyRead } from '../../../src-shared/schemas/auth';
import { pageOf, PageQuery } from '../../../src-shared/schemas/common';
import { createApiKey, listApiKeys, revokeApiKey } from '../../domain/api-keys';
import type { ServerContext } from '../../domain/server-context';
import { OrgParams, orgActor } from '../../http/params';

const KeyParams = OrgParams.extend({ key_id: z.uuid() });

export function v1ApiKeyRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/organizations/:org_id/api-keys',
      {
        schema: {
          tags: ['api-keys'],
          summary: 'Create an API key (admin; the key is shown in this answer only)',
          params: OrgParams,
          body: ApiKeyCreate,
          response: { 201: ApiKeyCreated },
        },
      },
      async (req, reply) => {
        const created = await createApiKey(ctx, orgActor(req, req.params.org_id), req.body);
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/organizations/:org_id/api-keys',
      {
        schema: {
          tags: ['api-keys'],
          summary: "List the organization's API keys (admin; never the key itself)",
          params: OrgParams,
          querystring: PageQuery,
          response: { 200: pageOf(ApiKeyRead) },
        },
      },
      async (req) => listApiKeys(ctx, orgActor(req, req.params.org_id), req.query),
    );

    app.delete(
      '/organizations/:org_id/api-keys/:key_id',
      {
        schema: {
          tags: ['api-keys'],
          summary: 'Revoke an API key (admin); it answers 401 from then on',
          params: KeyParams,
          response: { 200: ApiKeyRead },
        },
      },
      async (req) => revokeApiKey(ctx, orgActor(req, req.params.org_id), req.params.key_id),
    );
  };
}
