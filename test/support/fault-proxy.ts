/**
 * A fault-injecting HTTP proxy on 127.0.0.1 between a desktop core and the API (chaos tests,
 * docs/sync-chaos.md). Every request is forwarded for real over TCP; a seeded plan decides per
 * request what goes wrong on the way:
 *
 * - `reset`: the client's connection is destroyed before anything is forwarded (never seen upstream);
 * - `drop-response`: forwarded, the whole upstream answer read (the server has committed), then
 *   the client's connection is destroyed: the client cannot tell this from `reset`;
 * - `duplicate`: the same request is sent upstream twice (one after the other, or both at once),
 *   and one of the answers is relayed;
 * - `delay-request` / `delay-response`: a wait before forwarding / before relaying;
 * - `cut-stream`: an event stream is relayed, then cut after `afterMs`;
 * - `stall`: the headers and half the body go upstream and the rest never follows (a client that
 *   vanished mid-upload without closing its connection); the client's own connection is reset.
 *   The upstream connection stays open until the proxy is closed or `cutAll()`;
 * - `blackhole`: nothing is forwarded and no answer ever comes (a server or load balancer that
 *   accepted the connection and went silent); the client's connection stays open.
 *
 * Tests aim crashes with the hooks: `onRequest` runs before forwarding (the request is held while
 * it runs), `onResponse` after the upstream answer is in and before it is relayed. When the
 * client goes away mid-request the upstream request is aborted too, as a real proxy does.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'pass' }
  | { kind: 'reset' }
  | { kind: 'drop-response' }
  | { kind: 'duplicate'; concurrent: boolean }
  | { kind: 'delay-request'; ms: number }
  | { kind: 'delay-response'; ms: number }
  | { kind: 'cut-stream'; afterMs: number }
  | { kind: 'stall' }
  | { kind: 'blackhole' };

export type FaultKind = Fault['kind'];

/** Which of the sync protocol's requests this is (the rest is `other`: sign-in, reference data). */
export type RequestKind = 'push' | 'pull' | 'events' | 'other';

export interface ProxiedRequest {
  /** 1, 2, 3, … in arrival order */
  n: number;
  method: string;
  /** path and query as the client sent them */
  url: string;
  kind: RequestKind;
  body: Buffer;
}

export interface UpstreamAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface FaultProxyOptions {
  /** where to forward, e.g. the API's `http://127.0.0.1:PORT` */
  target: string;
  /** what to do with each request; default: pass everything */
  plan?: (req: ProxiedRequest) => Fault;
  /** may answer a fault that replaces the planned one (e.g. `reset` after a test killed the client) */
  onRequest?: (req: ProxiedRequest) => Promise<Fault | void> | Fault | void;
  onResponse?: (req: ProxiedRequest, answer: UpstreamAnswer) => Promise<void> | void;
}

export interface ProxyLogEntry {
  n: number;
  method: string;
  url: string;
  kind: RequestKind;
  fault: FaultKind;
  /** the status relayed to the client; null when the client got no answer */
  status: number | null;
}

export interface FaultProxy {
  url: string;
  port: number;
  /** every request so far, with what was done to it */
  log: ProxyLogEntry[];
  /** how often each fault was applied */
  counts(): Record<FaultKind, number>;
  plan: (req: ProxiedRequest) => Fault;
  onRequest: FaultProxyOptions['onRequest'];
  onResponse: FaultProxyOptions['onResponse'];
  /**
   * Down: the proxy stops listening (connections are refused, as with a stopped API) and cuts
   * every open connection; up: it listens again on the same port.
   */
  setDown(down: boolean): Promise<void>;
  /** destroys every open connection (both sides): a network blip */
  cutAll(): void;
  /** cuts the event streams being relayed now (their clients reconnect through the plan) */
  cutStreams(): void;
  close(): Promise<void>;
}

const PASS: Fault = { kind: 'pass' };

export function kindOf(method: string, url: string): RequestKind {
  const path = url.split('?')[0]!;
  if (method === 'POST' && path.endsWith('/sync/push')) return 'push';
  if (method === 'GET' && path.endsWith('/sync/pull')) return 'pull';
  if (method === 'GET' && path.endsWith('/sync/events')) return 'events';
  return 'other';
}

/** mulberry32: a tiny seeded PRNG, so a failing chaos run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomFaultRates {
  reset?: number;
  dropResponse?: number;
  duplicate?: number;
  delayRequest?: number;
  delayResponse?: number;
  cutStream?: number;
  /** upper bound of a delay or of the time before a cut, ms */
  maxDelayMs?: number;
}

/**
 * A plan drawing each request's fault from a seeded generator. Event streams only get `reset`,
 * `delay-request` and `cut-stream`; the other requests never get `cut-stream`.
 */
export function randomFaults(random: () => number, rates: RandomFaultRates): (req: ProxiedRequest) => Fault {
  const maxDelay = rates.maxDelayMs ?? 300;
  return (req) => {
    const table: [number, () => Fault][] =
      req.kind === 'events'
        ? [
            [rates.reset ?? 0, () => ({ kind: 'reset' })],
            [rates.delayRequest ?? 0, () => ({ kind: 'delay-request', ms: Math.round(random() * maxDelay) })],
            [rates.cutStream ?? 0, () => ({ kind: 'cut-stream', afterMs: Math.round(random() * maxDelay * 3) })],
          ]
        : [
            [rates.reset ?? 0, () => ({ kind: 'reset' })],
            [rates.dropResponse ?? 0, () => ({ kind: 'drop-response' })],
            [rates.duplicate ?? 0, () => ({ kind: 'duplicate', concurrent: random() < 0.5 })],
            [rates.delayRequest ?? 0, () => ({ kind: 'delay-request', ms: Math.round(random() * maxDelay) })],
            [rates.delayResponse ?? 0, () => ({ kind: 'delay-response', ms: Math.round(random() * maxDelay) })],
          ];
    let roll = random();
    for (const [rate, fault] of table) {
      if (roll < rate) return fault();
      roll -= rate;
    }
    return PASS;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hop-by-hop headers are the proxy's own business on each side. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);
function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())));
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  // Keep-alive towards the API, like a load balancer's upstream pool.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();
  const upstreams = new Set<http.ClientRequest>();
  const log: ProxyLogEntry[] = [];
  const streams = new Set<() => void>();
  let count = 0;
  let down = false;

  const send = (
    req: ProxiedRequest,
    headers: http.IncomingHttpHeaders,
    inFlight: Set<http.ClientRequest>,
    onHead?: (res: IncomingMessage) => boolean,
  ) =>
    new Promise<UpstreamAnswer | null>((resolve, reject) => {
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...forwardable(headers), host: target.host }, agent },
        (res) => {
          // A stream is relayed as it comes: the caller takes it over and gets null.
          if (onHead?.(res)) return resolve(null);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            inFlight.delete(up);
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      upstreams.add(up);
      inFlight.add(up);
      up.on('close', () => {
        upstreams.delete(up);
        inFlight.delete(up);
      });
      up.on('error', reject);
      up.end(req.body);
    });

  /** Sends the headers (with the full length) and half the body, and never the rest. */
  function stall(req: ProxiedRequest, headers: http.IncomingHttpHeaders): void {
    const up = http.request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...forwardable(headers), host: target.host, 'content-length': String(req.body.length) },
      agent: false,
    });
    upstreams.add(up);
    up.on('close', () => upstreams.delete(up));
    up.on('error', () => undefined);
    up.write(req.body.subarray(0, Math.floor(req.body.length / 2)));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const request: ProxiedRequest = {
      n: ++count,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      kind: kindOf(req.method ?? 'GET', req.url ?? '/'),
      body: Buffer.concat(chunks),
    };
    let fault = down ? ({ kind: 'reset' } as Fault) : proxy.plan(request);
    const entry: ProxyLogEntry = { n: request.n, method: request.method, url: request.url, kind: request.kind, fault: fault.kind, status: null };
    log.push(entry);
    const clientGone = () => req.socket.destroyed;
    const kill = () => void req.socket.destroy();
    // The client gave up (aborted, or was killed): abort the upstream request as well.
    const inFlight = new Set<http.ClientRequest>();
    res.once('close', () => inFlight.forEach((u) => u.destroy()));

    const override = await proxy.onRequest?.(request);
    if (override) fault = override;
    entry.fault = fault.kind;
    if (fault.kind === 'reset' || clientGone()) return kill();
    if (fault.kind === 'delay-request') await sleep(fault.ms);
    if (clientGone()) return;
    if (fault.kind === 'blackhole') return new Promise<void>((resolve) => res.once('close', () => resolve()));
    if (fault.kind === 'stall') {
      stall(request, req.headers);
      return kill();
    }

    let streamUpstream: IncomingMessage | null = null;
    const onHead = (up: IncomingMessage) => {
      if (!String(up.headers['content-type'] ?? '').includes('text/event-stream')) return false;
      streamUpstream = up;
      return true;
    };
    let answer: UpstreamAnswer | null;
    try {
      if (fault.kind === 'duplicate' && fault.concurrent) {
        const [first] = await Promise.all([send(request, req.headers, inFlight, onHead), send(request, req.headers, inFlight)]);
        answer = first;
      } else if (fault.kind === 'duplicate') {
        await send(request, req.headers, inFlight);
        answer = await send(request, req.headers, inFlight, onHead);
      } else {
        answer = await send(request, req.headers, inFlight, onHead);
      }
    } catch (err) {
      // The API is down or dropped the connection: answer as a load balancer does.
      if (clientGone()) return;
      entry.status = 502;
      res.writeHead(502, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ error: { code: 'BAD_GATEWAY', message: `upstream failed: ${(err as Error).message}` } }));
      return;
    }

    if (streamUpstream) {
      const up: IncomingMessage = streamUpstream;
      entry.status = up.statusCode ?? 200;
      res.writeHead(entry.status, forwardable(up.headers));
      res.flushHeaders();
      up.pipe(res);
      const cut = () => {
        up.destroy();
        kill();
      };
      streams.add(cut);
      res.once('close', () => {
        streams.delete(cut);
        up.destroy();
      });
      up.once('error', kill);
      if (fault.kind === 'cut-stream') setTimeout(cut, fault.afterMs).unref();
      return;
    }

    await proxy.onResponse?.(request, answer!);
    if (fault.kind === 'drop-response' || clientGone()) return kill();
    if (fault.kind === 'delay-response') await sleep(fault.ms);
    if (clientGone()) return;
    entry.status = answer!.status;
    res.writeHead(answer!.status, { ...forwardable(answer!.headers), 'content-length': String(answer!.body.length) });
    res.end(answer!.body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const cutAll = () => {
    for (const s of sockets) s.destroy();
    for (const u of upstreams) u.destroy();
  };

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    counts() {
      const counts = { pass: 0, reset: 0, 'drop-response': 0, duplicate: 0, 'delay-request': 0, 'delay-response': 0, 'cut-stream': 0, stall: 0, blackhole: 0 };
      for (const e of log) counts[e.fault]++;
      return counts;
    },
    plan: options.plan ?? (() => PASS),
    onRequest: options.onRequest,
    onResponse: options.onResponse,
    async setDown(value) {
      if (value === down) return;
      down = value;
      if (value) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        cutAll();
        await closed;
      } else {
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      }
    },
    cutAll,
    cutStreams: () => [...streams].forEach((cut) => cut()),
    async close() {
      cutAll();
      agent.destroy();
      if (!down) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
