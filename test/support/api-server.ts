/**
 * Starts the real central API as its own process (`tsx src-server/main.ts`) on a free loopback
 * port with a temporary store, seeded with two organizations: `demo.test` and `other.test`
 * (four users each: admin@, supervisor@, agent1@, agent2@, password `demo-password`).
 *
 * The store is a temporary SQLite file, or, when the test runs in the `postgres` vitest project
 * (ONCALL_TEST_STORE=postgres), a fresh database of its own in the run's PostgreSQL cluster.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../../src-server/db/connection';
import { isPostgresUrl } from '../../src-server/db/dialect';
import { seedDemo } from '../../src-server/seed/demo';
import { PG_ADMIN_URL_ENV } from './postgres';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PASSWORD = 'demo-password';

export type TestStore = 'sqlite' | 'postgres';

/** The store this test run uses: the vitest project sets ONCALL_TEST_STORE. */
export function testStore(): TestStore {
  const store = process.env.ONCALL_TEST_STORE ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres') throw new Error(`ONCALL_TEST_STORE must be sqlite or postgres, not ${store}`);
  return store;
}

/**
 * A fresh store: a SQLite path under `dataDir`, or a new database in the PostgreSQL cluster
 * named by ONCALL_TEST_PG_URL (no cluster: the test fails; it never silently runs on SQLite).
 */
export async function createTestStore(dataDir: string, store: TestStore = testStore()): Promise<string> {
  if (store === 'sqlite') return join(dataDir, 'api.sqlite');
  const admin = process.env[PG_ADMIN_URL_ENV];
  if (!admin) throw new Error(`${PG_ADMIN_URL_ENV} is not set: the postgres test project starts a cluster in its globalSetup`);
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a test's PostgreSQL database (a SQLite file goes with its temp dir). */
export async function dropTestStore(databaseUrl: string): Promise<void> {
  if (!isPostgresUrl(databaseUrl)) return;
  const admin = process.env[PG_ADMIN_URL_ENV];
  if (!admin) return;
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export interface ApiServer {
  url: string;
  port: number;
  /** the server's DATABASE_URL: a SQLite path or a postgres:// URL */
  dbPath: string;
  store: TestStore;
  dataDir: string;
  orgs: { demo: string; other: string };
  process: ChildProcess;
  /** the server's stdout/stderr so far (pino JSON lines) */
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and database (a restart); `env` is added to its environment from now on. */
  restart(env?: Record<string, string>): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** reuse a store (a SQLite path or postgres:// URL), e.g. for another instance on it */
  dbPath?: string;
  /** with dbPath: the organizations seeded in it */
  orgs?: { demo: string; other: string };
  port?: number;
  /** the store of a new one (default: the vitest project's, ONCALL_TEST_STORE) */
  store?: TestStore;
}

/**
 * Test servers hash passwords at scrypt N=2^14 (a sign-in costs tens of milliseconds, not the
 * production 2^17's hundreds, on a machine shared by several test runs); a test that is about
 * the cost sets PASSWORD_SCRYPT_N itself.
 */
export const TEST_SCRYPT_N = '16384';

export async function seedTestDatabase(dbPath: string, scryptN = Number(TEST_SCRYPT_N)) {
  const db = await openDatabase(dbPath);
  const demo = await seedDemo(db, { domain: 'demo.test', scryptN });
  const other = await seedDemo(db, { domain: 'other.test', name: 'Other Clinic', scryptN });
  await db.destroy();
  return { demo: demo.organizationId, other: other.organizationId };
}

function spawnServer(dbPath: string, port: number, env: Record<string, string>, logs: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-server/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: dbPath,
      DEMO_SEED: '0',
      LOG_LEVEL: 'info',
      PASSWORD_SCRYPT_N: TEST_SCRYPT_N,
      // every answer any API test receives is held to the OpenAPI document
      OPENAPI_RESPONSE_CHECK: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const listening = new Promise<number>((resolvePort, reject) => {
    const onLine = (line: string) => {
      logs.push(line);
      const m = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (m) resolvePort(Number(m[1]));
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => reject(new Error(`API exited with ${code} before listening:\n${logs.join('\n')}`)));
    setTimeout(() => reject(new Error(`API did not start in 90 s:\n${logs.join('\n')}`)), 90_000).unref();
  });
  // A server that never came up (e.g. still waiting for its database) must not outlive the test.
  listening.catch(() => child.kill('SIGKILL'));
  return { child, listening };
}

export async function startApiServer(options: StartOptions = {}): Promise<ApiServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oncall-api-'));
  const dbPath = options.dbPath ?? (await createTestStore(dataDir, options.store));
  const orgs = options.dbPath
    ? (options.orgs ?? { demo: '', other: '' })
    : await seedTestDatabase(dbPath, Number(options.env?.PASSWORD_SCRYPT_N ?? TEST_SCRYPT_N));
  const logs: string[] = [];
  let { child, listening } = spawnServer(dbPath, options.port ?? 0, options.env ?? {}, logs);
  const port = await listening;

  const server: ApiServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    dbPath,
    store: isPostgresUrl(dbPath) ? 'postgres' : 'sqlite',
    dataDir,
    orgs,
    process: child,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
    async restart(env?: Record<string, string>) {
      await server.stop();
      if (env) options = { ...options, env: { ...options.env, ...env } };
      ({ child, listening } = spawnServer(dbPath, port, options.env ?? {}, logs));
      server.process = child;
      await listening;
    },
  };
  return server;
}

export async function stopAndClean(server: ApiServer | undefined, options: { keepStore?: boolean } = {}): Promise<void> {
  if (!server) return;
  await server.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
  if (!options.keepStore) await dropTestStore(server.dbPath);
}
