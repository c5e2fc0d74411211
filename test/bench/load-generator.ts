/**
 * A closed-loop HTTP load generator for the benchmarks: `connections` keep-alive connections,
 * each sending its next request as soon as the last one answered, for `seconds`. It runs in a
 * worker thread so the server under test keeps the main thread's event loop to itself, and it
 * times each request with performance.now() (sub-millisecond, unlike autocannon's whole-ms
 * histogram, which reads 0 ms for a bare Fastify route). It always stops: at the deadline, or
 * at `maxRequests`, and every request has a timeout.
 */
import { Worker } from 'node:worker_threads';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  maxRequests?: number;
  timeoutMs?: number;
}

export interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  /** answers by status code */
  statuses: Record<string, number>;
  /** completed requests per second over the run */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface WorkerReport {
  latencies: Float64Array;
  statuses: Record<string, number>;
  non2xx: number;
  errors: number;
  elapsedMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The worker's code, plain JavaScript: a worker thread does not inherit tsx's TypeScript loader
 * on Node 20, so it cannot run a .ts file.
 */
const WORKER_SOURCE = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const o = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
const maxRequests = o.maxRequests ?? 5000000;
const latencies = [];
const statuses = {};
let non2xx = 0, errors = 0, sent = 0;
const started = performance.now();
const deadline = started + o.seconds * 1000;

const once = () => new Promise((done) => {
  const t0 = performance.now();
  const req = http.get(o.url, { agent, headers: o.headers, timeout: o.timeoutMs ?? 10000 }, (res) => {
    res.resume();
    res.once('end', () => {
      latencies.push(performance.now() - t0);
      statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
      if (!res.statusCode || res.statusCode < 200 || res.statusCode >= 300) non2xx++;
      done();
    });
  });
  req.once('timeout', () => req.destroy(new Error('timeout')));
  req.once('error', () => { errors++; done(); });
});

const connection = async () => {
  while (performance.now() < deadline && sent < maxRequests) { sent++; await once(); }
};

Promise.all(Array.from({ length: o.connections }, connection)).then(() => {
  const elapsedMs = performance.now() - started;
  agent.destroy();
  const report = { latencies: Float64Array.from(latencies), statuses, non2xx, errors, elapsedMs };
  parentPort.postMessage(report, [report.latencies.buffer]);
});
`;

/** Runs one load in a worker thread and summarises it. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: options });
    worker.once('error', reject);
    worker.once('message', (report: WorkerReport) => {
      const sorted = report.latencies.sort();
      resolve({
        requests: sorted.length,
        non2xx: report.non2xx,
        errors: report.errors,
        statuses: report.statuses,
        rps: sorted.length / (report.elapsedMs / 1000),
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1] ?? NaN,
      });
      void worker.terminate();
    });
  });
}
