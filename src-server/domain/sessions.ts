/** Sign-in, token refresh and credential resolution (Bearer tokens and API keys). */
import { v7 as uuidv7 } from 'uuid';
import type { Role } from '../../src-shared/domain/enums';
import type { LoginRequest, TokenResponse } from '../../src-shared/schemas/auth';
import { ApiError } from '../http/api-error';
import { dummyPasswordHash, hashPassword, needsRehash, randomToken, scryptCostOf, sha256, verifyPassword } from '../http/secrets';
import type { SignInGuard } from '../http/sign-in-guard';
import { NO_ORGANIZATION, systemActor, type Actor } from './actor';
import { appendStandaloneEntry } from './audit-log';
import { mutate, type Mutation } from './mutation';
import type { ServerContext } from './server-context';
import type { Db } from '../db/connection';
import { QueryTemplate } from '../db/query-templates';
import type { UserRow } from '../db/schema';

export interface RequestMeta {
  requestId: string | null;
  /** the X-Request-Id the client sent */
  clientRequestId?: string | null;
  ip: string | null;
  /** "METHOD /path", kept in the audit entry of an API key use */
  route?: string;
}

function userActor(user: Pick<UserRow, 'id' | 'organization_id' | 'role' | 'name'>, authMethod: Actor['authMethod'], { requestId, clientRequestId, ip }: RequestMeta): Actor {
  return {
    type: 'user',
    id: user.id,
    userId: user.id,
    organizationId: user.organization_id,
    role: user.role as Role,
    name: user.name,
    authMethod,
    requestId,
    clientRequestId: clientRequestId ?? null,
    ip,
  };
}

/**
 * Mints a session. A sign-in starts a family; a refresh continues its predecessor's, inside the
 * same transaction that rotated the predecessor (`rotate`), so the two commit together.
 */
async function issueTokens(
  ctx: ServerContext,
  user: UserRow,
  actor: Actor,
  action: 'login' | 'refresh',
  rotate?: (m: Mutation) => Promise<string>,
) {
  const access = randomToken('oca');
  const refresh = randomToken('ocr');
  const now = ctx.now();
  const { ACCESS_TOKEN_TTL_SECONDS: accessTtl, REFRESH_TOKEN_TTL_SECONDS: refreshTtl } = ctx.config;
  const sessionId = uuidv7();
  await mutate(ctx, actor, async (m) => {
    const familyId = rotate ? await rotate(m) : sessionId;
    await m.trx
      .insertInto('sessions')
      .values({
        id: sessionId,
        user_id: user.id,
        organization_id: user.organization_id,
        access_hash: sha256(access),
        refresh_hash: sha256(refresh),
        access_expires_at: new Date(now.getTime() + accessTtl * 1000).toISOString(),
        refresh_expires_at: new Date(now.getTime() + refreshTtl * 1000).toISOString(),
        revoked_at: null,
        created_at: m.now,
        family_id: familyId,
        revoke_reason: null,
      })
      .execute();
    await m.record({ entity: 'session', entityId: sessionId, action });
  });
  const response: TokenResponse = {
    access_token: access,
    token_type: 'bearer',
    expires_in: accessTtl,
    refresh_token: refresh,
    refresh_expires_in: refreshTtl,
    user: { id: user.id, organization_id: user.organization_id, role: user.role as Role, name: user.name, email: user.email },
  };
  return response;
}

/**
 * Password sign-in, guarded (src-server/http/sign-in-guard.ts): a locked account answers 429
 * before any hashing, the hash waits for a bounded slot (503 when none is free soon), and a
 * success with a hash of older parameters stores a new one.
 */
export async function login(ctx: ServerContext, body: LoginRequest, meta: RequestMeta, guard: SignInGuard): Promise<TokenResponse> {
  const account = body.email.toLowerCase();
  await guard.accounts.check(account);
  const user = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', account)
    .executeTakeFirst();
  const ok = await guard.hashing.run(() => verifyPassword(body.password, user?.password_hash ?? dummyPasswordHash(scryptCostOf(ctx.config))));
  if (!user || !ok || !user.active) {
    await guard.accounts.failed(account);
    if (user) {
      await mutate(ctx, userActor(user, 'password', meta), (m) =>
        m.record({ entity: 'user', entityId: user.id, action: 'login_failed' }),
      );
    } else {
      // An unknown email belongs to no organization: its entry is kept under none, for the
      // operator (audit:verify covers it), never listed to a tenant.
      const actor: Actor = { ...systemActor(NO_ORGANIZATION), requestId: meta.requestId, clientRequestId: meta.clientRequestId ?? null, ip: meta.ip };
      await appendStandaloneEntry(ctx.db, actor, { action: 'login_failed', entity: 'sign_in', entityId: null, after: { email: account } }, ctx.now().toISOString());
    }
    throw new ApiError('UNAUTHORIZED', 'email or password is incorrect');
  }
  await guard.accounts.succeeded(account);
  if (needsRehash(user.password_hash, scryptCostOf(ctx.config))) await rehash(ctx, guard, user, body.password);
  return issueTokens(ctx, user, userActor(user, 'password', meta), 'login');
}

/** Upgrades a stored hash to the current parameters; skipped (next time) when hashing is busy. */
async function rehash(ctx: ServerContext, guard: SignInGuard, user: UserRow, password: string): Promise<void> {
  let hash: string;
  try {
    hash = await guard.hashing.run(() => hashPassword(password, scryptCostOf(ctx.config)));
  } catch (err) {
    if (err instanceof ApiError) return;
    throw err;
  }
  // only over the hash just verified: a password changed meanwhile wins
  await ctx.db.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).where('password_hash', '=', user.password_hash).execute();
}

const refreshRefused = () => new ApiError('UNAUTHORIZED', 'refresh token is invalid or expired');

/**
 * Rotates the pair: the old refresh token stops working, so a stolen one is only good once. A
 * rotated token presented again means two parties hold it (the thief or the owner used it
 * first): the whole family is revoked, ending both (OAuth 2.0 security best practice).
 */
export async function refresh(ctx: ServerContext, refreshToken: string, meta: RequestMeta): Promise<TokenResponse> {
  const nowIso = ctx.now().toISOString();
  const session = await ctx.db
    .selectFrom('sessions')
    .selectAll()
    .where('refresh_hash', '=', sha256(refreshToken))
    .executeTakeFirst();
  if (!session) throw refreshRefused();
  const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
  if (session.revoke_reason === 'rotated') {
    if (user) await revokeFamily(ctx, userActor(user, 'refresh_token', meta), session.family_id, 'reuse');
    throw refreshRefused();
  }
  if (session.revoked_at || session.refresh_expires_at <= nowIso) throw refreshRefused();
  if (!user || !user.active) throw new ApiError('UNAUTHORIZED', 'user is disabled');
  const actor = userActor(user, 'refresh_token', meta);
  try {
    return await issueTokens(ctx, user, actor, 'refresh', async (m) => {
      // Conditional on still being live: of two requests racing with the same refresh token,
      // only one rotates it; the other is a reuse like any other.
      const rotated = await m.trx
        .updateTable('sessions')
        .set({ revoked_at: m.now, revoke_reason: 'rotated' })
        .where('id', '=', session.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(rotated.numUpdatedRows) !== 1) throw new RotationLost();
      return session.family_id;
    });
  } catch (err) {
    if (!(err instanceof RotationLost)) throw err;
    await revokeFamily(ctx, actor, session.family_id, 'reuse');
    throw refreshRefused();
  }
}

class RotationLost extends Error {}

/** Revokes every live session of a family, audits it, and ends the family's event streams. */
async function revokeFamily(ctx: ServerContext, actor: Actor, familyId: string, reason: 'reuse'): Promise<void> {
  await mutate(ctx, actor, async (m) => {
    const revoked = await m.trx
      .updateTable('sessions')
      .set({ revoked_at: m.now, revoke_reason: reason })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    await m.record({ entity: 'session', entityId: familyId, action: 'revoke', after: { reason, sessions_revoked: revoked.length } });
  });
  ctx.notifier.emit('sessionsEnded', [familyId]);
}

export async function logout(ctx: ServerContext, actor: Actor, accessToken: string): Promise<void> {
  const ended = await mutate(ctx, actor, async (m) => {
    const session = await m.trx
      .updateTable('sessions')
      .set({ revoked_at: m.now, revoke_reason: 'logout' })
      .where('access_hash', '=', sha256(accessToken))
      // only the caller's own session: a request signed with an API key cannot end a user's
      .where('user_id', '=', actor.userId ?? '')
      .where('revoked_at', 'is', null)
      .returning(['id', 'family_id'])
      .executeTakeFirst();
    if (session) await m.record({ entity: 'session', entityId: session.id, action: 'logout' });
    return session?.family_id;
  });
  // A session's family holds one live session at a time (refresh revokes the old one).
  if (ended) ctx.notifier.emit('sessionsEnded', [ended]);
}

/**
 * The Bearer lookup runs on every request: compiled once (src-server/db/query-templates.ts) and
 * reading only what an actor needs. Looked up every time, never cached, so a logout or a
 * revocation through any instance ends the token on its next request.
 */
const sessionLookup = new QueryTemplate('session lookup', (db: Db, p) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.organization_id', 'users.role', 'users.name', 'users.active'])
    .select(['sessions.access_expires_at', 'sessions.revoked_at', 'sessions.family_id'])
    .where('sessions.access_hash', '=', p('hash')),
);

type SessionLookupRow = Pick<UserRow, 'id' | 'organization_id' | 'role' | 'name' | 'active'> & {
  access_expires_at: string;
  revoked_at: string | null;
  family_id: string;
};

export async function actorFromAccessToken(ctx: ServerContext, token: string, meta: RequestMeta): Promise<Actor> {
  const { rows } = await ctx.db.executeQuery(sessionLookup.compile<SessionLookupRow>(ctx.db, { hash: sha256(token) }));
  const row = rows[0];
  if (!row || row.revoked_at || !row.active) throw new ApiError('UNAUTHORIZED', 'invalid access token');
  if (row.access_expires_at <= ctx.now().toISOString()) {
    throw new ApiError('TOKEN_EXPIRED', 'access token expired: refresh it with POST /api/v1/auth/refresh');
  }
  return { ...userActor(row, 'token', meta), sessionFamily: row.family_id };
}

export async function actorFromApiKey(ctx: ServerContext, key: string, meta: RequestMeta): Promise<Actor> {
  const nowIso = ctx.now().toISOString();
  const row = await ctx.db.selectFrom('api_keys').selectAll().where('key_hash', '=', sha256(key)).executeTakeFirst();
  if (!row || row.revoked_at) throw new ApiError('UNAUTHORIZED', 'invalid API key');
  if (row.expires_at <= nowIso) throw new ApiError('UNAUTHORIZED', 'API key expired');
  const actor: Actor = {
    type: 'api_key',
    id: row.id,
    userId: null,
    organizationId: row.organization_id,
    role: row.role as Role,
    name: row.name,
    authMethod: 'api_key',
    requestId: meta.requestId,
    clientRequestId: meta.clientRequestId ?? null,
    ip: meta.ip,
  };
  return actor;
}

/**
 * Stamps `last_used_at` and audits the use. Separate from resolving the key so the caller can
 * skip it for requests the rate limiter refuses: a flood of refused requests must not turn into
 * a flood of writes.
 */
export async function recordApiKeyUse(ctx: ServerContext, actor: Actor, meta: RequestMeta): Promise<void> {
  if (actor.type !== 'api_key' || !actor.id) return;
  const keyId = actor.id;
  await mutate(ctx, actor, async (m) => {
    await m.trx.updateTable('api_keys').set({ last_used_at: m.now }).where('id', '=', keyId).execute();
    await m.record({
      entity: 'api_key',
      entityId: keyId,
      action: 'key_use',
      after: meta.route ? { request: meta.route } : null,
    });
  });
}
