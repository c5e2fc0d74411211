/**
 * Simulated desktops for bench:cluster, speaking the sync protocol as the desktop core does:
 * each holds its poke stream (SSE) open, pulls from its cursor whenever poked, and logs a call
 * every second or so (a push of one `call.create`, as an agent's desktop does after each call).
 * Timed per desktop: the push round trip, the pull round trip, and from a push's start to the
 * poke that tells the desktop of it on its stream (which an instance other than the one that took
 * the push may hold: the cross-instance nudge). It runs in a worker thread, plain JavaScript (a
 * worker does not inherit tsx's loader on Node 20), and always stops at its deadline.
 */
import { Worker } from 'node:worker_threads';

export interface DesktopLoadOptions {
  /** through the balancer */
  url: string;
  orgId: string;
  /** one signed-in agent per desktop */
  tokens: string[];
  seconds: number;
  /** mean pause between two logged calls, per desktop */
  thinkMs: number;
}

export interface DesktopLoadResult {
  pushes: number;
  pushErrors: number;
  /** failed pushes by status (0: no answer) */
  pushErrorStatuses: Record<string, number>;
  pulls: number;
  pushMs: number[];
  pullMs: number[];
  pokeMs: number[];
  /** streams that ended before the deadline */
  streamsLost: number;
}

const WORKER_SOURCE = `
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { parentPort, workerData: o } = require('node:worker_threads');
const deadline = performance.now() + o.seconds * 1000;
const out = { pushes: 0, pushErrors: 0, pushErrorStatuses: {}, pulls: 0, pushMs: [], pullMs: [], pokeMs: [], streamsLost: 0 };
const base = '/api/v1/organizations/' + o.orgId + '/sync';
const target = new URL(o.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function call(agent, token, method, path, body) {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: target.hostname, port: target.port, method, path, agent, timeout: 30000,
      headers: { authorization: 'Bearer ' + token, ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: null }));
    req.end(data);
  });
}

async function desktop(token, index) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const clientId = randomUUID();
  let cursor = 0;
  let pulling = null;
  let pokedAgain = false;
  let seq = 0;
  const waiting = []; // push start times not yet told of by a poke
  const pull = async () => {
    for (;;) {
      const t0 = performance.now();
      const res = await call(agent, token, 'GET', base + '/pull?client_id=' + clientId + '&cursor=' + cursor + '&limit=500');
      if (res.status !== 200) return;
      out.pulls++;
      out.pullMs.push(performance.now() - t0);
      cursor = res.body.cursor;
      if (!res.body.has_more) return;
    }
  };
  const onPoke = () => {
    const at = performance.now();
    for (const t of waiting.splice(0)) out.pokeMs.push(at - t);
    if (pulling) { pokedAgain = true; return; }
    pulling = (async () => {
      do { pokedAgain = false; await pull(); } while (pokedAgain && performance.now() < deadline);
      pulling = null;
    })();
  };
  await pull();
  // the poke stream, on a connection of its own
  const stream = http.get({ host: target.hostname, port: target.port, path: base + '/events',
    headers: { authorization: 'Bearer ' + token, accept: 'text/event-stream' } }, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      buf += chunk;
      let end;
      while ((end = buf.indexOf('\\n\\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        if (/^event: ?poke/m.test(block)) onPoke();
      }
    });
    res.on('end', () => { if (performance.now() < deadline) out.streamsLost++; });
  });
  stream.on('error', () => undefined);
  await sleep(Math.random() * o.thinkMs);
  while (performance.now() < deadline) {
    const id = randomUUID();
    seq++;
    const body = { client_id: clientId, schema_version: 2, mutations: [{ seq, id: randomUUID(), name: 'call.create',
      args: { id, direction: 'inbound', phone_number: '+447700900' + String(100 + (index % 900)), notes: 'bench call ' + seq } }] };
    const t0 = performance.now();
    waiting.push(t0);
    const res = await call(agent, token, 'POST', base + '/push', body);
    if (res.status === 200 && res.body.results[0].status === 'applied') { out.pushes++; out.pushMs.push(performance.now() - t0); }
    else {
      out.pushErrors++;
      out.pushErrorStatuses[res.status] = (out.pushErrorStatuses[res.status] || 0) + 1;
      waiting.pop();
      // not applied: the same seq again next time (a desktop resends its outbox entry)
      if (res.status !== 200) seq--;
    }
    await sleep(o.thinkMs * (0.5 + Math.random()));
  }
  stream.destroy();
  await pulling;
  agent.destroy();
}

Promise.all(o.tokens.map((t, i) => desktop(t, i))).then(() => parentPort.postMessage(out));
`;

/** Runs the desktops in a worker thread until the deadline. */
export function runDesktops(options: DesktopLoadOptions): Promise<DesktopLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: options });
    worker.once('error', reject);
    worker.once('message', (result: DesktopLoadResult) => {
      resolve(result);
      void worker.terminate();
    });
  });
}
