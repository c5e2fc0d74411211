import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pageOf } from '../../../src-shared/schemas/common';
import { UserListQuery, UserRead } from '../../../src-shared/schemas/users';
import { getMe, listUsers } from '../../domain/users';
import type { ServerContext } from '../../domain/server-context';
import { actorOf } from '../../http/auth';
import { OrgParams, orgActor } from '../../http/params';

export function v1UserRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/users/me',
      {
        schema: {
          tags: ['users'],
          summary: 'The signed-in user (403 for API keys, which have no user)',
          response: { 200: UserRead },
        },
      },
      async (req) => getMe(ctx, actorOf(req)),
    );

    app.get(
      '/organizations/:org_id/users',
      {
        schema: {
          tags: ['users'],
          summary: "List the organization's users, ordered by name",
          params: OrgParams,
          querystring: UserListQuery,
          response: { 200: pageOf(UserRead) },
        },
      },
      async (req) => listUsers(ctx, orgActor(req, req.params.org_id), req.query),
    );
  };
}
