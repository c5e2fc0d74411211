/**
 * Applies the changes a poke carries (docs/sync-protocol.md, "Pokes") when they continue this
 * store exactly: its cursor is at or after the poke's `since` (nothing the user may see happened
 * in between) and before every change and notice it carries (none of them was pulled already).
 * They are then what a pull from here would bring, and go through the same page applier: pending
 * local changes are rebased on top, lost updates noticed, newly assigned tasks reported. Any
 * other case (a first download, a rebuild, a store behind or ahead) answers null: pull instead.
 */
import type { SessionUser } from '../../../src-shared/schemas/auth';
import type { PokeEvent } from '../../../src-shared/schemas/sync';
import type { LocalWriter } from '../local-writes';
import type { LocalStore } from '../store';
import { applyPullPage, type PullPageResult } from './pull-applier';

export interface PokeApplyOptions {
  store: LocalStore;
  writer: LocalWriter;
  user: SessionUser;
  now: string;
}

export function applyPoke(poke: PokeEvent, o: PokeApplyOptions): PullPageResult | null {
  const { since, changes, notices = [] } = poke;
  if (since === undefined || !changes) return null;
  const state = o.store.state.get();
  if (state.cursor === 0 || state.rebuilding || state.cursor < since || state.cursor >= poke.cursor) return null;
  if ([...changes, ...notices].some((x) => x.seq <= state.cursor)) return null;
  const page = { changes, notices, cursor: poke.cursor, last_mutation_seq: state.lastMutationSeq, has_more: false };
  // On the path between a colleague's change and this screen: no wait for the disk (the server
  // keeps these changes; a power cut loses them and the cursor together, and the pull refetches).
  return o.store.withoutSyncWait(() => applyPullPage(page, { store: o.store, writer: o.writer, user: o.user, now: o.now, quiet: false }));
}
