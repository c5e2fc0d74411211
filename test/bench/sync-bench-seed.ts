/**
 * bench:sync's large store: the demo organization plus `rows` records written straight into the
 * API's tables in bulk (40% patients, 30% tasks, 30% calls, owned by the demo agents), then given
 * their change-log rows the way the API does for imported records (backfillChangeLog), so that
 * the first pull of a fresh desktop, the thing measured, starts from the steady state. The same
 * rows on either store: a SQLite file (better-sqlite3, synchronous off) or a database in a
 * PostgreSQL cluster (multi-row INSERTs in one transaction, then ANALYZE).
 */
import SQLite from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../../src-server/db/connection';
import { seedDemo } from '../../src-server/seed/demo';
import { backfillChangeLog } from '../../src-server/sync/change-log';
import { createTestStore, type TestStore } from '../support/api-server';

export interface LargeStore {
  dir: string;
  /** the API's DATABASE_URL: a SQLite path or a postgres:// URL */
  dbPath: string;
  orgId: string;
  counts: { patient: number; task: number; call: number };
}

const FIRST = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'Ivy', 'Leo'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright'];

type Value = string | number | null;
interface Table {
  name: string;
  columns: string[];
  rows: () => Generator<Value[]>;
}

function tables(rows: number, orgId: string, agents: string[], supervisor: string): { tables: Table[]; counts: LargeStore['counts'] } {
  const counts = { patient: Math.round(rows * 0.4), task: Math.round(rows * 0.3), call: 0 };
  counts.call = rows - counts.patient - counts.task;
  const base = Date.now() - 30 * 86_400_000;
  const at = (i: number) => new Date(base + i * 1000).toISOString();
  const id = (i: number) => uuidv7({ msecs: base + i * 1000 });
  return {
    counts,
    tables: [
      {
        name: 'patients',
        columns: ['id', 'organization_id', 'first_name', 'last_name', 'search_name', 'phone_number', 'alt_phone_number', 'email', 'date_of_birth', 'mrn', 'notes', 'created_at', 'updated_at', 'version'],
        *rows() {
          for (let i = 0; i < counts.patient; i++) {
            const first = FIRST[i % FIRST.length]!;
            const last = `${LAST[Math.floor(i / FIRST.length) % LAST.length]!}-${i}`;
            const phone = `+447700${String(900000 + (i % 99999)).padStart(6, '0')}`;
            yield [id(i), orgId, first, last, `${first} ${last}`.toLowerCase(), phone, null, null, '1970-01-01', `MRN${i}`, '', at(i), at(i), 1];
          }
        },
      },
      {
        name: 'tasks',
        columns: ['id', 'organization_id', 'title', 'description', 'assignee_id', 'created_by', 'priority', 'status', 'due_date', 'call_id', 'patient_id', 'completed_at', 'created_at', 'updated_at', 'version'],
        *rows() {
          for (let i = 0; i < counts.task; i++) {
            yield [id(i), orgId, `Call back patient ${i}`, '', agents[i % agents.length]!, supervisor, 'normal', 'open', null, null, null, null, at(i), at(i), 1];
          }
        },
      },
      {
        name: 'calls',
        columns: ['id', 'organization_id', 'patient_id', 'agent_id', 'direction', 'phone_number', 'status', 'priority', 'region', 'notes', 'outcome', 'metadata', 'started_at', 'ended_at', 'created_at', 'updated_at', 'version'],
        *rows() {
          for (let i = 0; i < counts.call; i++) {
            const t = at(i);
            yield [id(i), orgId, null, agents[i % agents.length]!, 'inbound', '+447700900123', 'completed', 'normal', 'england', 'Appointment confirmed.', 'resolved', '{}', t, t, t, t, 1];
          }
        },
      },
    ],
  };
}

function loadSqlite(path: string, all: Table[]): void {
  const db = new SQLite(path);
  db.pragma('journal_mode = WAL');
  // A bulk load that is thrown away on a crash needs no fsyncs.
  db.pragma('synchronous = OFF');
  db.transaction(() => {
    for (const t of all) {
      const insert = db.prepare(`INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`);
      for (const row of t.rows()) insert.run(...row);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function loadPostgres(url: string, all: Table[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const t of all) {
      // under PostgreSQL's 65,535 parameters per statement
      const perInsert = Math.floor(60_000 / t.columns.length);
      let pending: Value[][] = [];
      const flush = async () => {
        if (!pending.length) return;
        const n = t.columns.length;
        const values = pending.map((_, r) => `(${t.columns.map((__, c) => `$${r * n + c + 1}`).join(', ')})`);
        await client.query(`INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES ${values.join(', ')}`, pending.flat());
        pending = [];
      };
      for (const row of t.rows()) {
        pending.push(row);
        if (pending.length === perInsert) await flush();
      }
      await flush();
    }
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

export async function buildLargeStore(rows: number, store: TestStore = 'sqlite'): Promise<LargeStore> {
  const dir = mkdtempSync(`${tmpdir()}/oncall-syncbench-`);
  const dbPath = await createTestStore(dir, store);
  const kdb = await openDatabase(dbPath);
  const { organizationId: orgId } = await seedDemo(kdb, { domain: 'demo.test' });
  const users = await kdb.selectFrom('users').select(['id', 'role']).where('organization_id', '=', orgId).execute();
  await kdb.destroy();
  const agents = users.filter((u) => u.role === 'agent').map((u) => u.id);
  const supervisor = users.find((u) => u.role === 'supervisor')!.id;

  const { tables: all, counts } = tables(rows, orgId, agents, supervisor);
  if (store === 'sqlite') loadSqlite(dbPath, all);
  else await loadPostgres(dbPath, all);

  const kdb2 = await openDatabase(dbPath);
  await backfillChangeLog(kdb2, orgId, new Date().toISOString());
  await kdb2.destroy();
  return { dir, dbPath, orgId, counts };
}
