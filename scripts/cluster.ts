/**
 * `npm run cluster`: the production shape on this machine (docs/scale-out.md). PostgreSQL from
 * Debian's packages under ./data/cluster/pg (initdb as an unprivileged user, loopback only),
 * three API instances on it, HAProxy in front on CLUSTER_PORT (default 8080) with the demo
 * organization. Ctrl-C stops everything; the data stays for the next run.
 */
import { resolve } from 'node:path';
import { openDatabase } from '../src-server/db/connection';
import { seedDemoIfEmpty } from '../src-server/seed/demo';
import { startApiCluster } from './lib/api-cluster';

const port = Number(process.env.CLUSTER_PORT ?? 8080);
const pgPort = Number(process.env.CLUSTER_PG_PORT ?? 5433);
const apiPorts = [1, 2, 3].map((i) => port + i);
const dir = resolve(process.env.CLUSTER_DIR ?? 'data/cluster');

console.log(`starting PostgreSQL on 127.0.0.1:${pgPort}, API instances on ${apiPorts.join(', ')}, HAProxy on ${port} (data in ${dir})`);
const cluster = await startApiCluster({
  dir,
  pgPort,
  proxyPort: port,
  apiPorts,
  durable: true,
  echo: process.env.CLUSTER_ECHO === '1',
  seed: async (url) => {
    const db = await openDatabase(url);
    try {
      await seedDemoIfEmpty(db, new Date());
    } finally {
      await db.destroy();
    }
  },
});

console.log(`
OnCall Desk API cluster ready: ${cluster.url}
  database   ${cluster.databaseUrl}
  instances  ${cluster.instances.map((i) => `${i.name} ${i.url}`).join(', ')}
  HAProxy    round robin, health check GET /ready, X-Forwarded-For trusted from 127.0.0.2
Point a desktop at it: API_URL=${cluster.url} npm run host (server ${cluster.url} at sign-in).
Sign in as agent1@demo.test / demo-password. Ctrl-C stops everything.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping HAProxy, the API instances and PostgreSQL');
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
