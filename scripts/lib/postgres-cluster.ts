/**
 * A PostgreSQL cluster of our own from Debian's packages, for tests (a throwaway one under a temp
 * dir) and for `npm run cluster` (one under ./data/). initdb and the server run as an
 * unprivileged OS user (PostgreSQL refuses root), listen on 127.0.0.1 only (no Unix socket),
 * and are started and stopped by pid.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export const PG_OS_USER = 'oncall-pg';

/** The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/N/bin), 15 or newer. */
export function pgBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).map(Number).filter((v) => v >= 15).sort((a, b) => b - a) : [];
  if (!versions.length) throw new Error('PostgreSQL 15 or newer is not installed: run scripts/ensure-system-deps.sh (Debian package postgresql)');
  return join(root, String(versions[0]), 'bin');
}

export interface OsUser {
  uid: number;
  gid: number;
}

/** The OS user the cluster runs as: ourselves if not root, else `oncall-pg` (created if missing). */
export function clusterOwner(): OsUser | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(execFileSync('id', [flag, PG_OS_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', PG_OS_USER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

export interface ClusterOptions {
  /** the data directory (created by initdb if it holds no cluster yet) */
  dataDir: string;
  port: number;
  /** tests trade durability for speed; a real deployment keeps fsync on */
  durable: boolean;
  maxConnections?: number;
}

export interface PgCluster {
  port: number;
  dataDir: string;
  process: ChildProcess;
  logs: string[];
  /** a URL for one database of the cluster (superuser `postgres`, trust auth on loopback) */
  url(database?: string): string;
  /** creates a fresh database and returns its URL */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

function initCluster(dataDir: string, owner: OsUser | null): void {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  // C.UTF-8: text sorts by code point, as on SQLite (timestamps are compared as text).
  execFileSync(
    join(pgBinDir(), 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions'],
    { stdio: ['ignore', 'ignore', 'pipe'], ...(owner ?? {}) },
  );
}

async function waitUntilAccepting(url: string, child: ChildProcess, logs: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${logs.join('\n')}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections: ${String(err)}\n${logs.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export async function startCluster(options: ClusterOptions): Promise<PgCluster> {
  const owner = clusterOwner();
  initCluster(options.dataDir, owner);
  const args = [
    '-D', options.dataDir,
    '-p', String(options.port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    '-c', `max_connections=${options.maxConnections ?? 200}`,
    '-c', 'log_min_messages=warning',
  ];
  if (!options.durable) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawn(join(pgBinDir(), 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], ...(owner ?? {}) });
  const logs: string[] = [];
  const keep = (chunk: Buffer) => {
    logs.push(chunk.toString());
    if (logs.length > 200) logs.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${options.port}/${database}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>) => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  try {
    await waitUntilAccepting(url(), child, logs);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    port: options.port,
    dataDir: options.dataDir,
    process: child,
    logs,
    url,
    async createDatabase(name) {
      await admin((c) => c.query(`CREATE DATABASE "${name}"`));
      return url(name);
    },
    async dropDatabase(name) {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
      await exited;
    },
  };
}
