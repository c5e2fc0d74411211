/**
 * The organization's staff as the API shows them. Users are read-only here: accounts are
 * provisioned by admins elsewhere; tasks use `assertAssignableUser` to check an assignee.
 */
import type { Role } from '../../src-shared/domain/enums';
import type { Page } from '../../src-shared/schemas/common';
import type { UserListQuery, UserRead } from '../../src-shared/schemas/users';
import type { Db } from '../db/connection';
import type { UserRow } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import { requireUser, type Actor } from './actor';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';

const USER_COLUMNS = ['id', 'organization_id', 'email', 'name', 'role', 'active', 'created_at', 'updated_at'] as const;

export function toUserRead(row: Omit<UserRow, 'password_hash'>): UserRead {
  return {
    id: row.id,
    organization_id: row.organization_id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    active: row.active === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The signed-in user; API keys have none and get 403. */
export async function getMe(ctx: ServerContext, actor: Actor): Promise<UserRead> {
  const userId = requireUser(actor);
  const row = await ctx.db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('id', '=', userId)
    .where('organization_id', '=', actor.organizationId)
    .executeTakeFirst();
  if (!row) throw notFound('user');
  return toUserRead(row);
}

export async function listUsers(ctx: ServerContext, actor: Actor, query: UserListQuery): Promise<Page<UserRead>> {
  let base = ctx.db.selectFrom('users').where('organization_id', '=', actor.organizationId);
  if (query.role) base = base.where('role', '=', query.role);
  return fetchPage({
    list: 'users',
    rows: base.select(USER_COLUMNS),
    count: () => base.select((eb) => eb.fn.countAll<number>().as('total')),
    keys: [
      { by: 'name', of: (r) => r.name },
      { by: 'id', of: (r) => r.id },
    ],
    query,
    map: toUserRead,
  });
}

/** Answers 422 naming `field` unless `userId` is an active user of the organization. */
export async function assertAssignableUser(db: Db, organizationId: string, userId: string, field: string): Promise<void> {
  const user = await db
    .selectFrom('users')
    .select('active')
    .where('id', '=', userId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (!user || user.active !== 1) {
    throw new ApiError('VALIDATION_FAILED', 'validation failed', { [field]: 'no such active user in this organization' });
  }
}
