import { z } from 'zod';
import { Role } from '../domain/enums';
import { Id, StoredTimestamp, Timestamp } from './common';

export const LoginRequest = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const RefreshRequest = z.object({ refresh_token: z.string().min(16).max(256) });
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export const SessionUser = z.object({
  id: Id,
  organization_id: Id,
  role: Role,
  name: z.string(),
  email: z.string(),
});
export type SessionUser = z.infer<typeof SessionUser>;

export const TokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  refresh_token: z.string(),
  refresh_expires_in: z.number().int(),
  user: SessionUser,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const ApiKeyCreate = z.object({
  name: z.string().trim().min(1).max(100),
  role: Role.default('agent'),
  expires_at: Timestamp.optional(),
});
export type ApiKeyCreate = z.infer<typeof ApiKeyCreate>;

export const ApiKeyRead = z.object({
  id: Id,
  organization_id: Id,
  name: z.string(),
  role: Role,
  prefix: z.string(),
  created_by: Id.nullable(),
  created_at: StoredTimestamp,
  expires_at: StoredTimestamp,
  last_used_at: StoredTimestamp.nullable(),
  revoked_at: StoredTimestamp.nullable(),
});
export type ApiKeyRead = z.infer<typeof ApiKeyRead>;

/** Only the create answer carries the key itself; it is never shown again. */
export const ApiKeyCreated = ApiKeyRead.extend({ key: z.string() });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;

/**
 * Who a credential is (GET /auth/whoami): what an API key needs to learn its organization,
 * since `/users/me` is a user's and answers 403 to a key.
 */
export const Credential = z.object({
  type: z.enum(['user', 'api_key']),
  /** the user's id, or the API key's */
  id: Id,
  organization_id: Id,
  role: Role,
  name: z.string(),
});
export type Credential = z.infer<typeof Credential>;
