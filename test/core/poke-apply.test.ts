/**
 * A poke's changes are applied only where they continue the store exactly (docs/sync-protocol.md,
 * "Pokes"): the store's cursor at or after the poke's `since` and before everything it carries.
 * Otherwise nothing is touched and the desktop pulls. On a real local store.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src-shared/schemas/auth';
import type { PokeEvent } from '../../src-shared/schemas/sync';
import type { TaskRead } from '../../src-shared/schemas/tasks';
import { LocalWriter } from '../../src-main/core/local-writes';
import { LocalStore } from '../../src-main/core/store';
import { applyPoke } from '../../src-main/core/sync/poke-apply';

const org = uuidv7();
const agent: SessionUser = { id: uuidv7(), organization_id: org, role: 'agent', name: 'Alex Agent', email: 'a@x.test' };
const supervisorId = uuidv7();
const open: LocalStore[] = [];

function setup(cursor: number) {
  const store = LocalStore.open(mkdtempSync(join(tmpdir(), 'oncall-poke-')));
  open.push(store);
  store.state.set({ cursor });
  const writer = new LocalWriter({ store, now: Date.now, user: () => agent, onWrite: () => undefined });
  const apply = (poke: PokeEvent) => applyPoke(poke, { store, writer, user: agent, now: new Date().toISOString() });
  return { store, apply };
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function task(title: string): TaskRead {
  const at = new Date().toISOString();
  return {
    id: uuidv7(),
    organization_id: org,
    title,
    description: '',
    assignee_id: agent.id,
    assignee_name: agent.name,
    created_by: supervisorId,
    priority: 'normal',
    status: 'open',
    due_date: null,
    call_id: null,
    patient_id: null,
    completed_at: null,
    created_at: at,
    updated_at: at,
    version: 1,
  };
}
const pokeOf = (since: number, seq: number, t: TaskRead): PokeEvent => ({
  cursor: seq,
  since,
  changes: [{ entity: 'task', id: t.id, op: 'upsert', data: t, seq }],
  notices: [],
});

describe('a poke with changes', () => {
  it('is applied from the cursor it starts at or after: the task shows, reported as newly assigned, and the cursor moves', () => {
    const { store, apply } = setup(40);
    const t = task('Call back');
    const result = apply(pokeOf(35, 42, t));
    expect(result?.assigned.map((a) => a.id)).toEqual([t.id]);
    expect(store.entities.get('task', t.id)?.data).toMatchObject({ title: 'Call back', assignee_id: agent.id });
    expect(store.state.get().cursor).toBe(42);
  });

  it('is left for the pull when the store is behind its start, or already past a change it carries', () => {
    const behind = setup(30);
    const t = task('Behind');
    expect(behind.apply(pokeOf(35, 42, t))).toBeNull();
    expect(behind.store.entities.get('task', t.id)).toBeFalsy();
    expect(behind.store.state.get().cursor).toBe(30);

    const past = setup(42);
    expect(past.apply(pokeOf(35, 42, t))).toBeNull();
    const partly = setup(41);
    expect(partly.apply({ ...pokeOf(35, 43, t), changes: [{ entity: 'task', id: t.id, op: 'upsert', data: t, seq: 41 }] })).toBeNull();
    expect(partly.store.entities.get('task', t.id)).toBeFalsy();
  });

  it('is left for the pull on a store that never pulled or is rebuilding, and when it carries no changes', () => {
    const t = task('Fresh');
    expect(setup(0).apply(pokeOf(0, 42, t))).toBeNull();
    const rebuilding = setup(40);
    rebuilding.store.state.set({ rebuilding: true });
    expect(rebuilding.apply(pokeOf(35, 42, t))).toBeNull();
    expect(setup(40).apply({ cursor: 42 })).toBeNull();
  });
});
