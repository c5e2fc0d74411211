/** The sync protocol's three endpoints (docs/sync-protocol.md). Signed-in users only. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EventsQuery, PullQuery, PullResponse, PushRequest, PushResponse } from '../../../src-shared/schemas/sync';
import { requireUser } from '../../domain/actor';
import type { ServerContext } from '../../domain/server-context';
import { OrgParams, orgActor } from '../../http/params';
import { busy, isTransient } from '../../sync/failures';
import { PokeHub } from '../../sync/pokes';
import { Presence } from '../../sync/presence';
import { StreamGuard } from '../../sync/stream-guard';
import { pull } from '../../sync/pull';
import { push, PushInterrupted } from '../../sync/push';

export function v1SyncRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    const pokes = new PokeHub(ctx);
    const guard = new StreamGuard(ctx);
    const presence = new Presence(ctx, app.log);
    // preClose, not onClose: open streams would keep the server from ever finishing its close.
    app.addHook('preClose', async () => {
      guard.close();
      pokes.close();
      presence.close();
    });

    app.post(
      '/organizations/:org_id/sync/push',
      {
        schema: {
          tags: ['sync'],
          summary: "Apply a client's queued mutations in seq order, each exactly once",
          params: OrgParams,
          body: PushRequest,
          response: { 200: PushResponse },
        },
      },
      async (req, reply) => {
        try {
          return await push(ctx, orgActor(req, req.params.org_id), req.body);
        } catch (err) {
          if (err instanceof PushInterrupted) {
            if (err.transient) reply.header('Retry-After', '1');
            else req.log.error({ err: err.reason }, 'sync push interrupted');
          }
          throw err;
        }
      },
    );

    app.get(
      '/organizations/:org_id/sync/pull',
      {
        schema: {
          tags: ['sync'],
          summary: 'The changes the user may see since the cursor, one page at a time',
          params: OrgParams,
          querystring: PullQuery,
          response: { 200: PullResponse },
        },
        // The schema documents the page; checking every change against its six-way union cost
        // twice the serialisation (5,000 changes: 35 ms of zod, 18 ms of JSON.stringify). Every
        // field comes from the same explicit mappers as the REST answers (sync/records.ts).
        serializerCompiler: () => (data) => JSON.stringify(data),
      },
      async (req, reply) => {
        try {
          return await pull(ctx, orgActor(req, req.params.org_id), req.query);
        } catch (err) {
          if (!isTransient(err)) throw err;
          reply.header('Retry-After', '1');
          throw busy();
        }
      },
    );

    app.get(
      '/organizations/:org_id/sync/events',
      {
        schema: {
          tags: ['sync'],
          summary: 'Server-Sent Events: `event: poke` with `{"cursor": N}` when the user should pull',
          params: OrgParams,
          querystring: EventsQuery,
        },
      },
      async (req, reply) => {
        const actor = orgActor(req, req.params.org_id);
        const userId = requireUser(actor);
        pokes.open(req, reply, actor.organizationId, { userId, role: actor.role }, req.query.client_id);
        guard.track(reply.raw, userId, actor.sessionFamily ?? null);
        presence.track(reply.raw, actor.organizationId, userId);
        return reply;
      },
    );
  };
}
