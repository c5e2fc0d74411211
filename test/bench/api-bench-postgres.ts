/**
 * bench:api's PostgreSQL store (BENCH_STORES=sqlite,postgres): a throwaway cluster from Debian's
 * packages (the test suite's, fsync off like the SQLite load's synchronous=OFF), the same
 * synthetic organization as the SQLite store, loaded with multi-row INSERTs in big transactions.
 */
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../../src-server/db/connection';
import { seedDemo } from '../../src-server/seed/demo';
import { startTestCluster } from '../support/postgres';
import { CALL_COLUMNS, middleDay, syntheticCalls, type BenchStore, type CallValues } from './api-bench-stores';

const EXTRA_AGENTS = 8;
/** rows per INSERT: 17 columns x 1,000 rows stays under PostgreSQL's 65,535 parameters */
const ROWS_PER_INSERT = 1000;

export const postgresStore: BenchStore = {
  name: 'PostgreSQL',
  async load(calls) {
    const cluster = await startTestCluster();
    const url = await cluster.createDatabase('bench');
    const started = performance.now();
    const seeded = await openDatabase(url);
    const { organizationId: orgId } = await seedDemo(seeded, { domain: 'demo.test' });
    await seeded.destroy();

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const users = (await client.query<{ id: string; email: string; role: string; password_hash: string }>(
        'SELECT id, email, role, password_hash FROM users WHERE organization_id = $1',
        [orgId],
      )).rows;
      const agent1 = users.find((u) => u.email === 'agent1@demo.test')!;
      const now = new Date().toISOString();
      const agents = users.filter((u) => u.role === 'agent').map((u) => u.id);
      for (let i = 3; i < 3 + EXTRA_AGENTS; i++) {
        const id = uuidv7();
        await client.query(
          `INSERT INTO users (id, organization_id, email, name, role, password_hash, active, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'agent', $5, 1, $6, $6)`,
          [id, orgId, `agent${i}@demo.test`, `Agent ${i}`, agent1.password_hash, now],
        );
        agents.push(id);
      }
      const patients = (await client.query<{ id: string; phone_number: string }>('SELECT id, phone_number FROM patients WHERE organization_id = $1', [orgId])).rows;
      const flush = async (rows: CallValues[]) => {
        if (!rows.length) return;
        const placeholders = rows.map((_, r) => `(${CALL_COLUMNS.map((__, c) => `$${r * CALL_COLUMNS.length + c + 1}`).join(', ')})`);
        await client.query(`INSERT INTO calls (${CALL_COLUMNS.join(', ')}) VALUES ${placeholders.join(', ')}`, rows.flat());
      };
      await client.query('BEGIN');
      let pending: CallValues[] = [];
      for (const row of syntheticCalls(calls, orgId, agents, patients)) {
        pending.push(row);
        if (pending.length === ROWS_PER_INSERT) {
          await flush(pending);
          pending = [];
        }
      }
      await flush(pending);
      await client.query('COMMIT');
      await client.query('VACUUM ANALYZE calls');
    } finally {
      await client.end();
    }
    const loadSeconds = (performance.now() - started) / 1000;
    const db = await openDatabase(url);
    const size = await db.selectNoFrom((eb) => eb.fn<number>('pg_database_size', [eb.val('bench')]).as('bytes')).executeTakeFirstOrThrow();
    return {
      db,
      url,
      orgId,
      day: middleDay(),
      loadSeconds,
      sizeMiB: Number(size.bytes) / 1024 / 1024,
      async dispose(keep) {
        await db.destroy();
        if (keep) console.log(`cluster kept running at ${cluster.url('bench')} (stop it by its pid ${cluster.process.pid})`);
        else await cluster.remove();
      },
    };
  },
};
