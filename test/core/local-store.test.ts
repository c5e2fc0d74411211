/**
 * The local store on its own (no API): a change and its outbox entry commit together or not at
 * all, the schema is versioned, durability settings hold, and no secret ever reaches SQLite.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src-shared/schemas/auth';
import { LocalWriter } from '../../src-main/core/local-writes';
import { LocalStore } from '../../src-main/core/store';
import { STORE_FILE } from '../../src-main/core/store/database';
import { SCHEMA_VERSION } from '../../src-main/core/store/migrations';
import { backoffDelay, DEFAULT_TIMING } from '../../src-main/core/sync/timing';

const agent: SessionUser = { id: uuidv7(), organization_id: uuidv7(), role: 'agent', name: 'Alex Agent', email: 'a@x.test' };
const open: LocalStore[] = [];

function setup(user: SessionUser = agent) {
  const dir = mkdtempSync(join(tmpdir(), 'oncall-store-'));
  const store = LocalStore.open(dir);
  open.push(store);
  const writes: string[][] = [];
  const writer = new LocalWriter({ store, now: Date.now, user: () => user, onWrite: (e) => writes.push(e) });
  return { dir, store, writer, writes };
}
afterEach(() => {
  for (const s of open.splice(0)) if (s.db.open) s.close();
});

const count = (store: LocalStore, table: string) => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('local writes', () => {
  it('write the row and its outbox mutation together, with only the changed fields in an update', () => {
    const { store, writer, writes } = setup();
    const id = uuidv7();
    const call = writer.write('call.create', { id, direction: 'inbound', phone_number: '020 7946 0018' });
    expect(call).toMatchObject({ id, phone_number: '+442079460018', status: 'active', agent_id: agent.id, version: 0 });
    writer.write('call.update', { id, notes: 'hello', priority: 'normal' });
    const outbox = store.outbox.pending();
    expect(outbox.map((m) => [m.seq, m.name])).toEqual([
      [1, 'call.create'],
      [2, 'call.update'],
    ]);
    // priority was already normal; based_on 0: the server has not acknowledged the call yet
    expect(outbox[1]!.args).toEqual({ id, notes: 'hello', based_on: 0 });
    // The mutation carries what was typed: the server runs the same rule with the same country.
    expect(outbox[0]!.args.phone_number).toBe('020 7946 0018');
    expect(writes).toEqual([['call'], ['call']]);
    // An update that changes nothing queues nothing.
    writer.write('call.update', { id, notes: 'hello' });
    expect(store.outbox.pending()).toHaveLength(2);
  });

  it('roll back every row of a multi-change write when one change is refused', () => {
    const { store, writer } = setup();
    const ok = uuidv7();
    writer.write('call.create', { id: ok, direction: 'inbound', phone_number: '+447700900001' });
    writer.write('call.update', { id: ok, status: 'completed' });
    // read once before the failed write, so what the store keeps in memory is tested too
    expect(store.outbox.counts().pending).toBe(2);
    expect(store.state.get().nextSeq).toBe(3);
    const fresh = uuidv7();
    expect(() =>
      writer.writeMany([
        { name: 'call.create', args: { id: fresh, direction: 'outbound', phone_number: '+447700900002' } },
        { name: 'call.update', args: { id: ok, status: 'active' } }, // completed is final
      ]),
    ).toThrow(expect.objectContaining({ code: 'INVALID_STATUS_TRANSITION' }));
    expect(store.entities.get('call', fresh)).toBeNull();
    expect(store.outbox.pending()).toHaveLength(2);
    expect(store.outbox.counts().pending).toBe(2);
    expect(store.state.get().nextSeq).toBe(3);
  });

  it('never reuse a mutation seq: across restarts, acknowledgements and discards', () => {
    const { dir, store, writer } = setup();
    const log = (w: LocalWriter) => w.write('call.create', { id: uuidv7(), direction: 'inbound', phone_number: '+447700900001' });
    for (let i = 0; i < 3; i++) log(writer);
    const seqs = (s: LocalStore) => s.outbox.pending().map((m) => m.seq);
    const ack = (s: LocalStore, which: (seq: number) => boolean) =>
      s.tx(() => s.outbox.pending().filter((m) => which(m.seq)).forEach((m) => s.outbox.remove(m.id)));
    ack(store, (seq) => seq < 3); // the older ones: the newest still holds the mark
    store.close();
    let again = LocalStore.open(dir);
    open.push(again);
    let w = new LocalWriter({ store: again, now: Date.now, user: () => agent, onWrite: () => undefined });
    log(w);
    expect(seqs(again)).toEqual([3, 4]);
    ack(again, () => true); // the outbox empties
    again.close();
    again = LocalStore.open(dir);
    open.push(again);
    w = new LocalWriter({ store: again, now: Date.now, user: () => agent, onWrite: () => undefined });
    log(w);
    const [fifth] = again.outbox.pending();
    expect(fifth!.seq).toBe(5);
    // refused, then discarded by the user: its seq stays used
    again.tx(() => again.outbox.reject(fifth!.id, { code: 'FORBIDDEN', message: 'no' }, new Date().toISOString()));
    again.tx(() => again.outbox.remove(fifth!.id));
    again.close();
    again = LocalStore.open(dir);
    open.push(again);
    w = new LocalWriter({ store: again, now: Date.now, user: () => agent, onWrite: () => undefined });
    log(w);
    expect(seqs(again)).toEqual([6]);
    expect(again.state.get().nextSeq).toBe(7);
  });

  it('answer counts, sync state and settings as committed, through writes, acknowledgements and rollbacks', () => {
    const { dir, store, writer } = setup();
    // A second connection to the same file sees only what is committed.
    const committed = new LocalStore(new Database(join(dir, STORE_FILE)));
    open.push(committed);
    const same = () => {
      committed.forgetCached();
      expect(store.outbox.counts()).toEqual(committed.outbox.counts());
      expect(store.notices.count()).toBe(committed.notices.count());
      expect(store.state.get()).toEqual(committed.state.get());
      expect(store.reference.getSetting('default_country')).toEqual(committed.reference.getSetting('default_country'));
      expect(store.reference.dispositions()).toEqual(committed.reference.dispositions());
    };
    same();
    const a = writer.write<{ id: string }>('call.create', { id: uuidv7(), direction: 'inbound', phone_number: '+447700900001' });
    writer.write('call.create', { id: uuidv7(), direction: 'inbound', phone_number: '+447700900002' });
    same();
    expect(store.outbox.counts().pending).toBe(2);
    const [first, second] = store.outbox.pending();
    store.tx(() => store.outbox.remove(first!.id));
    same();
    expect(store.outbox.counts()).toMatchObject({ pending: 1, oldestPendingAt: second!.created_at });
    store.tx(() => store.outbox.reject(second!.id, { code: 'FORBIDDEN', message: 'no' }, new Date().toISOString()));
    same();
    expect(store.outbox.counts()).toEqual({ pending: 0, rejected: 1, oldestPendingAt: null });
    store.tx(() => {
      store.reference.setSetting('default_country', 'US');
      store.reference.replaceDispositions([{ code: 'resolved', label: 'Resolved', builtin: true }]);
      store.notices.add({ mutation_id: uuidv7(), name: 'call.update', args: {}, error: { code: 'OVERWRITTEN', message: 'x' }, created_at: '', rejected_at: '' });
      store.state.set({ lastPushAt: '2026-12-03T12:00:00.000Z' });
    });
    same();
    // Read inside a transaction that then rolls back: nothing of it may stay.
    expect(() =>
      store.tx(() => {
        store.reference.setSetting('default_country', 'FR');
        store.state.set({ cursor: 99 });
        store.notices.clear();
        writer.write('call.update', { id: a.id, notes: 'not kept' });
        // the uncommitted values are read (so kept in memory) before the rollback
        expect([store.outbox.counts().pending, store.state.get().cursor, store.notices.count()]).toEqual([1, 99, 0]);
        expect([store.reference.getSetting('default_country'), store.reference.dispositions().length]).toEqual(['FR', 1]);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    same();
    expect(store.reference.getSetting('default_country')).toBe('US');
    expect(store.outbox.counts()).toEqual({ pending: 0, rejected: 1, oldestPendingAt: null });
  });

  it('refuse what the API would refuse, with its error codes', () => {
    const { writer } = setup();
    expect(() => writer.write('call.create', { id: uuidv7(), direction: 'inbound', phone_number: '123' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: { phone_number: 'not a valid phone number' } }),
    );
    expect(() => writer.write('task.create', { id: uuidv7(), title: 'x', assignee_id: uuidv7() })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    const task = uuidv7();
    writer.write('task.create', { id: task, title: 'Mine' });
    expect(() => writer.write('task.update', { id: task, priority: 'urgent' })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    writer.write('task.update', { id: task, status: 'cancelled' });
    expect(() => writer.write('task.update', { id: task, status: 'open' })).toThrow(
      expect.objectContaining({ code: 'INVALID_STATUS_TRANSITION' }),
    );
    expect(() => writer.write('task.update', { id: uuidv7(), status: 'open' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('rebase: server state plus pending changes; a change that no longer applies leaves the view', () => {
    const { store, writer } = setup();
    const id = uuidv7();
    const created = writer.write('task.create', { id, title: 'Draft' });
    store.outbox.remove(store.outbox.pending()[0]!.id); // as if acknowledged
    writer.write('task.update', { id, status: 'in_progress', description: 'started' });
    const server = { ...created, status: 'cancelled', title: 'Renamed by supervisor', version: 3 };
    store.tx(() => {
      store.entities.put('task', id, server, server);
      writer.rebase('task', id, agent);
    });
    // cancelled -> in_progress cannot apply, so the whole pending update stays out of the view.
    expect(store.entities.get('task', id)!.data).toMatchObject({ status: 'cancelled', title: 'Renamed by supervisor', description: '' });
    expect(store.outbox.pending()).toHaveLength(1);
  });

  it('rebase keeps a pending change to other fields on top of a newer server state', () => {
    const { store, writer } = setup();
    const id = uuidv7();
    const created = writer.write('task.create', { id, title: 'Draft' });
    store.outbox.remove(store.outbox.pending()[0]!.id);
    writer.write('task.update', { id, status: 'in_progress' });
    const server = { ...created, title: 'Renamed by supervisor', priority: 'urgent', version: 2 };
    store.tx(() => {
      store.entities.put('task', id, server, server);
      writer.rebase('task', id, agent);
    });
    expect(store.entities.get('task', id)!.data).toMatchObject({ status: 'in_progress', title: 'Renamed by supervisor', priority: 'urgent' });
    expect(store.entities.get('task', id)!.server).toMatchObject({ status: 'open' });
  });
});

describe('the store file', () => {
  it('is versioned, in WAL mode with synchronous=FULL, and survives reopening', () => {
    const { dir, store, writer } = setup();
    const clientId = store.state.get().clientId;
    writer.write('patient.create', { id: uuidv7(), first_name: 'Zoë', last_name: 'Ó Briain', phone_number: '07700 900777' });
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    store.close();
    const again = LocalStore.open(dir);
    open.push(again);
    expect(again.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(again.state.get().clientId).toBe(clientId); // made once, kept
    expect(count(again, 'outbox')).toBe(1);
    expect(again.db.prepare('SELECT search_name FROM patients').get()).toEqual({ search_name: 'zoë ó briain' });
  });

  it('refuses a store written by a newer release instead of corrupting it', () => {
    const { dir, store } = setup();
    store.db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    store.close();
    expect(() => LocalStore.open(dir)).toThrow(/newer release/);
    const raw = new Database(join(dir, STORE_FILE));
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    raw.close();
  });

  it('never holds a token (they belong to the SecretStore)', () => {
    const { dir, store } = setup();
    store.state.set({ session: { serverUrl: 'http://127.0.0.1:1', user: agent } });
    store.close();
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file)).toString('latin1')).not.toMatch(/oca_|ocr_|access_token|refresh_token/);
  });
});

describe('backoff', () => {
  it('uses full jitter between the 1 s floor and an exponential cap of at most 60 s', () => {
    const at = (attempt: number, r: number) => backoffDelay(attempt, { ...DEFAULT_TIMING, random: () => r });
    expect(at(0, 0.99)).toBe(1_000);
    expect(at(1, 0)).toBe(1_000);
    expect(at(1, 0.999)).toBeLessThanOrEqual(2_000);
    expect(at(3, 0.5)).toBe(4_500);
    expect(at(20, 0.999)).toBeLessThanOrEqual(60_000);
    expect(at(20, 0.999)).toBeGreaterThan(59_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(6, DEFAULT_TIMING)));
    expect(spread.size).toBeGreaterThan(40); // jittered, not lockstep
  });
});
