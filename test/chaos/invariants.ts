/**
 * The invariants every chaos test asserts at its end (docs/sync-chaos.md):
 * no lost write and no duplicate (exact id/value sets on the server, one audit `create` per id),
 * per-client order (the server's audit order of a client's writes is the order they were made),
 * a cursor that never moves back (sampled from the client's SQLite while the test runs), the
 * client's tables equal the server's view for that user, and rows that left the user's view
 * (deleted, reassigned away) never come back.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { expect } from 'vitest';
import { STORE_FILE } from '../../src-main/core/store/database';
import { SYNC_ENTITIES, type SyncEntity } from '../../src-shared/schemas/sync';
import type { Http, Session } from '../support/http';

export type Mirror = Record<SyncEntity, Map<string, Record<string, unknown>>>;

const emptyMirror = (): Mirror => Object.fromEntries(SYNC_ENTITIES.map((e) => [e, new Map()])) as unknown as Mirror;

const TABLES: Record<SyncEntity, string> = { call: 'calls', task: 'tasks', patient: 'patients', user: 'users', schedule: 'schedules', agent_state: 'agent_states' };

/** The chaos seed: fixed by default (reproducible), CHAOS_SEED=n to explore other schedules. */
export const CHAOS_SEED = Number(process.env.CHAOS_SEED ?? 20261122);

/**
 * What the server says this user may see, as a fresh desktop would receive it: a pull from
 * cursor 0 under a new client id, to the end.
 */
export async function serverView(http: Http, session: Session, org: string): Promise<Mirror> {
  const mirror = emptyMirror();
  const clientId = uuidv7();
  let cursor = 0;
  for (;;) {
    const res = await http.get(`/api/v1/organizations/${org}/sync/pull?client_id=${clientId}&cursor=${cursor}&limit=2000`, session);
    if (res.status !== 200) throw new Error(`pull for the server view answered ${res.status}: ${res.text}`);
    for (const c of res.body.changes as { entity: SyncEntity; id: string; op: string; data: Record<string, unknown> }[]) {
      if (c.op === 'upsert') mirror[c.entity].set(c.id, c.data);
      else mirror[c.entity].delete(c.id);
    }
    cursor = res.body.cursor;
    if (!res.body.has_more) return mirror;
  }
}

export interface LocalView {
  mirror: Mirror;
  /** the `server` column: the last state the server sent */
  server: Mirror;
  pending: { seq: number; name: string; entity_id: string }[];
  rejected: { seq: number; name: string; entity_id: string; error: string }[];
  notices: { id: string; args: Record<string, unknown>; error: { code: string; details?: any } }[];
  cursor: number;
}

/** Reads a client's store from its DATA_DIR (read-only; the client may be running: WAL allows it). */
export function localView(dataDir: string): LocalView {
  const db = new Database(join(dataDir, STORE_FILE), { readonly: true, fileMustExist: true });
  try {
    const mirror = emptyMirror();
    const server = emptyMirror();
    for (const entity of SYNC_ENTITIES) {
      for (const row of db.prepare(`SELECT id, data, server FROM ${TABLES[entity]}`).all() as { id: string; data: string; server: string | null }[]) {
        mirror[entity].set(row.id, JSON.parse(row.data) as Record<string, unknown>);
        if (row.server) server[entity].set(row.id, JSON.parse(row.server) as Record<string, unknown>);
      }
    }
    const outbox = db.prepare('SELECT seq, name, entity_id, status, error FROM outbox ORDER BY seq').all() as {
      seq: number;
      name: string;
      entity_id: string;
      status: string;
      error: string | null;
    }[];
    const notices = (db.prepare('SELECT id, args, error FROM notices').all() as { id: string; args: string; error: string }[]).map((n) => ({
      id: n.id,
      args: JSON.parse(n.args) as Record<string, unknown>,
      error: JSON.parse(n.error) as { code: string; details?: any },
    }));
    const { cursor } = db.prepare('SELECT cursor FROM sync_state WHERE id = 1').get() as { cursor: number };
    return {
      mirror,
      server,
      pending: outbox.filter((o) => o.status === 'pending').map(({ seq, name, entity_id }) => ({ seq, name, entity_id })),
      rejected: outbox.filter((o) => o.status === 'rejected').map(({ seq, name, entity_id, error }) => ({ seq, name, entity_id, error: error ?? '' })),
      notices,
      cursor,
    };
  } finally {
    db.close();
  }
}

/** The client's tables equal the server's view for that user: same ids, same records. */
export function expectMirrorsEqual(local: LocalView, server: Mirror, who: string): void {
  expect(local.pending, `${who}: outbox drained`).toEqual([]);
  for (const entity of SYNC_ENTITIES) {
    const mine = [...local.mirror[entity].keys()].sort();
    const theirs = [...server[entity].keys()].sort();
    const extra = mine.filter((id) => !server[entity].has(id)).map((id) => local.mirror[entity].get(id));
    const missing = theirs.filter((id) => !local.mirror[entity].has(id)).map((id) => server[entity].get(id));
    expect({ extra, missing }, `${who}: ${entity} rows only on one side`).toEqual({ extra: [], missing: [] });
    expect(mine, `${who}: ids of ${entity} rows`).toEqual(theirs);
    for (const id of theirs) {
      expect(local.mirror[entity].get(id), `${who}: ${entity} ${id} as shown`).toEqual(server[entity].get(id));
      expect(local.server[entity].get(id), `${who}: ${entity} ${id} as last pulled`).toEqual(server[entity].get(id));
    }
  }
}

export interface AuditEntry {
  id: number;
  actor_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  changes: Record<string, { before: unknown; after: unknown }>;
}

/** Every audit entry matching the filter, oldest first (ids are the order of writing). */
export async function auditTrail(http: Http, admin: Session, org: string, filter: Record<string, string>): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  const query = new URLSearchParams(filter);
  for (let cursor = ''; ; ) {
    const res = await http.get(`/api/v1/organizations/${org}/audit?${query}&limit=200${cursor}`, admin);
    if (res.status !== 200) throw new Error(`audit answered ${res.status}: ${res.text}`);
    entries.push(...(res.body.items as AuditEntry[]));
    if (!res.body.next_cursor) break;
    cursor = `&cursor=${res.body.next_cursor}`;
  }
  return entries.sort((a, b) => a.id - b.id);
}

/**
 * A write as the audit log records it: `create call <id>` or `update call <id> notes=<value>`.
 * The chaos workloads give every write a distinct label, so the trail can be compared exactly
 * with the list of writes the test made, in order.
 */
export function labelOf(e: AuditEntry): string {
  const fields = Object.entries(e.changes)
    .filter(([k]) => k !== 'completed_at' && k !== 'ended_at' && k !== 'duration_seconds')
    .map(([k, v]) => `${k}=${typeof v.after === 'string' ? v.after : JSON.stringify(v.after)}`)
    .sort();
  return e.action === 'create' ? `create ${e.entity} ${e.entity_id}` : `${e.action} ${e.entity} ${e.entity_id} ${fields.join(' ')}`;
}

/** No lost write, no duplicate, per-client order: the trail is exactly the writes, in order. */
export function expectExactlyOnceInOrder(trail: AuditEntry[], writes: string[], who: string): void {
  const labels = trail.map(labelOf);
  const creates = new Map<string, number>();
  for (const l of labels.filter((x) => x.startsWith('create '))) creates.set(l, (creates.get(l) ?? 0) + 1);
  expect([...creates.values()].every((n) => n === 1), `${who}: one audit create per id`).toBe(true);
  expect(labels.length, `${who}: as many audit entries as writes`).toBe(writes.length);
  expect(labels, `${who}: the audit trail is the writes in the order they were made`).toEqual(writes);
}

/**
 * Samples a client's cursor from its SQLite file while the test runs (across crashes and
 * restarts of the client: committed state is what a reader sees), to show it never moves back.
 */
export class CursorRecorder {
  readonly samples: { at: number; cursor: number }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly dataDir: string, private readonly everyMs = 20) {}

  start(): this {
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  sample(): void {
    let db: Database.Database | null = null;
    try {
      db = new Database(join(this.dataDir, STORE_FILE), { readonly: true, fileMustExist: true });
      const { cursor } = db.prepare('SELECT cursor FROM sync_state WHERE id = 1').get() as { cursor: number };
      this.samples.push({ at: Date.now(), cursor });
    } catch {
      // not created yet, or busy recovering after a crash: the next sample will do
    } finally {
      db?.close();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  expectNeverBack(who: string): void {
    const backs = this.samples.filter((s, i) => i > 0 && s.cursor < this.samples[i - 1]!.cursor);
    expect(backs, `${who}: cursor moved back`).toEqual([]);
    expect(this.samples.length, `${who}: cursor sampled`).toBeGreaterThan(5);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` until it returns true or the time is up (every chaos loop is bounded). */
export async function until(fn: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
