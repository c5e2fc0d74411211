/**
 * Call outcome codes: the built-in defaults plus the organization's own. Adding one is a
 * one-statement change with no rules beyond uniqueness, so it lives here rather than in a
 * domain module of its own. The organization's settings that the rulebook reads sit beside them.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEFAULT_DISPOSITIONS, Disposition, DispositionCreate } from '../../../src-shared/domain/dispositions';
import { requireRole, type Actor } from '../../domain/actor';
import { mutate } from '../../domain/mutation';
import { defaultCountry, listDispositions } from '../../domain/organizations';
import type { ServerContext } from '../../domain/server-context';
import { isConstraintViolation } from '../../db/errors';
import { ApiError } from '../../http/api-error';
import { OrgParams, orgActor } from '../../http/params';

async function addDisposition(ctx: ServerContext, actor: Actor, input: DispositionCreate): Promise<Disposition> {
  requireRole(actor, 'admin');
  const conflict = () => new ApiError('CONFLICT', `disposition code "${input.code}" already exists`, { code: input.code });
  if (DEFAULT_DISPOSITIONS.some((d) => d.code === input.code)) throw conflict();
  return mutate(ctx, actor, async (m) => {
    // Checked inside the transaction; on PostgreSQL two admins adding the same code at once may
    // both pass the check, and the loser meets the unique key: the same 409.
    const existing = await m.trx
      .selectFrom('org_dispositions')
      .select('code')
      .where('organization_id', '=', actor.organizationId)
      .where('code', '=', input.code)
      .executeTakeFirst();
    if (existing) throw conflict();
    const row = { organization_id: actor.organizationId, code: input.code, label: input.label, created_at: m.now };
    await m.trx
      .insertInto('org_dispositions')
      .values(row)
      .execute()
      .catch((err: unknown) => {
        throw isConstraintViolation(err) ? conflict() : err;
      });
    await m.record({ entity: 'disposition', entityId: input.code, action: 'create', after: row });
    return { code: input.code, label: input.label, builtin: false };
  });
}

/** What a desktop needs to run the rulebook as the server does (phone numbers read with the organization's country). */
export const OrganizationSettings = z.object({ default_country: z.string().length(2) });

export function v1DispositionRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/organizations/:org_id/settings',
      {
        schema: {
          tags: ['dispositions'],
          summary: "The organization's settings the desktop's rulebook uses (the default phone country)",
          params: OrgParams,
          response: { 200: OrganizationSettings },
        },
      },
      async (req) => ({ default_country: await defaultCountry(ctx.db, orgActor(req, req.params.org_id).organizationId) }),
    );

    app.get(
      '/organizations/:org_id/dispositions',
      {
        schema: {
          tags: ['dispositions'],
          summary: "Call outcome codes: the defaults, then the organization's own",
          params: OrgParams,
          response: { 200: z.object({ items: z.array(Disposition) }) },
        },
      },
      async (req) => ({ items: await listDispositions(ctx.db, orgActor(req, req.params.org_id).organizationId) }),
    );

    app.post(
      '/organizations/:org_id/dispositions',
      {
        schema: {
          tags: ['dispositions'],
          summary: 'Add an organization outcome code (admin only; 409 if the code exists)',
          params: OrgParams,
          body: DispositionCreate,
          response: { 201: Disposition },
        },
      },
      async (req, reply) => {
        const created = await addDisposition(ctx, orgActor(req, req.params.org_id), req.body);
        return reply.status(201).send(created);
      },
    );
  };
}
