/**
 * `npm run bench:cluster`: the production shape under a call center's load (docs/BENCHMARKS.md,
 * section bench:cluster). PostgreSQL, API instances and HAProxy as `npm run cluster` runs them;
 * 30 desktops syncing (./desktop-load.ts: each holds its poke stream, logs a call every second or
 * so and pulls when poked) and 50 REST clients in a closed loop (listing today's calls), all
 * through HAProxy. Measured with one instance behind the balancer (the baseline), then with
 * three, each on a fresh cluster with the same data: throughput, p50/p99, and the CPU each part
 * used over the measured window (where the time goes).
 *
 * Bounded and self-stopping: each phase runs a fixed time (BENCH_SECONDS, default 30, after a
 * 5 s warm-up), the whole run stops after 10 minutes. Knobs: BENCH_DESKTOPS (30),
 * BENCH_REST_CLIENTS (50), BENCH_THINK_MS (1000), BENCH_INSTANCES (1,3).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { startApiCluster, type ApiCluster } from '../../scripts/lib/api-cluster';
import { freePort } from '../../scripts/lib/free-port';
import { seedTestDatabase, TEST_SCRYPT_N } from '../support/api-server';
import { Http } from '../support/http';
import { runDesktops, type DesktopLoadResult } from './desktop-load';
import { runLoad, type LoadResult } from './load-generator';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const DESKTOPS = Number(process.env.BENCH_DESKTOPS ?? 30);
const REST_CLIENTS = Number(process.env.BENCH_REST_CLIENTS ?? 50);
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 1000);
const SHAPES = (process.env.BENCH_INSTANCES ?? '1,3').split(',').map(Number);
const WARMUP_SECONDS = 5;
const RUN_LIMIT_MS = 10 * 60_000;
const ENV = {
  PASSWORD_SCRYPT_N: TEST_SCRYPT_N,
  RATE_LIMIT_PER_MINUTE: '10000000',
  RATE_LIMIT_PER_HOUR: '100000000',
  RATE_LIMIT_PER_DAY: '1000000000',
  SIGNIN_RATE_LIMIT_PER_MINUTE: '10000',
  SIGNIN_RATE_LIMIT_PER_HOUR: '100000',
};

const started = Date.now();
const watchdog = setTimeout(() => {
  console.error(`bench:cluster stopped: over ${RUN_LIMIT_MS / 60_000} min`);
  process.exit(2);
}, RUN_LIMIT_MS);
watchdog.unref();
const step = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${what}`);

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** The demo organization (test seed) plus one agent per desktop, signing in with the same password. */
async function seed(url: string): Promise<void> {
  const { demo } = await seedTestDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE email = 'agent1@demo.test'");
    const now = new Date().toISOString();
    for (let i = 0; i < DESKTOPS; i++) {
      await client.query(
        `INSERT INTO users (id, organization_id, email, name, role, password_hash, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'agent', $5, 1, $6, $6)`,
        [uuidv7(), demo, `desk${i}@demo.test`, `Desk Agent ${i}`, rows[0]!.password_hash, now],
      );
    }
  } finally {
    await client.end();
  }
}

/** CPU seconds (user + system) of a process, from /proc; a process gone reads 0. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
}

/** The PostgreSQL server's processes: the postmaster and its children (backends, walwriter...). */
function postgresPids(postmaster: number): number[] {
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

interface PhaseResult {
  instances: number;
  rest: LoadResult;
  desktops: DesktopLoadResult;
  /** CPU cores used on average over the measured window, per part */
  cores: Record<string, number>;
}

async function phase(instances: number): Promise<PhaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'oncall-clusterbench-'));
  const [pgPort, proxyPort, ...apiPorts] = await Promise.all(Array.from({ length: 2 + instances }, () => freePort()));
  step(`${instances} instance(s): starting PostgreSQL, the instances and HAProxy`);
  let cluster: ApiCluster | undefined;
  try {
    cluster = await startApiCluster({ dir, pgPort: pgPort!, proxyPort: proxyPort!, apiPorts, durable: false, seed, env: ENV });
    const http = new Http(cluster.url);
    const supervisor = await http.login('supervisor@demo.test');
    const org = supervisor.user.organization_id;
    const tokens: string[] = [];
    for (let i = 0; i < DESKTOPS; i++) tokens.push((await http.login(`desk${i}@demo.test`)).token);
    const rest = { url: `${cluster.url}/api/v1/organizations/${org}/calls?limit=20`, headers: { authorization: `Bearer ${supervisor.token}` }, connections: REST_CLIENTS };

    step(`${instances} instance(s): warm-up ${WARMUP_SECONDS} s`);
    await runLoad({ ...rest, seconds: WARMUP_SECONDS });

    const pidsOf = {
      api: cluster.instances.map((i) => i.process!.pid!),
      postgres: postgresPids(cluster.db.process.pid!),
      haproxy: [cluster.proxy.process.pid!],
    };
    const cpuOf = () => ({
      ...Object.fromEntries(Object.entries(pidsOf).map(([part, pids]) => [part, pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)])),
      'load generators': cpuSeconds(process.pid),
    });
    step(`${instances} instance(s): ${DESKTOPS} desktops and ${REST_CLIENTS} REST clients for ${SECONDS} s`);
    const before = cpuOf();
    const t0 = performance.now();
    const [restResult, desktopResult] = await Promise.all([
      runLoad({ ...rest, seconds: SECONDS }),
      runDesktops({ url: cluster.url, orgId: org, tokens, seconds: SECONDS, thinkMs: THINK_MS }),
    ]);
    const wall = (performance.now() - t0) / 1000;
    const after = cpuOf();
    const cores = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k as keyof typeof after] - before[k as keyof typeof before]) / wall]));
    return { instances, rest: restResult, desktops: desktopResult, cores };
  } finally {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(results: PhaseResult[]): void {
  const base = results[0]!;
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : 'n/a');
  const measures: [string, (r: PhaseResult) => number, number][] = [
    [`REST: requests/s (GET today's calls, ${REST_CLIENTS} clients)`, (r) => r.rest.rps, 0],
    ['REST: p50 ms', (r) => r.rest.p50, 1],
    ['REST: p99 ms', (r) => r.rest.p99, 1],
    ['desktops: calls pushed/s', (r) => r.desktops.pushes / SECONDS, 1],
    ['desktops: push p50 ms', (r) => pct(r.desktops.pushMs, 50), 1],
    ['desktops: push p99 ms', (r) => pct(r.desktops.pushMs, 99), 1],
    ['desktops: push start to its poke, p50 ms', (r) => pct(r.desktops.pokeMs, 50), 1],
    ['desktops: push start to its poke, p99 ms', (r) => pct(r.desktops.pokeMs, 99), 1],
    ['desktops: pull p99 ms', (r) => pct(r.desktops.pullMs, 99), 1],
  ];
  const head = results.map((r) => `${r.instances} instance${r.instances > 1 ? 's' : ''}`);
  console.log(`| measure | ${head.join(' | ')} | ${results.slice(1).map((r) => `${r.instances} / ${base.instances}`).join(' | ')} |`);
  console.log(`| --- | ${results.map(() => '---').join(' | ')} | ${results.slice(1).map(() => '---').join(' | ')} |`);
  for (const [name, of, d] of measures) {
    console.log(`| ${name} | ${results.map((r) => f(of(r), d)).join(' | ')} | ${results.slice(1).map((r) => ratio(of(r), of(base))).join(' | ')} |`);
  }
  const codes = (m: Record<string, number>) => Object.entries(m).map(([code, n]) => `${n}x${code}`).join(' ') || 'none';
  console.log(`| REST answers by status (+ no answer) | ${results.map((r) => `${codes(r.rest.statuses)} (+${r.rest.errors})`).join(' | ')} | |`);
  console.log(`| failed pushes by status (0: no answer); event streams lost | ${results.map((r) => `${codes(r.desktops.pushErrorStatuses)}; ${r.desktops.streamsLost}`).join(' | ')} | |`);
  for (const part of Object.keys(base.cores)) {
    console.log(`| CPU cores used: ${part} | ${results.map((r) => f(r.cores[part]!, 2)).join(' | ')} | |`);
  }
}

async function main(): Promise<void> {
  console.log(`bench:cluster on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  const results: PhaseResult[] = [];
  for (const instances of SHAPES) results.push(await phase(instances));
  console.log(`\nbench:cluster done in ${((Date.now() - started) / 1000).toFixed(0)} s, load ${loadavg().map((l) => l.toFixed(1)).join(' / ')}\n`);
  report(results);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error('bench:cluster failed:', err instanceof Error ? err.stack : err);
  process.exit(1);
});
