import { z } from 'zod';
import { Id, PageQuery, StoredTimestamp, Timestamp } from './common';

/** `denied`: a known principal refused (403, or 404 on a record it may not see); `rate_limited`: a 429. */
export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'login', 'login_failed', 'logout', 'refresh', 'key_use', 'revoke', 'denied', 'rate_limited', 'disable', 'enable'] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

export const ActorType = z.enum(['user', 'api_key', 'system']);
export type ActorType = z.infer<typeof ActorType>;
export const AuthMethod = z.enum(['token', 'api_key', 'password', 'refresh_token', 'system']);
export type AuthMethod = z.infer<typeof AuthMethod>;

/** `changes` maps each changed field to its value before and after. */
export const AuditEntry = z.object({
  id: z.number().int(),
  organization_id: Id,
  actor_type: ActorType,
  actor_id: z.string().nullable(),
  auth_method: AuthMethod,
  action: AuditAction,
  entity: z.string(),
  entity_id: z.string().nullable(),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
  /** the server's id of the request (its X-Request-Id answer header) */
  request_id: z.string().nullable(),
  /** the X-Request-Id the client sent, if any */
  client_request_id: z.string().nullable(),
  ip: z.string().nullable(),
  created_at: StoredTimestamp,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditListQuery = PageQuery.extend({
  entity: z.string().max(40).optional(),
  entity_id: z.string().max(64).optional(),
  actor_id: z.string().max(64).optional(),
  action: AuditAction.optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
});
export type AuditListQuery = z.infer<typeof AuditListQuery>;
