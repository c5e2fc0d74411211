/**
 * The production shape on one machine: a PostgreSQL cluster of our own, several API instances
 * on it, HAProxy in front. `npm run cluster` (scripts/cluster.ts) runs it for a demo; the
 * cluster tests (test/cluster) run it to kill and restart its parts. Every part is a child
 * process started here and stopped by its pid.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import pg from 'pg';
import { apiInstance, type ApiInstance } from './api-instance';
import { startHaproxy, type Haproxy } from './haproxy';
import { startCluster, type PgCluster } from './postgres-cluster';

/** The address HAProxy connects to the instances from, which they trust for X-Forwarded-For. */
export const BALANCER_ADDRESS = '127.0.0.2';

export interface ApiClusterOptions {
  /** holds the PostgreSQL data directory (`pg/`) and HAProxy's configuration */
  dir: string;
  pgPort: number;
  proxyPort: number;
  apiPorts: number[];
  /** false for tests (fsync off); a demo keeps its data safe */
  durable: boolean;
  database?: string;
  /** fills a new database before the instances start (they start with DEMO_SEED=0) */
  seed?: (databaseUrl: string) => Promise<void>;
  /** more environment for every instance */
  env?: Record<string, string>;
  echo?: boolean;
}

export interface ApiCluster {
  /** through HAProxy */
  url: string;
  databaseUrl: string;
  db: PgCluster;
  instances: ApiInstance[];
  proxy: Haproxy;
  /** stops PostgreSQL (fast shutdown: connections are cut) */
  stopDatabase(): Promise<void>;
  startDatabase(): Promise<void>;
  stop(): Promise<void>;
}

async function ensureDatabase(db: PgCluster, name: string): Promise<{ created: boolean }> {
  const client = new pg.Client({ connectionString: db.url() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return { created: false };
    // Code-point collation, as the API requires (text sorts as on SQLite).
    await client.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'`);
    return { created: true };
  } finally {
    await client.end();
  }
}

export async function startApiCluster(options: ApiClusterOptions): Promise<ApiCluster> {
  // Traversable by the unprivileged user PostgreSQL runs as; its own data directory is 0700.
  mkdirSync(options.dir, { recursive: true });
  chmodSync(options.dir, 0o755);
  const dbOptions = { dataDir: `${options.dir}/pg`, port: options.pgPort, durable: options.durable };
  let db = await startCluster(dbOptions);
  const name = options.database ?? 'oncall';
  const { created } = await ensureDatabase(db, name);
  const databaseUrl = db.url(name);
  if (created && options.seed) await options.seed(databaseUrl);

  const instances = options.apiPorts.map((port, i) =>
    apiInstance({
      name: `api-${i + 1}`,
      port,
      echo: options.echo,
      env: { DATABASE_URL: databaseUrl, DEMO_SEED: '0', TRUST_PROXY: BALANCER_ADDRESS, ...options.env },
    }),
  );
  const stopAll = async (proxy?: Haproxy) => {
    await proxy?.stop();
    await Promise.all(instances.map((i) => i.stop()));
    await db.stop();
  };
  let proxy: Haproxy | undefined;
  try {
    // They migrate once between them (the migration lock), whichever starts first.
    await Promise.all(instances.map((i) => i.start()));
    proxy = await startHaproxy({
      dir: options.dir,
      port: options.proxyPort,
      backends: instances.map((i) => ({ name: i.name, port: i.port })),
      source: BALANCER_ADDRESS,
    });
  } catch (err) {
    await stopAll(proxy);
    throw err;
  }
  const cluster: ApiCluster = {
    url: proxy.url,
    databaseUrl,
    db,
    instances,
    proxy,
    stopDatabase: () => db.stop(),
    async startDatabase() {
      db = await startCluster(dbOptions);
      cluster.db = db;
    },
    stop: () => stopAll(proxy),
  };
  return cluster;
}
