import { z } from 'zod';
import { Role } from '../domain/enums';
import { Id, PageQuery, StoredTimestamp } from './common';

export const UserRead = z.object({
  id: Id,
  organization_id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  active: z.boolean(),
  created_at: StoredTimestamp,
  updated_at: StoredTimestamp,
});
export type UserRead = z.infer<typeof UserRead>;

export const UserListQuery = PageQuery.extend({
  role: Role.optional(),
});
export type UserListQuery = z.infer<typeof UserListQuery>;
