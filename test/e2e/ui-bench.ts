/**
 * `npm run bench:ui`: how fast the task queue renders and follows a pulled reassignment with
 * 10,000 tasks, in Debian's Chromium. Not a test: it prints medians and ratios against baselines
 * measured in the same run (the same rows without virtualisation, and an empty queue).
 */
import { cpus, loadavg } from 'node:os';
import { serveBenchPage } from './bench-page';
import { launchBrowser } from './stack';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const N = Number(process.env.BENCH_TASKS ?? 10_000);

interface Result {
  mode: string;
  n: number;
  firstRender: number;
  reassign: number;
  domRows: number;
  idleP95: number;
  wheelP95: number;
  dragP95: number;
  dragMax: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const served = await serveBenchPage('index.html');
  const url = served.url;
  const browser = await launchBrowser();
  const results: Record<string, Result[]> = { virtual: [], plain: [], empty: [] };
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    for (let run = 0; run < RUNS; run++) {
      // Interleaved so drift in machine load hits every mode alike.
      for (const mode of ['empty', 'virtual', 'plain']) {
        await page.goto(`${url}?mode=${mode}&n=${N}`);
        results[mode]!.push((await page.evaluate('window.bench')) as Result);
      }
    }
  } finally {
    await browser.close();
    served.close();
  }

  const m = (mode: string, key: keyof Result) => median(results[mode]!.map((r) => r[key] as number));
  const fmt = (x: number) => `${x.toFixed(1)} ms`;
  const rows = [
    ['first render of the queue', 'firstRender'],
    ['pulled reassignment applied', 'reassign'],
    ['frame p95, idle (no scrolling: the machine\'s own noise)', 'idleP95'],
    ['scroll frame p95, wheel (3 rows/frame)', 'wheelP95'],
    ['scroll frame p95, scrollbar drag (whole list in 60 frames)', 'dragP95'],
    ['scroll frame max, scrollbar drag', 'dragMax'],
  ] as const;
  console.log(`UI benchmark: ${N} tasks, Chromium ${browser.version()}, median of ${RUNS} runs per mode`);
  // Frame times follow whatever else the machine is doing: say how busy it was.
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (1/5/15 min)`);
  console.log(`rows in the DOM: virtualised ${m('virtual', 'domRows')}, plain ${m('plain', 'domRows')}`);
  console.log('| measure | virtualised (app) | plain list (baseline) | empty queue (baseline) | virtualised / plain | virtualised / empty |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [label, key] of rows) {
    const v = m('virtual', key);
    const p = m('plain', key);
    const e = m('empty', key);
    const vsEmpty = key === 'firstRender' ? `${(v / e).toFixed(2)}x` : 'n/a';
    console.log(`| ${label} | ${fmt(v)} | ${fmt(p)} | ${key === 'firstRender' ? fmt(e) : 'n/a'} | ${(v / p).toFixed(2)}x | ${vsEmpty} |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
