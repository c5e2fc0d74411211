/**
 * The audit hash chain on PostgreSQL, where it meets what SQLite never has:
 * - a database that already held audit entries before the chain existed is migrated (migration
 *   005 rewrites those entries' hashes under a table whose trigger refuses UPDATE), and the
 *   append-only trigger is back in force afterwards;
 * - two API instances append at once: the chain must not fork (two entries after the same head),
 *   and `npm run audit:verify` finds it intact, covering the old entries and the new.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Migrator, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, migrate } from '../../src-server/db/connection';
import { MIGRATIONS } from '../../src-server/db/migrations';
import { createTestStore, dropTestStore, ROOT, seedTestDatabase, startApiServer, type ApiServer } from '../support/api-server';
import { Http, type Session } from '../support/http';
import { query, sql } from '../support/store';

const run = promisify(execFile);
const OLD_ENTRIES = 120;

let dataDir: string;
let url: string;
let servers: ApiServer[] = [];

/** `npm run audit:verify -- <url>`: exit code and what it printed. */
async function verify(): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/audit-verify.ts'), url], { cwd: ROOT });
    return { ok: true, out: stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const countEntries = async () => Number((await query<{ n: number }>({ dbPath: url }, sql`SELECT count(*) AS n FROM audit_log`))[0]!.n);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'oncall-audit-pg-'));
  url = await createTestStore(dataDir, 'postgres');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dataDir, { recursive: true, force: true });
  await dropTestStore(url);
});

describe('a database from before the audit chain', () => {
  it('migrates with its entries chained, and stays append-only', async () => {
    // The schema as a release before migration 005 left it, with entries written then.
    const db = connectDatabase(url) as unknown as Kysely<any>;
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
      const upTo004 = await migrator.migrateTo('004_agent_states');
      expect(upTo004.error).toBeUndefined();
      await db
        .insertInto('audit_log')
        .values(
          Array.from({ length: OLD_ENTRIES }, (_, i) => ({
            organization_id: `org-${i % 3}`,
            actor_type: 'user',
            actor_id: `user-${i % 7}`,
            auth_method: i % 2 ? 'token' : 'api_key',
            action: i % 5 ? 'update' : 'create',
            entity: 'call',
            entity_id: `call-${i}`,
            changes: JSON.stringify({ status: { before: 'pending', after: 'active' }, note: { before: null, after: `é ${i}` } }),
            request_id: `req-${i}`,
            ip: i % 4 ? '127.0.0.1' : null,
            created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
          })),
        )
        .execute();

      await migrate(db);
    } finally {
      await db.destroy();
    }

    const result = await verify();
    expect(result.out).toContain(`audit chain intact: ${OLD_ENTRIES} entries`);
    expect(result.ok).toBe(true);
    // The trigger the backfill lifted is in force again.
    await expect(query({ dbPath: url }, sql`UPDATE audit_log SET action = 'delete' WHERE id = (SELECT min(id) FROM audit_log)`)).rejects.toThrow(
      /append-only/,
    );
    await expect(query({ dbPath: url }, sql`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });
});

describe('two API instances on the migrated database', () => {
  it('append concurrently without forking the chain', async () => {
    const orgs = await seedTestDatabase(url);
    const before = await countEntries();
    // Unlimited rate so that only the chain is under test.
    const env = { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_HOUR: '1000000' };
    servers = await Promise.all([startApiServer({ dbPath: url, orgs, env }), startApiServer({ dbPath: url, orgs, env })]);
    const clients = servers.map((s) => new Http(s.url));
    const sessions: Session[] = await Promise.all([clients[0]!.login('agent1@demo.test'), clients[1]!.login('agent2@demo.test')]);

    // Each instance gets a stream of writes from several concurrent senders; a 503 (the lock
    // waited for too long on a loaded machine) is retried, as any client does.
    const PER_SENDER = 10;
    const SENDERS = 6;
    const created: string[] = [];
    const send = async (http: Http, as: Session, n: number) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await http.post(`/api/v1/organizations/${orgs.demo}/calls`, { direction: 'inbound', phone_number: `+4477009${String(n).padStart(5, '0')}` }, as);
        if (res.status === 201) return void created.push(res.body.id);
        if (res.status !== 503) throw new Error(`unexpected ${res.status}: ${res.text}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('still 503 after 20 attempts');
    };
    await Promise.all(
      clients.flatMap((http, i) =>
        Array.from({ length: SENDERS }, async (_, s) => {
          for (let k = 0; k < PER_SENDER; k++) await send(http, sessions[i]!, i * 10_000 + s * 100 + k);
        }),
      ),
    );
    expect(new Set(created).size).toBe(2 * SENDERS * PER_SENDER);

    const forks = await query({ dbPath: url }, sql`SELECT prev_hash FROM audit_log GROUP BY prev_hash HAVING count(*) > 1`);
    expect(forks).toEqual([]);
    const after = await countEntries();
    expect(after - before).toBeGreaterThanOrEqual(created.length);
    const result = await verify();
    expect(result.out).toContain(`audit chain intact: ${after} entries`);
    expect(result.ok).toBe(true);
  });
});
