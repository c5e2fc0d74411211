import { z } from 'zod';
import { Role } from '../domain/enums';
import { Id, PageQuery, Timestamp } from './common';

export const UserRead = z.object({
  id: Id,
  organization_id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  active: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type UserRead = z.infer<typeof UserRead>;

export const UserListQuery = PageQuery.extend({
  role: Role.optional(),
});
export type UserListQuery = z.infer<typeof UserListQuery>;
