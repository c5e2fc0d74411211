/** Path parameters shared by the routes, and the organization check every org route makes. */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../domain/actor';
import { notFound } from './api-error';
import { actorOf } from './auth';

export const OrgParams = z.object({ org_id: z.uuid() });
export const IdParams = z.object({ id: z.uuid() });
export const OrgIdParams = (name: string) => OrgParams.extend({ [name]: z.uuid() });

/**
 * The actor, provided the path's organization is the credential's own. Another organization
 * answers 404, exactly like a missing one, so ids of other tenants leak nothing.
 */
export function orgActor(request: FastifyRequest, orgId: string): Actor {
  const actor = actorOf(request);
  if (actor.organizationId !== orgId) throw notFound('organization');
  return actor;
}
