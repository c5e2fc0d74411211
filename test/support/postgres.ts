/**
 * The throwaway PostgreSQL cluster the test run shares (vitest globalSetup of the `postgres`
 * project): created under a temp dir, on a free loopback port, removed afterwards. Each API
 * server a test starts gets a database of its own in it (test/support/api-server.ts).
 */
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/lib/free-port';
import { clusterOwner, startCluster, type PgCluster } from '../../scripts/lib/postgres-cluster';

export const PG_ADMIN_URL_ENV = 'ONCALL_TEST_PG_URL';

export async function startTestCluster(): Promise<PgCluster & { remove(): Promise<void> }> {
  const parent = mkdtempSync(join(tmpdir(), 'oncall-pg-'));
  const owner = clusterOwner();
  if (owner) chownSync(parent, owner.uid, owner.gid);
  const cluster = await startCluster({ dataDir: join(parent, 'data'), port: await freePort(), durable: false });
  return Object.assign(cluster, {
    async remove() {
      await cluster.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  });
}

/** vitest globalSetup: one cluster for the run; its admin URL reaches the test workers by env. */
export default async function setup(): Promise<() => Promise<void>> {
  const cluster = await startTestCluster();
  process.env[PG_ADMIN_URL_ENV] = cluster.url();
  return () => cluster.remove();
}
