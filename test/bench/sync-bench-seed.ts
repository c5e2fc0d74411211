/**
 * bench:sync's large store: the demo organization plus `rows` records written straight into the
 * API's tables in bulk (40% patients, 30% tasks, 30% calls, owned by the demo agents), then given
 * their change-log rows the way the API does for imported records (backfillChangeLog), so that
 * the first pull of a fresh desktop, the thing measured, starts from the steady state.
 */
import SQLite from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../../src-server/db/connection';
import { seedDemo } from '../../src-server/seed/demo';
import { backfillChangeLog } from '../../src-server/sync/change-log';

export interface LargeStore {
  dir: string;
  dbPath: string;
  orgId: string;
  counts: { patient: number; task: number; call: number };
}

const FIRST = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'Ivy', 'Leo'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright'];

export async function buildLargeStore(rows: number): Promise<LargeStore> {
  const dir = mkdtempSync(join(tmpdir(), 'oncall-syncbench-'));
  const dbPath = join(dir, 'api.sqlite');
  const kdb = await openDatabase(dbPath);
  const { organizationId: orgId } = await seedDemo(kdb, { domain: 'demo.test' });
  await kdb.destroy();

  const db = new SQLite(dbPath);
  db.pragma('journal_mode = WAL');
  // A bulk load that is thrown away on a crash needs no fsyncs.
  db.pragma('synchronous = OFF');
  const users = db.prepare("SELECT id FROM users WHERE organization_id = ? AND role = 'agent'").all(orgId) as { id: string }[];
  const supervisor = (db.prepare("SELECT id FROM users WHERE organization_id = ? AND role = 'supervisor'").get(orgId) as { id: string }).id;
  const counts = { patient: Math.round(rows * 0.4), task: Math.round(rows * 0.3), call: 0 };
  counts.call = rows - counts.patient - counts.task;
  const base = Date.now() - 30 * 86_400_000;
  const at = (i: number) => new Date(base + i * 1000).toISOString();

  const patient = db.prepare(
    `INSERT INTO patients (id, organization_id, first_name, last_name, search_name, phone_number, alt_phone_number, email,
       date_of_birth, mrn, notes, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, '1970-01-01', ?, '', ?, ?, 1)`,
  );
  const task = db.prepare(
    `INSERT INTO tasks (id, organization_id, title, description, assignee_id, created_by, priority, status, due_date,
       call_id, patient_id, completed_at, created_at, updated_at, version) VALUES (?, ?, ?, '', ?, ?, 'normal', 'open', NULL, NULL, NULL, NULL, ?, ?, 1)`,
  );
  const call = db.prepare(
    `INSERT INTO calls (id, organization_id, patient_id, agent_id, direction, phone_number, status, priority, region, notes,
       outcome, metadata, started_at, ended_at, created_at, updated_at, version)
     VALUES (?, ?, NULL, ?, 'inbound', ?, 'completed', 'normal', 'england', 'Appointment confirmed.', 'resolved', '{}', ?, ?, ?, ?, 1)`,
  );
  db.transaction(() => {
    for (let i = 0; i < counts.patient; i++) {
      const first = FIRST[i % FIRST.length]!;
      const last = `${LAST[Math.floor(i / FIRST.length) % LAST.length]!}-${i}`;
      const t = at(i);
      patient.run(uuidv7({ msecs: base + i * 1000 }), orgId, first, last, `${first} ${last}`.toLowerCase(), `+447700${String(900000 + (i % 99999)).padStart(6, '0')}`, `MRN${i}`, t, t);
    }
    for (let i = 0; i < counts.task; i++) {
      const t = at(i);
      task.run(uuidv7({ msecs: base + i * 1000 }), orgId, `Call back patient ${i}`, users[i % users.length]!.id, supervisor, t, t);
    }
    for (let i = 0; i < counts.call; i++) {
      const t = at(i);
      call.run(uuidv7({ msecs: base + i * 1000 }), orgId, users[i % users.length]!.id, '+447700900123', t, t, t, t);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();

  const kdb2 = await openDatabase(dbPath);
  await backfillChangeLog(kdb2, orgId, new Date().toISOString());
  await kdb2.destroy();
  return { dir, dbPath, orgId, counts };
}
