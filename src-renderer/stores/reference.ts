/** Slow-changing lists every view needs: the organization's disposition codes and its users. */
import { create } from 'zustand';
import { DEFAULT_DISPOSITIONS, type Disposition } from '../../src-shared/domain/dispositions';
import type { UserRead } from '../../src-shared/schemas/users';
import { invoke } from '../bridge';
import { coalesce } from '../lib/records';

interface ReferenceState {
  dispositions: Disposition[];
  users: UserRead[];
  usersById: Record<string, UserRead>;
  loadDispositions(): Promise<void>;
  loadUsers(): Promise<void>;
}

// Until the organization's list arrives (or when it cannot), the built-in codes still work.
const FALLBACK = DEFAULT_DISPOSITIONS.map((d) => ({ ...d, builtin: true }));

export const useReference = create<ReferenceState>()((set) => ({
  dispositions: FALLBACK,
  users: [],
  usersById: {},
  async loadDispositions() {
    try {
      const list = await invoke('dispositions.list', {});
      if (list.length > 0) set({ dispositions: list });
    } catch {
      // keep the fallback
    }
  },
  loadUsers: coalesce(async () => {
    try {
      const users = await invoke('users.list', {});
      users.sort((a, b) => a.name.localeCompare(b.name));
      set({ users, usersById: Object.fromEntries(users.map((u) => [u.id, u])) });
    } catch {
      // An agent may not be allowed to list users; views fall back to names on records.
    }
  }),
}));

export function dispositionLabel(code: string | null | undefined, list: Disposition[]): string {
  if (!code) return '';
  return list.find((d) => d.code === code)?.label ?? code.replace(/_/g, ' ');
}
