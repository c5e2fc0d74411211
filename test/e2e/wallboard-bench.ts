/**
 * `npm run bench:ui` (second part): the supervisor's wallboard with 500 agents in Debian's
 * Chromium: first render, and the time from a pulled state change (the core's data.changed event)
 * to the row painted, p50/p95, against a REST round trip of the same data (GET agent-states on a
 * real API over loopback). It also takes the screenshots of the wallboard, the rota and the shifts
 * view in docs/screenshots/. Not a test: it prints figures.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT, startApiServer, stopAndClean } from '../support/api-server';
import { Http } from '../support/http';
import { serveBenchPage } from './bench-page';
import { launchBrowser } from './stack';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const N = Number(process.env.BENCH_AGENTS ?? 500);
interface Result { n: number; firstRender: number; changeP50: number; changeP95: number; domRows: number }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]!;

async function restRoundTrip(): Promise<{ p50: number; p95: number }> {
  const api = await startApiServer();
  try {
    const http = new Http(api.url);
    const sup = await http.login('supervisor@demo.test');
    const url = `/api/v1/organizations/${sup.user.organization_id}/agent-states`;
    const times: number[] = [];
    for (let i = 0; i < 45; i++) {
      const t0 = performance.now();
      await http.get(url, sup);
      if (i >= 5) times.push(performance.now() - t0); // the first few warm the connection up
    }
    return { p50: pct(times, 0.5), p95: pct(times, 0.95) };
  } finally {
    await stopAndClean(api);
  }
}

async function main() {
  const served = await serveBenchPage('wallboard.html');
  const url = served.url;
  const browser = await launchBrowser();
  const results: Result[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`${url}?n=${N}`);
      results.push((await page.evaluate('window.wallboardBench')) as Result);
    }
    // Screenshots at a size a reader can take in: 40 agents.
    const shots = join(ROOT, 'docs/screenshots');
    for (const view of ['wallboard', 'rota', 'shifts'] as const) {
      await page.goto(`${url}?n=40&view=${view}&measure=0`);
      await page.evaluate('window.wallboardBench');
      await page.screenshot({ path: join(shots, `${view}.png`) });
      if (view === 'wallboard') await page.locator('header.status-bar').screenshot({ path: join(shots, 'status-bar.png') });
    }
  } finally {
    await browser.close();
    served.close();
  }
  const rest = await restRoundTrip();
  const m = (key: keyof Result) => median(results.map((r) => r[key]));
  const fmt = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`Wallboard benchmark: ${N} agents, Chromium ${browser.version()}, median of ${RUNS} runs (40 state changes per run)`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (1/5/15 min)`);
  console.log(`rows in the DOM: ${m('domRows')} of ${N}`);
  console.log('| measure | wallboard | REST round trip (baseline) |');
  console.log('| --- | --- | --- |');
  console.log(`| first render, ${N} agents | ${fmt(m('firstRender'))} | n/a |`);
  console.log(`| pulled state change to painted row, p50 | ${fmt(m('changeP50'))} | ${fmt(rest.p50)} (GET agent-states) |`);
  console.log(`| pulled state change to painted row, p95 | ${fmt(m('changeP95'))} | ${fmt(rest.p95)} |`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
