/** Who is acting: every service call takes one, every audit entry records one. */
import type { Role } from '../../src-shared/domain/enums';
import type { AuthMethod } from '../../src-shared/schemas/audit';
import { forbidden } from '../http/api-error';

export interface Actor {
  type: 'user' | 'api_key' | 'system';
  /** user id, API key id, or null for the system */
  id: string | null;
  /** the user whose "own" records this actor sees (null for API keys and the system) */
  userId: string | null;
  organizationId: string;
  role: Role;
  name: string;
  authMethod: AuthMethod;
  requestId: string | null;
  /** the X-Request-Id the client sent, kept apart from the server's own */
  clientRequestId?: string | null;
  ip: string | null;
  /** the session family of a Bearer token (ends its event streams when it ends) */
  sessionFamily?: string | null;
}

export const isSupervisor = (actor: Actor) => actor.role === 'supervisor' || actor.role === 'admin';

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) {
    throw forbidden(`this action needs the ${roles.join(' or ')} role`);
  }
}

export function requireUser(actor: Actor): string {
  if (!actor.userId) throw forbidden('this endpoint needs a signed-in user, not an API key');
  return actor.userId;
}

/** Where entries that belong to no organization are kept (sign-ins for unknown emails, refusals of anonymous traffic). */
export const NO_ORGANIZATION = '00000000-0000-0000-0000-000000000000';

export function systemActor(organizationId: string): Actor {
  return {
    type: 'system',
    id: null,
    userId: null,
    organizationId,
    role: 'admin',
    name: 'system',
    authMethod: 'system',
    requestId: null,
    ip: null,
  };
}
