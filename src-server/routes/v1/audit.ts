import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuditEntry, AuditListQuery } from '../../../src-shared/schemas/audit';
import { pageOf } from '../../../src-shared/schemas/common';
import { listAudit } from '../../domain/audit';
import type { ServerContext } from '../../domain/server-context';
import { OrgParams, orgActor } from '../../http/params';

export function v1AuditRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/organizations/:org_id/audit',
      {
        schema: {
          tags: ['audit'],
          summary: 'The audit log, newest first (supervisor or admin)',
          params: OrgParams,
          querystring: AuditListQuery,
          response: { 200: pageOf(AuditEntry) },
        },
      },
      async (req) => listAudit(ctx, orgActor(req, req.params.org_id), req.query),
    );
  };
}
