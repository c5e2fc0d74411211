/**
 * bench:api's stores: each one loads the same synthetic organization (the demo organization plus
 * 8 agents and `calls` calls over 90 days) and hands back what the real app needs to serve it.
 * One implementation per kind of store, so another (PostgreSQL) is one more entry in STORES and
 * one more column in the results: the scenarios and the figures do not change.
 */
import SQLite from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type Db } from '../../src-server/db/connection';
import { seedDemo } from '../../src-server/seed/demo';
import { Rng } from '../support/openapi-routes';

export const DAYS = 90;
const EXTRA_AGENTS = 8;
const BATCH = 50_000;

const STATUSES: [string, number][] = [['completed', 0.72], ['missed', 0.12], ['cancelled', 0.06], ['failed', 0.04], ['wrap_up', 0.03], ['on_hold', 0.01], ['active', 0.02]];
const OUTCOMES = ['resolved', 'callback_requested', 'information_given', 'voicemail', 'prescription_query', 'transferred'];
const REGIONS = ['england', 'scotland', 'wales', 'northern_ireland'];
const PRIORITIES = ['normal', 'normal', 'normal', 'high', 'low', 'urgent'];

function weighted(rng: Rng, table: [string, number][]): string {
  let r = rng.next();
  for (const [value, share] of table) if ((r -= share) < 0) return value;
  return table[0]![0];
}

export interface LoadedStore {
  /** the Kysely database the app is built over (opened after the load) */
  db: Db;
  /** DATABASE_URL for loadConfig */
  url: string;
  orgId: string;
  /** a day in the middle of the range: a full day of calls, none from the demo seed */
  day: string;
  loadSeconds: number;
  sizeMiB: number;
  /** closes the database and removes what the load created (unless kept) */
  dispose(keep: boolean): Promise<void>;
}

export interface BenchStore {
  name: string;
  load(calls: number): Promise<LoadedStore>;
}

/** One row of the synthetic call history, oldest first, as column values in CALL_COLUMNS order. */
export type CallValues = (string | number | null)[];
export const CALL_COLUMNS = [
  'id', 'organization_id', 'patient_id', 'agent_id', 'direction', 'phone_number', 'status', 'priority', 'region',
  'notes', 'outcome', 'metadata', 'started_at', 'ended_at', 'created_at', 'updated_at', 'version',
] as const;

/** The synthetic calls, generated the same way for every store (seeded: same data each run). */
export function* syntheticCalls(calls: number, orgId: string, agents: string[], patients: { id: string; phone_number: string }[]): Generator<CallValues> {
  const rng = new Rng(90);
  const end = Date.now();
  const span = DAYS * 86_400_000;
  // Oldest first, as calls really arrive: every index then grows at its end instead of splitting
  // pages all over the file, which is what makes a bulk load of a million rows take seconds.
  const starts = Float64Array.from({ length: calls }, () => end - Math.floor(rng.next() * span)).sort();
  for (let i = 0; i < calls; i++) {
    const startedMs = starts[i]!;
    const startedAt = new Date(startedMs).toISOString();
    const status = weighted(rng, STATUSES);
    const ended = ['completed', 'missed', 'cancelled', 'failed', 'wrap_up'].includes(status);
    const endedAt = ended ? new Date(startedMs + rng.between(5, 900) * 1000).toISOString() : null;
    const patient = rng.chance(0.8) ? rng.pick(patients) : null;
    yield [
      uuidv7({ msecs: startedMs }),
      orgId,
      patient?.id ?? null,
      rng.pick(agents),
      rng.chance(0.6) ? 'inbound' : 'outbound',
      patient?.phone_number ?? `+447700900${String(rng.int(1000)).padStart(3, '0')}`,
      status,
      rng.pick(PRIORITIES),
      rng.chance(0.9) ? rng.pick(REGIONS) : null,
      rng.chance(0.5) ? 'Caller asked about their appointment; details confirmed.' : '',
      status === 'completed' ? rng.pick(OUTCOMES) : null,
      '{}',
      startedAt,
      endedAt,
      startedAt,
      endedAt ?? startedAt,
      1,
    ];
  }
}

export const middleDay = () => new Date(Date.now() - 45 * 86_400_000).toISOString().slice(0, 10);

/** The embedded store: migrated schema + demo seed, then the calls through better-sqlite3 in big transactions. */
export const sqliteStore: BenchStore = {
  name: 'SQLite',
  async load(calls) {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-bench-'));
    const dbPath = join(dir, 'api.sqlite');
    const started = performance.now();
    const seeded = await openDatabase(dbPath);
    const { organizationId: orgId } = await seedDemo(seeded, { domain: 'demo.test' });
    await seeded.destroy();

    const sqlite = new SQLite(dbPath);
    sqlite.pragma('journal_mode = WAL');
    // A bulk load that is thrown away on a crash needs no fsyncs.
    sqlite.pragma('synchronous = OFF');
    sqlite.pragma('cache_size = -262144');
    const users = sqlite.prepare('SELECT id, email, role, password_hash FROM users WHERE organization_id = ?').all(orgId) as {
      id: string;
      email: string;
      role: string;
      password_hash: string;
    }[];
    const agent1 = users.find((u) => u.email === 'agent1@demo.test')!;
    const now = new Date().toISOString();
    const addUser = sqlite.prepare(
      `INSERT INTO users (id, organization_id, email, name, role, password_hash, active, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'agent', ?, 1, ?, ?)`,
    );
    const agents = users.filter((u) => u.role === 'agent').map((u) => u.id);
    for (let i = 3; i < 3 + EXTRA_AGENTS; i++) {
      const id = uuidv7();
      addUser.run(id, orgId, `agent${i}@demo.test`, `Agent ${i}`, agent1.password_hash, now, now);
      agents.push(id);
    }
    const patients = sqlite.prepare('SELECT id, phone_number FROM patients WHERE organization_id = ?').all(orgId) as {
      id: string;
      phone_number: string;
    }[];
    const insert = sqlite.prepare(`INSERT INTO calls (${CALL_COLUMNS.join(', ')}) VALUES (${CALL_COLUMNS.map(() => '?').join(', ')})`);
    const rows = syntheticCalls(calls, orgId, agents, patients);
    const insertBatch = sqlite.transaction((n: number) => {
      for (let i = 0; i < n; i++) {
        const next = rows.next();
        if (next.done) return;
        insert.run(...next.value);
      }
    });
    for (let done = 0; done < calls; done += BATCH) insertBatch(Math.min(BATCH, calls - done));
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.close();
    const loadSeconds = (performance.now() - started) / 1000;

    const db = await openDatabase(dbPath);
    return {
      db,
      url: dbPath,
      orgId,
      day: middleDay(),
      loadSeconds,
      sizeMiB: statSync(dbPath).size / 1024 / 1024,
      async dispose(keep) {
        await db.destroy();
        if (keep) console.log(`store kept at ${dbPath}`);
        else rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** BENCH_STORES=sqlite (default), postgres (api-bench-postgres.ts), or both: sqlite,postgres. */
export const STORES: Record<string, BenchStore> = { sqlite: sqliteStore };
