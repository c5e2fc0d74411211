/** What a local mutator may consult besides the record it changes. */
import type { Disposition } from '../../../src-shared/domain/dispositions';
import type { SessionUser } from '../../../src-shared/schemas/auth';
import type { PatientRead } from '../../../src-shared/schemas/patients';
import type { UserRead } from '../../../src-shared/schemas/users';

export interface MutatorContext {
  /** who makes the change (the signed-in user) */
  user: SessionUser;
  /** when the change was made (the mutation's created_at), so a rebase replays it identically */
  now: string;
  patient(id: string): PatientRead | null;
  userById(id: string): UserRead | null;
  dispositions(): Disposition[];
}

export const isSupervisor = (user: SessionUser) => user.role === 'supervisor' || user.role === 'admin';

/** Drops the fields whose value equals the current one: update mutations carry only changes. */
export function changedFields<T extends Record<string, unknown>>(patch: T, current: Record<string, unknown>): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (JSON.stringify(v) !== JSON.stringify(current[k])) out[k] = v;
  }
  return out as Partial<T>;
}

/** Timestamps are kept in UTC `toISOString()` form, as the API stores them. */
export const toUtc = (value: string) => new Date(Date.parse(value)).toISOString();
