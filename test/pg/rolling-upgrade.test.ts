/**
 * Migrations with several API instances on one PostgreSQL (docs/scale-out.md).
 *
 * Instances started at the same moment on an empty database migrate it once between them (the
 * migrator's lock) and all serve.
 *
 * Upgrading one instance at a time: while the instances are being replaced,
 * the next release has already migrated the shared database, and an instance of the previous
 * release may still crash or be restarted. It must start again and serve, on a schema one
 * migration ahead of it (an expand-only step: a new table, a new nullable column). Before this
 * was handled, Kysely's migrator refused such a database ("previously executed migration ... is
 * missing") and the old instance could not come back. Real API processes on one PostgreSQL; the
 * next release's migration is applied by hand, as its first instance would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src-server/db/migrations';
import { createTestStore, dropTestStore, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http } from '../support/http';

let current: ApiServer;
let another: ApiServer | undefined;

beforeAll(async () => {
  current = await startApiServer();
});
afterAll(async () => {
  await stopAndClean(another, { keepStore: true });
  await stopAndClean(current);
});

/** What the next release's first instance does to the shared database: one more, additive migration. */
async function migrateAsTheNextRelease(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE calls ADD COLUMN escalated_to text NULL');
    await client.query('CREATE TABLE call_escalations (id text PRIMARY KEY, call_id text NOT NULL)');
    await client.query('INSERT INTO kysely_migration (name, timestamp) VALUES ($1, $2)', ['999_next_release', new Date().toISOString()]);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

async function servesCalls(server: ApiServer): Promise<void> {
  const http = new Http(server.url);
  expect((await http.get('/ready')).status).toBe(200);
  const agent = await http.login('agent1@demo.test');
  const calls = `/api/v1/organizations/${current.orgs.demo}/calls`;
  const created = await http.post(calls, { direction: 'inbound', phone_number: '+447700900785' }, agent);
  expect(created.status).toBe(201);
  const read = await http.get(`${calls}/${created.body.id}`, agent);
  expect(read.status).toBe(200);
  expect(read.body.phone_number).toBe('+447700900785');
}

describe('an instance of the previous release, on a database the next release migrated', () => {
  it('restarts and serves', async () => {
    await servesCalls(current);
    await migrateAsTheNextRelease(current.dbPath);
    // a crash of the old instance mid-upgrade, and its restart
    await current.stop('SIGKILL');
    await current.restart();
    await servesCalls(current);
  });

  it('starts as a new instance too (a machine replaced before its upgrade)', async () => {
    another = await startApiServer({ dbPath: current.dbPath, orgs: current.orgs });
    await servesCalls(another);
  });
});

describe('instances started together on an empty database', () => {
  it('migrate it once between them, and all serve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-migrate-'));
    const url = await createTestStore(dir, 'postgres');
    const orgs = { demo: '', other: '' };
    const started = await Promise.allSettled([1, 2, 3].map(() => startApiServer({ dbPath: url, orgs })));
    const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      expect(started.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      for (const server of servers) expect((await new Http(server.url).get('/ready')).status).toBe(200);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
        expect(rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
      } finally {
        await client.end();
      }
    } finally {
      for (const server of servers) await stopAndClean(server, { keepStore: true });
      await dropTestStore(url);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
