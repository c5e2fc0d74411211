/**
 * `npm run bench:sync`: the desktop core's offline-first sync, each figure as a ratio against a
 * baseline measured in the same run (docs/BENCHMARKS.md, section bench:sync):
 *
 * 1. log a call (`call.create`: the row and its outbox entry in one SQLite transaction) p50/p99,
 *    against a raw better-sqlite3 insert of the same row into the same schema, same pragmas;
 * 2. draining 10,000 queued mutations to the API (mutations/s), against PouchDB replicating the
 *    same 10,000 records (pouchdb-node to express-pouchdb, both on loopback, 100 per request);
 * 3. the initial pull of 100,000 rows by a fresh desktop (rows/s), against fetching and parsing
 *    the same pages without applying them, and against inserting the same rows locally;
 * 4. poke-to-applied latency of a supervisor's reassignment (p50/p95 over 100 samples; the p95
 *    of 30 was their second-worst and moved by a fifth between runs), against the same
 *    reassignment made over REST (the request round trip).
 *
 * 5. memory: the resident size of the desktop core's process (its own process here, as in the
 *    shells) and of the API's, sampled while the initial pull runs, above their idle size.
 *
 * The API's store: BENCH_STORES=sqlite (default), postgres, or sqlite,postgres (a throwaway
 * Debian PostgreSQL cluster, fsync off like the SQLite bulk load): the steps that involve the API
 * (drain, pokes, pull) run once per store in the same run, each row naming its store; logging a
 * call and the PouchDB baseline involve no API and run once.
 *
 * Bounded and self-stopping (each step has a fixed size; the whole run stops after 9.5 min per
 * store). Knobs: BENCH_WRITES (2000), BENCH_DRAIN (10000), BENCH_PULL_ROWS (100000), BENCH_POKES
 * (100), BENCH_DRAIN_ROUNDS (3), BENCH_PULL_LIMIT (the desktop's pull page), BENCH_STEPS (default all:
 * write,drain,pokes,pull).
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import PouchDB from 'pouchdb-node';
import { v7 as uuidv7 } from 'uuid';
import { migrate } from '../../src-main/core/store/migrations';
import { DEFAULT_TIMING } from '../../src-main/core/sync/timing';
import { ROOT, startApiServer, stopAndClean, type ApiServer, type TestStore } from '../support/api-server';
import { PG_ADMIN_URL_ENV, startTestCluster } from '../support/postgres';
import { startClientProcess } from '../support/client-process';
import { eventually, openCore, type TestCore } from '../support/desktop-core';
import { Http } from '../support/http';
import { buildLargeStore } from './sync-bench-seed';

const WRITES = Number(process.env.BENCH_WRITES ?? 2000);
const DRAIN = Number(process.env.BENCH_DRAIN ?? 10_000);
const PULL_ROWS = Number(process.env.BENCH_PULL_ROWS ?? 100_000);
const POKES = Number(process.env.BENCH_POKES ?? 100);
/** Drains, each against PouchDB on its own records right after it: the figure is their median ratio. */
const DRAIN_ROUNDS = Number(process.env.BENCH_DRAIN_ROUNDS ?? 3);
const PULL_LIMIT = Number(process.env.BENCH_PULL_LIMIT ?? DEFAULT_TIMING.pullLimit);
const STEPS = new Set((process.env.BENCH_STEPS ?? 'write,drain,pokes,pull').split(',').map((x) => x.trim()));
const STORES = (process.env.BENCH_STORES ?? 'sqlite').split(',').map((s) => s.trim()) as TestStore[];
if (!STORES.every((s) => s === 'sqlite' || s === 'postgres')) throw new Error(`BENCH_STORES: sqlite and/or postgres, not ${process.env.BENCH_STORES}`);
const STORE_NAMES: Record<TestStore, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
const RUN_LIMIT_MS = 9.5 * 60_000 * STORES.length;
/** While "offline" the engine must not wake up during a measurement: one retry per 10 minutes. */
const QUIET = { minBackoffMs: 600_000, maxBackoffMs: 600_000 };
// Production's answer path: the test suite's OpenAPI check of every answer (Ajv over each pull
// page and push answer, test/support/api-server.ts) was 4.7% of the API's CPU in a profile of this bench.
const API_ENV = { RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_PER_HOUR: '10000000', RATE_LIMIT_PER_DAY: '10000000', OPENAPI_RESPONSE_CHECK: '0' };

const started = Date.now();
const watchdog = setTimeout(() => {
  console.error(`bench:sync stopped: over ${RUN_LIMIT_MS / 60_000} min`);
  process.exit(2);
}, RUN_LIMIT_MS);
watchdog.unref();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const f = (n: number, digits = 2) => n.toFixed(digits);
const rows: string[][] = [];
const row = (...cells: string[]) => rows.push(cells);
/** the store the API-side rows are measured on, named when there are several */
let storeLabel = '';
const apiRow = (measure: string, ...cells: string[]) => row(`${measure}${storeLabel}`, ...cells);
const step = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${what}`);

/** Sign in, sync once, then lose the API: the core answers from its store and backs off quietly. */
async function quietCore(api: ApiServer, email: string): Promise<TestCore> {
  const core = await openCore({ sync: QUIET });
  await core.signIn(api.url, email);
  await core.invoke('sync.now', {});
  return core;
}

async function logACall(core: TestCore): Promise<void> {
  step(`log a call: ${WRITES} through the core, ${WRITES} raw inserts`);
  const dir = mkdtempSync(join(tmpdir(), 'oncall-rawbench-'));
  const raw = new Database(join(dir, 'raw.sqlite'));
  // The core's pragmas (store/database.ts) and its very schema (store/migrations.ts).
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  migrate(raw);
  const insert = raw.prepare('INSERT INTO calls (id, data, server) VALUES (?, ?, NULL)');
  const rawInsert = raw.transaction((id: string, data: string) => insert.run(id, data));
  const args = { direction: 'inbound' as const, phone_number: '07700 900123', notes: 'Asked about a repeat prescription.' };
  const sample = await core.invoke('call.create', args);

  const coreMs: number[] = [];
  const rawMs: number[] = [];
  for (let block = 0; block < WRITES / 100; block++) {
    const runRaw = () => {
      for (let i = 0; i < 100; i++) {
        const id = uuidv7();
        const t0 = performance.now();
        rawInsert.immediate(id, JSON.stringify({ ...sample, id }));
        rawMs.push(performance.now() - t0);
      }
    };
    const runCore = async () => {
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        await core.invoke('call.create', args);
        coreMs.push(performance.now() - t0);
      }
    };
    // Interleaved in blocks, alternating which goes first, so that drift hits both alike.
    if (block % 2 === 0) {
      runRaw();
      await runCore();
    } else {
      await runCore();
      runRaw();
    }
  }
  raw.close();
  rmSync(dir, { recursive: true, force: true });
  for (const p of [50, 99]) {
    row(`log a call, p${p}`, `${f(pct(coreMs, p))} ms`, `raw insert ${f(pct(rawMs, p))} ms`, `${f(pct(coreMs, p) / pct(rawMs, p))}x`);
  }
}

/**
 * User + system CPU seconds a process has used so far, or its main thread alone (`thread`)
 * (Linux /proc; clock ticks of 10 ms).
 */
function cpuSecondsOf(pid: number, thread = false): number {
  const fields = readFileSync(thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function drain(api: ApiServer, core: TestCore, round: string): Promise<{ seconds: number; records: object[] }> {
  step(`drain${round}: queueing ${DRAIN} calls offline`);
  for (let i = 0; i < DRAIN; i++) await core.invoke('call.create', { direction: 'inbound', phone_number: '07700 900123', notes: `queued ${i}` });
  const db = new Database(join(core.dataDir, 'oncall-desk.sqlite'), { readonly: true });
  const records = (db.prepare('SELECT data FROM calls WHERE server IS NULL').all() as { data: string }[]).map((r) => JSON.parse(r.data) as { id: string });
  db.close();
  if ((await core.invoke('sync.status', {})).pending !== DRAIN) throw new Error('the outbox does not hold exactly the queued mutations');

  await api.restart();
  step(`drain${round}: API back, sync now`);
  collectGarbage();
  const apiCpu0 = cpuSecondsOf(api.process.pid!);
  const apiThread0 = cpuSecondsOf(api.process.pid!, true);
  const desktopCpu0 = process.cpuUsage();
  const t0 = performance.now();
  const emptied = core.next('sync.status', (s) => s.pending === 0, 300_000);
  const cycle = core.invoke('sync.now', {});
  const drained = (await emptied).at - t0;
  const apiCpu = cpuSecondsOf(api.process.pid!) - apiCpu0;
  const apiThread = cpuSecondsOf(api.process.pid!, true) - apiThread0;
  const desktopCpu = process.cpuUsage(desktopCpu0);
  await cycle;
  const total = performance.now() - t0;
  const n = DRAIN.toLocaleString('en');
  apiRow(`drain${round} ${n} queued mutations (push until the outbox is empty)`, `${f(drained / 1000)} s, ${f(DRAIN / (drained / 1000), 0)} mutations/s`, '', '');
  // Both processes' CPU over the drain: which side the drain waits for. The API's includes V8's
  // compiler and GC threads and the store's checkpoint thread, so it can exceed the drain's wall
  // time; its main thread, which applies the pushes one after another, cannot.
  apiRow(
    '  CPU during the drain: the API process, the desktop core',
    `API ${f(apiCpu)} s (${f((100 * apiCpu) / (drained / 1000), 0)}% of the drain), its main thread ${f(apiThread)} s`,
    `desktop ${f((desktopCpu.user + desktopCpu.system) / 1e6)} s`,
    '',
  );
  apiRow(`  the same cycle including pulling the ${n} records back`, `${f(total / 1000)} s`, '', '');
  return { seconds: drained / 1000, records: records.map(({ id, ...rest }) => ({ _id: id, ...rest })) };
}

async function pouchReplication(records: object[]): Promise<number> {
  step(`PouchDB: replicating the same ${records.length} records`);
  const dir = mkdtempSync(join(tmpdir(), 'oncall-pouch-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/pouchdb-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, POUCH_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = /pouchdb listening (\d+)/.exec(line);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`the PouchDB server exited with ${code}`)));
    });
    const local = new PouchDB(join(dir, 'local'));
    await local.bulkDocs(records);
    collectGarbage();
    const t0 = performance.now();
    const result = await local.replicate.to(`http://127.0.0.1:${port}/bench`, { batch_size: 100 });
    const seconds = (performance.now() - t0) / 1000;
    if (result.docs_written !== records.length) throw new Error(`PouchDB wrote ${result.docs_written} of ${records.length}`);
    await local.close();
    return seconds;
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pokes(api: ApiServer, agent: TestCore): Promise<void> {
  step(`pokes: ${POKES} reassignments through the desktops, ${POKES} over REST`);
  // The supervisor's desktop in a process of its own, as on its own machine: in this process its
  // SQLite commits (an fsync each) held up the agent's desktop between poke and pull.
  const supervisor = await startClientProcess();
  await supervisor.signIn(api.url, 'supervisor@demo.test');
  await supervisor.invoke('sync.now', {});
  const users = await supervisor.invoke('users.list', {});
  const agent1 = users.find((u) => u.email === 'agent1@demo.test')!.id;
  const agent2 = users.find((u) => u.email === 'agent2@demo.test')!.id;
  const tasks = [];
  for (let i = 0; i < POKES; i++) tasks.push(await supervisor.invoke('task.create', { title: `bench ${i}`, assignee_id: agent2 }));
  await supervisor.invoke('sync.now', {});

  // Interleaved, one of each per task, so that the machine's load drifting during the run hits
  // both alike; each starts with both desktops settled (no cycle of theirs competing on the API).
  const http = new Http(api.url);
  const session = await http.login('supervisor@demo.test');
  const settled = async (id: string, assignee: string) => {
    await eventually(async () => (await supervisor.invoke('tasks.get', { id }))?.assignee_id === assignee && (await supervisor.invoke('sync.status', {})).state === 'idle');
    await eventually(async () => ((await agent.invoke('tasks.get', { id })) !== null) === (assignee === agent1) && (await agent.invoke('sync.status', {})).state === 'idle');
    await new Promise((r) => setTimeout(r, 50));
  };
  const viaPoke: number[] = [];
  const viaRest: number[] = [];
  for (const task of tasks) {
    let t0 = performance.now();
    const applied = agent.next('tasks.assigned', (p) => p.tasks.some((t) => t.id === task.id), 10_000);
    await supervisor.invoke('tasks.reassign', { ids: [task.id], assignee_id: agent1 });
    viaPoke.push((await applied).at - t0);
    await settled(task.id, agent1);

    t0 = performance.now();
    const res = await http.patch(`/api/v1/organizations/${session.user.organization_id}/tasks/${task.id}`, { assignee_id: agent2 }, session);
    viaRest.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`REST reassignment answered ${res.status}`);
    await settled(task.id, agent2);
  }
  await supervisor.close();
  for (const p of [50, 95]) {
    apiRow(`reassignment: poke-to-applied on the agent's desktop, p${p}`, `${f(pct(viaPoke, p), 1)} ms`, `REST PATCH ${f(pct(viaRest, p), 1)} ms`, `${f(pct(viaPoke, p) / pct(viaRest, p))}x`);
  }
}

/** Resident memory of a process (Linux /proc), in MiB. */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Samples a process's RSS every 20 ms until stopped; answers the peak. */
function rssPeak(pid: number): { stop(): number } {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid));
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMiB(pid));
    },
  };
}

/** Fetches and parses every page of a fresh pull, applying nothing: the server + transport floor. */
async function rawPull(api: ApiServer, orgId: string): Promise<{ ms: number; pages: { entity: string; id: string; data: object }[][] }> {
  const http = new Http(api.url);
  const session = await http.login('supervisor@demo.test');
  const clientId = uuidv7();
  const pages: { entity: string; id: string; data: object }[][] = [];
  const t0 = performance.now();
  for (let cursor = 0; ; ) {
    const res = await fetch(`${api.url}/api/v1/organizations/${orgId}/sync/pull?client_id=${clientId}&cursor=${cursor}&limit=${PULL_LIMIT}`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    const page = (await res.json()) as { changes: { entity: string; id: string; data: object }[]; cursor: number; has_more: boolean };
    pages.push(page.changes);
    cursor = page.cursor;
    if (!page.has_more) break;
  }
  return { ms: performance.now() - t0, pages };
}

async function initialPull(kind: TestStore): Promise<void> {
  step(`initial pull: seeding ${PULL_ROWS} rows into a fresh API store (${STORE_NAMES[kind]})`);
  const store = await buildLargeStore(PULL_ROWS, kind);
  const api = await startApiServer({ dbPath: store.dbPath, env: API_ENV });
  try {
    step(`initial pull: raw fetch, the desktop (its own process, pages of ${PULL_LIMIT}), raw fetch again`);
    const before = await rawPull(api, store.orgId);
    // The desktop as the shells run it: the core in a process of its own, so its memory is its own.
    const core = await startClientProcess({ timing: { pullLimit: PULL_LIMIT } });
    const apiIdle = rssMiB(api.process.pid!);
    const coreIdle = rssMiB(core.process.pid!);
    const apiPeak = rssPeak(api.process.pid!);
    const corePeak = rssPeak(core.process.pid!);
    const t0 = performance.now();
    // Timed from the sync cycle's start: the fetch baseline signs in before its clock starts too.
    const syncing = core.next('sync.status', (s) => s.state === 'syncing', 300_000).then(() => performance.now());
    const idle = core.next('sync.status', (s) => s.state === 'idle' && s.last_pull_at !== null, 300_000);
    await core.signIn(api.url, 'supervisor@demo.test');
    await idle;
    const end = performance.now();
    const coreMs = end - (await syncing);
    const withSignIn = end - t0;
    const [apiMax, coreMax] = [apiPeak.stop(), corePeak.stop()];
    const db = new Database(join(core.dataDir, 'oncall-desk.sqlite'), { readonly: true });
    const pulled = ['calls', 'tasks', 'patients', 'users', 'schedules']
      .map((t) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n)
      .reduce((a, b) => a + b, 0);
    db.close();
    await core.close();
    rmSync(core.dataDir, { recursive: true, force: true });
    const after = await rawPull(api, store.orgId);
    const fetchMs = (before.ms + after.ms) / 2;

    // The local floor: the same rows into the same schema, one transaction per page, with the
    // statements prepared once (what a bare, well-written insert loop costs).
    const dir = mkdtempSync(join(tmpdir(), 'oncall-rawpull-'));
    const raw = new Database(join(dir, 'raw.sqlite'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    migrate(raw);
    const tables: Record<string, string> = { call: 'calls', task: 'tasks', patient: 'patients', user: 'users', schedule: 'schedules' };
    const inserts = Object.fromEntries(
      Object.entries(tables).map(([entity, table]) => [entity, raw.prepare(`INSERT OR REPLACE INTO ${table} (id, data, server) VALUES (?, ?, ?)`)]),
    );
    const t1 = performance.now();
    for (const page of after.pages) {
      raw.transaction(() => {
        for (const c of page) {
          const json = JSON.stringify(c.data);
          inserts[c.entity]!.run(c.id, json, json);
        }
      })();
    }
    const insertMs = performance.now() - t1;
    raw.close();
    rmSync(dir, { recursive: true, force: true });

    apiRow(`initial pull of ${pulled.toLocaleString('en')} rows by a fresh desktop (pages of ${PULL_LIMIT})`, `${f(coreMs / 1000)} s, ${f(pulled / (coreMs / 1000), 0)} rows/s`, `fetch+parse only ${f(fetchMs / 1000)} s`, `${f(coreMs / fetchMs)}x`);
    apiRow('  the same from the sign-in (which the baseline does not time)', `${f(withSignIn / 1000)} s`, '', '');
    apiRow('  against fetch+parse plus a raw local insert of the same rows', '', `${f((fetchMs + insertMs) / 1000)} s`, `${f(coreMs / (fetchMs + insertMs))}x`);
    row('memory: desktop core process during the pull, above idle (budget 150 MB)', `+${f(coreMax - coreIdle, 0)} MiB (peak ${f(coreMax, 0)})`, `idle ${f(coreIdle, 0)} MiB`, '');
    apiRow('memory: API process serving it, above idle (budget 200 MB)', `+${f(apiMax - apiIdle, 0)} MiB (peak ${f(apiMax, 0)})`, `idle ${f(apiIdle, 0)} MiB`, '');
  } finally {
    await stopAndClean(api);
    rmSync(store.dir, { recursive: true, force: true });
  }
}

/**
 * A full collection in this process (the desktop core and PouchDB's client live here) right
 * before each timed drain and replication: what the earlier steps left behind (2,000 logged
 * calls, the previous rounds' records) is then not collected in the middle of one of them.
 */
const collectGarbage: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** PouchDB's time in each drain round of the first store */
const pouchRounds: number[] = [];
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** `first`: also the steps that involve no API (logging a call, the PouchDB baseline). */
async function writeDrainPoke(kind: TestStore, first: boolean): Promise<void> {
  const api = await startApiServer({ env: API_ENV, store: kind });
  let writer: TestCore | undefined;
  let drainer: TestCore | undefined;
  try {
    writer = await quietCore(api, 'agent1@demo.test');
    drainer = await quietCore(api, 'agent1@demo.test');
    await api.stop();
    // One failed cycle each: from now on they back off for 10 minutes and stay out of the way.
    await Promise.all([writer.invoke('sync.now', {}), drainer.invoke('sync.now', {})]);
    if (first && STEPS.has('write')) await logACall(writer);
    await writer.close();
    writer = undefined;
    if (STEPS.has('drain')) {
      // Rounds, each paired with a PouchDB replication of its own records right after it (the
      // first store's; a later store's rounds are held to the median of those): one run's
      // ratio moved by a third with the machine's load, the median of the pairs much less.
      const ratios: number[] = [];
      for (let i = 0; i < DRAIN_ROUNDS; i++) {
        const round = DRAIN_ROUNDS > 1 ? ` (round ${i + 1} of ${DRAIN_ROUNDS})` : '';
        if (i > 0) {
          // Offline again: one failed cycle, after which the desktop backs off and stays out of the way.
          await api.stop();
          await drainer.invoke('sync.now', {});
        }
        const drained = await drain(api, drainer, round);
        if (pouchRounds.length <= i && first) {
          const seconds = await pouchReplication(drained.records);
          pouchRounds.push(seconds);
          row(`PouchDB${round} replicating the same ${drained.records.length.toLocaleString('en')} records (batch 100)`, `${f(seconds)} s, ${f(drained.records.length / seconds, 0)} docs/s`, '', '');
        }
        const pouch = pouchRounds[i] ?? median(pouchRounds);
        ratios.push(drained.seconds / pouch);
        apiRow(`  our drain${round} against PouchDB (time, lower is faster)`, `${f(drained.seconds / pouch)}x`, '', '');
      }
      if (DRAIN_ROUNDS > 1) apiRow(`our drain against PouchDB: median of ${DRAIN_ROUNDS} rounds (time, lower is faster)`, `**${f(median(ratios))}x**`, '', '');
    } else {
      // BENCH_STEPS=pokes alone: the agent's desktop comes back online without a drain first.
      await api.restart();
      await drainer.invoke('sync.now', {});
    }
    if (STEPS.has('pokes')) await pokes(api, drainer);
  } finally {
    await writer?.close();
    await drainer?.close();
    await stopAndClean(api);
  }
}

async function main(): Promise<void> {
  console.log(`bench:sync on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  const cluster = STORES.includes('postgres') ? await startTestCluster() : undefined;
  if (cluster) process.env[PG_ADMIN_URL_ENV] = cluster.url();
  try {
    for (const [i, kind] of STORES.entries()) {
      storeLabel = STORES.length > 1 ? ` [${STORE_NAMES[kind]}]` : '';
      step(`API store: ${STORE_NAMES[kind]}`);
      // Each step runs only when named; the first three share their API and desktops.
      if (STEPS.has('write') || STEPS.has('drain') || STEPS.has('pokes')) await writeDrainPoke(kind, i === 0);
      if (STEPS.has('pull')) await initialPull(kind);
    }
  } finally {
    await cluster?.remove();
  }

  console.log(`\nbench:sync done in ${((Date.now() - started) / 1000).toFixed(0)} s, load ${loadavg().map((l) => l.toFixed(1)).join(' / ')}\n`);
  console.log('| measure | ours | baseline | ours / baseline |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error('bench:sync failed:', err instanceof Error ? err.stack : err);
  process.exit(1);
});
