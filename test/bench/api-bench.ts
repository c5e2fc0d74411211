/**
 * `npm run bench:api`: how fast the central API lists calls out of a large store, relative to a
 * bare Fastify route measured the same way in the same run (so the figure says what our code
 * costs, not how fast this machine is). Loads 1,000,000 calls for one organization into a temp
 * store (api-bench-stores.ts: SQLite; each store in BENCH_STORES gets the same scenarios), starts
 * the real app (buildApp) on 127.0.0.1:0, and drives each scenario with a closed-loop load
 * generator in a worker thread (the servers keep the main thread to themselves).
 * Results and how to read them: docs/BENCHMARKS.md. Knobs: BENCH_CALLS, BENCH_SECONDS,
 * BENCH_CONNECTIONS, BENCH_STORES (comma-separated, default sqlite), BENCH_KEEP_STORE, BENCH_PROFILE.
 */
import Fastify from 'fastify';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { buildApp } from '../../src-server/app';
import { loadConfig } from '../../src-server/config';
import { DEMO_PASSWORD } from '../../src-server/seed/demo';
import { DAYS, STORES, type BenchStore } from './api-bench-stores';
import { postgresStore } from './api-bench-postgres';
import { runLoad, type LoadResult } from './load-generator';

// Kept in its own file (it starts a PostgreSQL cluster); joins the stores BENCH_STORES picks from.
STORES.postgres = postgresStore;

const CALLS = Number(process.env.BENCH_CALLS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
/** one connection, one request at a time: the latency a single client sees on an idle server */
const IDLE_SECONDS = 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PAGE = 50;
/** the deep page: reached by OFFSET (`page=50`) and by following 49 cursors (less if the list is shorter) */
const DEEP_PAGE = 50;

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));

interface Scenario {
  name: string;
  url: string;
  token?: string;
  /** checked once before measuring: the scenario must answer what it claims to */
  expect: (body: { items?: unknown[]; total?: number }) => string | null;
}

interface Measured extends LoadResult {
  name: string;
  /** CPU time of the main thread (the servers) per request at 10 connections, in ms */
  cpuPerRequest?: number;
  /** p50 with a single connection (no queueing) */
  idleP50: number;
  /** rows the list matched (its `total`) */
  total?: number;
}

/**
 * CPU time the main thread has used so far, in ms (Linux: /proc, in USER_HZ ticks of 10 ms),
 * undefined elsewhere. The servers run on the main thread and the load generator in a worker,
 * so this is what the servers spent. Unlike latency it does not count the time the thread waited
 * for a core; a loaded machine still inflates it (caches and sibling hardware threads are
 * shared), so compare it within one run, like every figure here.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // fields after "pid (comm) ": state is the first, utime and stime the 12th and 13th
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * BENCH_PROFILE=<dir>: a CPU profile of the main thread (the servers, not the load generator's
 * worker) during each scenario's run at 10 connections, `<dir>/<scenario>.cpuprofile`: where a
 * request's time goes, without the store's load mixed in as in a whole-process profile.
 */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return run();
  const session = new Session();
  session.connect();
  const post = (method: string, params: object = {}) =>
    new Promise<{ profile?: object }>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as { profile?: object }))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

async function measure(s: Scenario): Promise<Measured> {
  const headers: Record<string, string> = s.token ? { authorization: `Bearer ${s.token}` } : {};
  const check = await fetch(s.url, { headers });
  const body = (await check.json()) as { items?: unknown[]; total?: number };
  const problem = check.status !== 200 ? `status ${check.status}` : s.expect(body);
  if (problem) throw new Error(`${s.name}: ${problem}: ${JSON.stringify(body).slice(0, 300)}`);
  await runLoad({ url: s.url, headers, connections: CONNECTIONS, seconds: WARMUP_SECONDS });
  const idle = await runLoad({ url: s.url, headers, connections: 1, seconds: IDLE_SECONDS });
  const cpuBefore = mainThreadCpuMs();
  const r = await profiled(s.name, () => runLoad({ url: s.url, headers, connections: CONNECTIONS, seconds: SECONDS }));
  const cpuAfter = mainThreadCpuMs();
  for (const run of [idle, r]) {
    if (run.non2xx > 0 || run.errors > 0) throw new Error(`${s.name}: ${run.non2xx} non-2xx and ${run.errors} errors under load`);
  }
  const cpuPerRequest = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / r.requests;
  return { ...r, idleP50: idle.p50, name: s.name, total: body.total, cpuPerRequest };
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
    'server CPU/req',
    'CPU / bare',
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
    r.cpuPerRequest === undefined ? 'n/a' : `${(r.cpuPerRequest * 1000).toFixed(0)} µs`,
    r.cpuPerRequest === undefined || !bare.cpuPerRequest ? 'n/a' : `${(r.cpuPerRequest / bare.cpuPerRequest).toFixed(1)}x`,
    r.total === undefined ? '' : String(r.total),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

type Body = { items?: unknown[]; total?: number; next_cursor?: string | null };

/** Follows `next_cursor` from page 1 to page `page` (the cursor a client holds there). */
async function cursorOf(url: string, token: string, page: number): Promise<string> {
  let cursor = '';
  for (let p = 1; p < page; p++) {
    const res = await fetch(`${url}${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as Body;
    if (!body.next_cursor) throw new Error(`the list ends before page ${page}`);
    cursor = body.next_cursor;
  }
  return cursor;
}

async function runStore(store: BenchStore, bareUrl: string): Promise<{ results: Measured[]; deep: number }> {
  const loaded = await store.load(CALLS);
  console.log(
    `${store.name}: load ${loaded.loadSeconds.toFixed(1)} s for ${CALLS.toLocaleString('en')} calls ` +
      `(${Math.round(CALLS / loaded.loadSeconds).toLocaleString('en')} rows/s), store ${loaded.sizeMiB.toFixed(0)} MiB`,
  );
  const config = loadConfig({
    DATABASE_URL: loaded.url,
    DEMO_SEED: '0',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    RATE_LIMIT_PER_HOUR: '1000000000',
    RATE_LIMIT_PER_DAY: '1000000000',
  });
  const { app } = await buildApp({ db: loaded.db, config, logger: false });
  const api = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const [supervisor, agent] = await Promise.all([login(api, 'supervisor@demo.test'), login(api, 'agent1@demo.test')]);
    const calls = `${api}/api/v1/organizations/${loaded.orgId}/calls`;
    const filtered = `${calls}?status=completed&date=${loaded.day}&limit=${PAGE}`;
    // A page is full unless the list ends before it (small BENCH_CALLS runs).
    const pageOf = (page: number) => (b: Body) => {
      const expected = b.total === undefined ? PAGE : Math.max(0, Math.min(PAGE, b.total - (page - 1) * PAGE));
      return b.items?.length === expected ? null : `expected ${expected} items, got ${b.items?.length}`;
    };
    const matches = await fetch(`${filtered}&include_total=true`, { headers: { authorization: `Bearer ${supervisor}` } });
    const total = ((await matches.json()) as Body).total ?? 0;
    const DEEP = Math.max(2, Math.min(DEEP_PAGE, Math.floor(total / PAGE)));
    const deepCursor = await cursorOf(filtered, supervisor, DEEP);
    const scenarios: Scenario[] = [
      { name: 'bare Fastify GET', url: `${bareUrl}/bare`, expect: () => null },
      { name: 'calls: status + date, page 1', url: filtered, token: supervisor, expect: pageOf(1) },
      { name: 'calls: status + date, page 1, with total', url: `${filtered}&include_total=true`, token: supervisor, expect: pageOf(1) },
      { name: 'calls: agent-scoped, date, page 1', url: `${calls}?date=${loaded.day}&limit=${PAGE}`, token: agent, expect: pageOf(1) },
      { name: `calls: status + date, page ${DEEP} by cursor`, url: `${filtered}&cursor=${deepCursor}`, token: supervisor, expect: pageOf(1) },
      { name: `calls: status + date, page ${DEEP} by OFFSET`, url: `${filtered}&page=${DEEP}`, token: supervisor, expect: pageOf(1) },
    ];
    const results: Measured[] = [];
    for (const s of scenarios) {
      const r = await measure(s);
      const cpu = r.cpuPerRequest === undefined ? '' : `, server CPU ${(r.cpuPerRequest * 1000).toFixed(0)} µs/request`;
      console.log(`  ${s.name}: 1 conn p50 ${ms(r.idleP50)} ms; ${CONNECTIONS} conn ${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms (${r.requests} requests${cpu})`);
      results.push(r);
    }
    return { results, deep: DEEP };
  } finally {
    await app.close();
    await loaded.dispose(Boolean(process.env.BENCH_KEEP_STORE));
  }
}

async function main() {
  const runStarted = performance.now();
  const stores = (process.env.BENCH_STORES ?? 'sqlite').split(',').map((name) => {
    const store = STORES[name.trim()];
    if (!store) throw new Error(`unknown store ${name}: one of ${Object.keys(STORES).join(', ')}`);
    return store;
  });
  console.log(`bench:api: ${CALLS.toLocaleString('en')} calls over ${DAYS} days, ${CONNECTIONS} connections, ${SECONDS} s per scenario`);
  console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);

  // The yardstick: what Fastify alone costs per request on this machine, right now.
  const bareApp = Fastify({ logger: false });
  bareApp.get('/bare', async () => ({ status: 'ok', items: [] }));
  const bare = await bareApp.listen({ host: '127.0.0.1', port: 0 });
  try {
    for (const store of stores) {
      const { results, deep: DEEP } = await runStore(store, bare);
      console.log(`\n${store.name}; p50/p99/req/s at ${CONNECTIONS} connections; ratios against the bare Fastify route in this same run\n`);
      console.log(table(results, results[0]!));
      const [bareRun, list, , , deep, offset] = results as [Measured, Measured, Measured, Measured, Measured, Measured];
      console.log(
        `\nfigure (${store.name}): filtered calls list / bare Fastify = ${(list.p50 / bareRun.p50).toFixed(1)}x at p50 ` +
          `(${ms(list.p50)} ms vs ${ms(bareRun.p50)} ms), ${(list.p99 / bareRun.p99).toFixed(1)}x at p99, ` +
          `${(bareRun.rps / list.rps).toFixed(1)}x fewer req/s (${list.rps.toFixed(0)} vs ${bareRun.rps.toFixed(0)})` +
          (list.cpuPerRequest && bareRun.cpuPerRequest
            ? `; server CPU per request ${(list.cpuPerRequest / bareRun.cpuPerRequest).toFixed(1)}x (${(list.cpuPerRequest * 1000).toFixed(0)} vs ${(bareRun.cpuPerRequest * 1000).toFixed(0)} µs)`
            : ''),
      );
      console.log(
        `figure (${store.name}): page ${DEEP} / page 1 at p50: by cursor ${(deep.p50 / list.p50).toFixed(2)}x ` +
          `(1 conn ${(deep.idleP50 / list.idleP50).toFixed(2)}x), by OFFSET ${(offset.p50 / list.p50).toFixed(2)}x ` +
          `(1 conn ${(offset.idleP50 / list.idleP50).toFixed(2)}x)`,
      );
    }
    console.log(`total run: ${((performance.now() - runStarted) / 1000).toFixed(0)} s, load ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  } finally {
    await bareApp.close();
  }
}

await main();
