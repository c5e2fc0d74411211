/**
 * API keys for integrations: `ock_<prefix>_<secret>`, shown once, stored as a SHA-256 hash plus
 * the prefix (so a key can be recognised in a list without being recoverable). Resolving a key on
 * a request lives in sessions.ts (`actorFromApiKey`); this module creates, lists and revokes.
 *
 * Managing keys needs the admin role; creating and revoking one also needs a signed-in admin,
 * so a leaked key cannot mint itself successors that outlive its revocation.
 */
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Role } from '../../src-shared/domain/enums';
import type { ApiKeyCreate, ApiKeyCreated, ApiKeyRead } from '../../src-shared/schemas/auth';
import type { Page, PageQuery } from '../../src-shared/schemas/common';
import type { ApiKeyRow } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import { randomToken, sha256 } from '../http/secrets';
import { requireRole, requireUser, type Actor } from './actor';
import { mutate } from './mutation';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';

export const API_KEY_PREFIX = 'ock';

export function toApiKeyRead(row: ApiKeyRow): ApiKeyRead {
  return {
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    role: row.role as Role,
    prefix: row.prefix,
    created_by: row.created_by,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  };
}

/** Hex keeps the prefix free of `_`, the separator, so the three parts split unambiguously. */
function newKey(): { key: string; prefix: string } {
  const prefix = randomBytes(4).toString('hex');
  return { key: randomToken(`${API_KEY_PREFIX}_${prefix}`), prefix };
}

export async function createApiKey(ctx: ServerContext, actor: Actor, input: ApiKeyCreate): Promise<ApiKeyCreated> {
  requireRole(actor, 'admin');
  const userId = requireUser(actor);
  const now = ctx.now();
  let expiresAt: string;
  if (input.expires_at) {
    const at = new Date(input.expires_at);
    if (at.getTime() <= now.getTime()) {
      throw new ApiError('VALIDATION_FAILED', 'validation failed', { expires_at: 'must be in the future' });
    }
    expiresAt = at.toISOString();
  } else {
    expiresAt = new Date(now.getTime() + ctx.config.API_KEY_DEFAULT_TTL_DAYS * 86_400_000).toISOString();
  }

  const { key, prefix } = newKey();
  const row = await mutate(ctx, actor, async (m) => {
    const row: ApiKeyRow = {
      id: uuidv7(),
      organization_id: actor.organizationId,
      name: input.name,
      role: input.role,
      prefix,
      key_hash: sha256(key),
      created_by: userId,
      created_at: m.now,
      expires_at: expiresAt,
      last_used_at: null,
      revoked_at: null,
    };
    await m.trx.insertInto('api_keys').values(row).execute();
    // The audit entry gets the public record: neither the key nor its hash.
    await m.record({ entity: 'api_key', entityId: row.id, action: 'create', after: toApiKeyRead(row) });
    return row;
  });
  return { ...toApiKeyRead(row), key };
}

export async function listApiKeys(ctx: ServerContext, actor: Actor, query: PageQuery): Promise<Page<ApiKeyRead>> {
  requireRole(actor, 'admin');
  const base = ctx.db.selectFrom('api_keys').where('organization_id', '=', actor.organizationId);
  return fetchPage({
    list: 'api_keys',
    rows: base.selectAll(),
    count: () => base.select((eb) => eb.fn.countAll<number>().as('total')),
    keys: [
      { by: 'created_at', dir: 'desc', of: (r) => r.created_at },
      { by: 'id', dir: 'desc', of: (r) => r.id },
    ],
    query,
    map: toApiKeyRead,
  });
}

/** Revoking twice answers the same record: the key stays revoked from the first time. */
export async function revokeApiKey(ctx: ServerContext, actor: Actor, id: string): Promise<ApiKeyRead> {
  requireRole(actor, 'admin');
  requireUser(actor);
  return mutate(ctx, actor, async (m) => {
    const before = await m.trx
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .where('organization_id', '=', actor.organizationId)
      .executeTakeFirst();
    if (!before) throw notFound('API key');
    if (before.revoked_at) return toApiKeyRead(before);
    const after: ApiKeyRow = { ...before, revoked_at: m.now };
    await m.trx.updateTable('api_keys').set({ revoked_at: m.now }).where('id', '=', id).execute();
    await m.record({ entity: 'api_key', entityId: id, action: 'revoke', before: toApiKeyRead(before), after: toApiKeyRead(after) });
    return toApiKeyRead(after);
  });
}
