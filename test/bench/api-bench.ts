/**
 * `npm run bench:api`: how fast the central API lists calls out of a large store, relative to a
 * bare Fastify route measured the same way in the same run (so the figure says what our code
 * costs, not how fast this machine is). Loads 1,000,000 calls for one organization into a temp
 * SQLite store, starts the real app (buildApp) on 127.0.0.1:0, and drives each scenario with a
 * closed-loop load generator in a worker thread (the servers keep the main thread to themselves).
 * Results and how to read them: docs/BENCHMARKS.md. Knobs: BENCH_CALLS, BENCH_SECONDS, BENCH_CONNECTIONS.
 */
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from '../../src-server/app';
import { loadConfig } from '../../src-server/config';
import { openDatabase } from '../../src-server/db/connection';
import { DEMO_PASSWORD, seedDemo } from '../../src-server/seed/demo';
import { Rng } from '../support/openapi-routes';
import { runLoad, type LoadResult } from './load-generator';

const CALLS = Number(process.env.BENCH_CALLS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
/** one connection, one request at a time: the latency a single client sees on an idle server */
const IDLE_SECONDS = 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DAYS = 90;
const EXTRA_AGENTS = 8;
const BATCH = 50_000;

const STATUSES: [string, number][] = [['completed', 0.72], ['missed', 0.12], ['cancelled', 0.06], ['failed', 0.04], ['wrap_up', 0.03], ['on_hold', 0.01], ['active', 0.02]];
const OUTCOMES = ['resolved', 'callback_requested', 'information_given', 'voicemail', 'prescription_query', 'transferred'];
const REGIONS = ['england', 'scotland', 'wales', 'northern_ireland'];
const PRIORITIES = ['normal', 'normal', 'normal', 'high', 'low', 'urgent'];

function weighted(rng: Rng, table: [string, number][]): string {
  let r = rng.next();
  for (const [value, share] of table) if ((r -= share) < 0) return value;
  return table[0]![0];
}

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));

interface Store {
  dir: string;
  dbPath: string;
  orgId: string;
  agentId: string;
  day: string;
  loadSeconds: number;
}

/** Migrated schema + demo org/users/patients, then CALLS rows straight into `calls` in big transactions. */
async function buildStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'oncall-bench-'));
  const dbPath = join(dir, 'api.sqlite');
  const started = performance.now();
  const db = await openDatabase(dbPath);
  const { organizationId: orgId } = await seedDemo(db, { domain: 'demo.test' });
  await db.destroy();

  const sqlite = new SQLite(dbPath);
  sqlite.pragma('journal_mode = WAL');
  // A bulk load that is thrown away on a crash needs no fsyncs.
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  const users = sqlite.prepare('SELECT id, email, role, password_hash FROM users WHERE organization_id = ?').all(orgId) as {
    id: string;
    email: string;
    role: string;
    password_hash: string;
  }[];
  const agent1 = users.find((u) => u.email === 'agent1@demo.test')!;
  const now = new Date().toISOString();
  const addUser = sqlite.prepare(
    `INSERT INTO users (id, organization_id, email, name, role, password_hash, active, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'agent', ?, 1, ?, ?)`,
  );
  const agents = users.filter((u) => u.role === 'agent').map((u) => u.id);
  for (let i = 3; i < 3 + EXTRA_AGENTS; i++) {
    const id = uuidv7();
    addUser.run(id, orgId, `agent${i}@demo.test`, `Agent ${i}`, agent1.password_hash, now, now);
    agents.push(id);
  }
  const patients = (sqlite.prepare('SELECT id, phone_number FROM patients WHERE organization_id = ?').all(orgId) as {
    id: string;
    phone_number: string;
  }[]);

  const insert = sqlite.prepare(
    `INSERT INTO calls (id, organization_id, patient_id, agent_id, direction, phone_number, status, priority, region,
       notes, outcome, metadata, started_at, ended_at, created_at, updated_at, version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, 1)`,
  );
  const rng = new Rng(90);
  const end = Date.now();
  const span = DAYS * 86_400_000;
  // Oldest first, as calls really arrive: every index then grows at its end instead of splitting
  // pages all over the file, which is what makes a bulk load of a million rows take seconds.
  const starts = Float64Array.from({ length: CALLS }, () => end - Math.floor(rng.next() * span)).sort();
  const insertBatch = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const startedMs = starts[i]!;
      const startedAt = new Date(startedMs).toISOString();
      const status = weighted(rng, STATUSES);
      const ended = ['completed', 'missed', 'cancelled', 'failed', 'wrap_up'].includes(status);
      const endedAt = ended ? new Date(startedMs + rng.between(5, 900) * 1000).toISOString() : null;
      const patient = rng.chance(0.8) ? rng.pick(patients) : null;
      insert.run(
        uuidv7({ msecs: startedMs }),
        orgId,
        patient?.id ?? null,
        rng.pick(agents),
        rng.chance(0.6) ? 'inbound' : 'outbound',
        patient?.phone_number ?? `+447700900${String(rng.int(1000)).padStart(3, '0')}`,
        status,
        rng.pick(PRIORITIES),
        rng.chance(0.9) ? rng.pick(REGIONS) : null,
        rng.chance(0.5) ? 'Caller asked about their appointment; details confirmed.' : '',
        status === 'completed' ? rng.pick(OUTCOMES) : null,
        startedAt,
        endedAt,
        startedAt,
        endedAt ?? startedAt,
      );
    }
  });
  for (let done = 0; done < CALLS; done += BATCH) insertBatch(done, Math.min(done + BATCH, CALLS));
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  // A day in the middle of the range: a full day of calls, none of them from the demo seed.
  const day = new Date(end - 45 * 86_400_000).toISOString().slice(0, 10);
  return { dir, dbPath, orgId, agentId: agent1.id, day, loadSeconds: (performance.now() - started) / 1000 };
}

interface Scenario {
  name: string;
  url: string;
  token?: string;
  /** checked once before measuring: the scenario must answer what it claims to */
  expect: (body: { items?: unknown[]; total?: number }) => string | null;
}

interface Measured extends LoadResult {
  name: string;
  /** p50 with a single connection (no queueing) */
  idleP50: number;
  /** rows the list matched (its `total`) */
  total?: number;
}

async function measure(s: Scenario): Promise<Measured> {
  const headers: Record<string, string> = s.token ? { authorization: `Bearer ${s.token}` } : {};
  const check = await fetch(s.url, { headers });
  const body = (await check.json()) as { items?: unknown[]; total?: number };
  const problem = check.status !== 200 ? `status ${check.status}` : s.expect(body);
  if (problem) throw new Error(`${s.name}: ${problem}: ${JSON.stringify(body).slice(0, 300)}`);
  await runLoad({ url: s.url, headers, connections: CONNECTIONS, seconds: WARMUP_SECONDS });
  const idle = await runLoad({ url: s.url, headers, connections: 1, seconds: IDLE_SECONDS });
  const r = await runLoad({ url: s.url, headers, connections: CONNECTIONS, seconds: SECONDS });
  for (const run of [idle, r]) {
    if (run.non2xx > 0 || run.errors > 0) throw new Error(`${s.name}: ${run.non2xx} non-2xx and ${run.errors} errors under load`);
  }
  return { ...r, idleP50: idle.p50, name: s.name, total: body.total };
}

async function login(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

function table(rows: Measured[], bare: Measured): string {
  const head = [
    'scenario',
    'p50 1 conn',
    `req/s ${CONNECTIONS} conn`,
    'p50',
    'p99',
    'p50 / bare',
    'p99 / bare',
    'req/s / bare',
    'rows matched',
  ];
  const lines = rows.map((r) => [
    r.name,
    `${ms(r.idleP50)} ms`,
    r.rps.toFixed(0),
    `${ms(r.p50)} ms`,
    `${ms(r.p99)} ms`,
    `${(r.p50 / bare.p50).toFixed(1)}x`,
    `${(r.p99 / bare.p99).toFixed(1)}x`,
    (r.rps / bare.rps).toFixed(3),
    r.total === undefined ? '' : String(r.total),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

async function main() {
  const runStarted = performance.now();
  console.log(`bench:api: ${CALLS.toLocaleString('en')} calls over ${DAYS} days, ${CONNECTIONS} connections, ${SECONDS} s per scenario`);
  console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);
  const store = await buildStore();
  const size = statSync(store.dbPath).size / 1024 / 1024;
  console.log(`load: ${store.loadSeconds.toFixed(1)} s for ${CALLS.toLocaleString('en')} calls (${Math.round(CALLS / store.loadSeconds).toLocaleString('en')} rows/s), store ${size.toFixed(0)} MiB`);

  const config = loadConfig({
    DATABASE_URL: store.dbPath,
    DEMO_SEED: '0',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    RATE_LIMIT_PER_HOUR: '1000000000',
    RATE_LIMIT_PER_DAY: '1000000000',
  });
  const db = await openDatabase(store.dbPath);
  const { app } = await buildApp({ db, config, logger: false });
  const api = await app.listen({ host: '127.0.0.1', port: 0 });

  // The yardstick: what Fastify alone costs per request on this machine, right now.
  const bareApp = Fastify({ logger: false });
  bareApp.get('/bare', async () => ({ status: 'ok', items: [] }));
  const bare = await bareApp.listen({ host: '127.0.0.1', port: 0 });

  try {
    const [supervisor, agent] = await Promise.all([login(api, 'supervisor@demo.test'), login(api, 'agent1@demo.test')]);
    const calls = `${api}/api/v1/organizations/${store.orgId}/calls`;
    const filtered = `status=completed&date=${store.day}&limit=50`;
    // A page is full unless the list ends before it (small BENCH_CALLS runs).
    const pageOf = (page: number) => (b: { items?: unknown[]; total?: number }) => {
      const expected = Math.max(0, Math.min(50, (b.total ?? 0) - (page - 1) * 50));
      return b.items?.length === expected ? null : `expected ${expected} items, got ${b.items?.length}`;
    };
    const fullPage = pageOf(1);
    const scenarios: Scenario[] = [
      { name: 'bare Fastify GET', url: `${bare}/bare`, expect: () => null },
      { name: 'calls: status + date, page 1', url: `${calls}?${filtered}`, token: supervisor, expect: fullPage },
      { name: 'calls: agent-scoped, date, page 1', url: `${calls}?date=${store.day}&limit=50`, token: agent, expect: fullPage },
      { name: 'calls: status + date, page 50', url: `${calls}?${filtered}&page=50`, token: supervisor, expect: pageOf(50) },
    ];
    const results: Measured[] = [];
    for (const s of scenarios) {
      const r = await measure(s);
      console.log(`  ${s.name}: 1 conn p50 ${ms(r.idleP50)} ms; ${CONNECTIONS} conn ${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms (${r.requests} requests)`);
      results.push(r);
    }
    console.log(`\nday ${store.day}; p50/p99/req/s at ${CONNECTIONS} connections; ratios against the bare Fastify route in this same run\n`);
    console.log(table(results, results[0]!));
    const [bareRun, list] = [results[0]!, results[1]!];
    console.log(
      `\nfigure: filtered calls list / bare Fastify = ${(list.p50 / bareRun.p50).toFixed(1)}x at p50 ` +
        `(${ms(list.p50)} ms vs ${ms(bareRun.p50)} ms), ${(list.p99 / bareRun.p99).toFixed(1)}x at p99, ` +
        `${(bareRun.rps / list.rps).toFixed(1)}x fewer req/s (${list.rps.toFixed(0)} vs ${bareRun.rps.toFixed(0)})`,
    );
    console.log(`total run: ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
  } finally {
    await app.close();
    await bareApp.close();
    await db.destroy();
    if (process.env.BENCH_KEEP_STORE) console.log(`store kept at ${store.dbPath}`);
    else rmSync(store.dir, { recursive: true, force: true });
  }
}

await main();
