/**
 * HAProxy from Debian's package in front of the API instances: round robin, no stickiness,
 * health-checked on `/ready`, the sync event streams passed through unbuffered. Loopback only,
 * run in the foreground as our child and stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export const HAPROXY_BIN = '/usr/sbin/haproxy';

export interface HaproxyOptions {
  /** where its configuration is written */
  dir: string;
  port: number;
  backends: { name: string; port: number }[];
  /** the address it connects to the instances from: the instances' TRUST_PROXY */
  source: string;
}

export interface Haproxy {
  url: string;
  process: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * Our error format when no instance is ready (all down, or the database away), with Retry-After,
 * instead of HAProxy's HTML page: a client sees the same 503 the API itself would give.
 */
const UNAVAILABLE = [
  'HTTP/1.1 503 Service Unavailable',
  'content-type: application/json; charset=utf-8',
  'retry-after: 1',
  'cache-control: no-store',
  'connection: close',
  '',
  JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'no API instance is ready: retry shortly', details: { retry_after_seconds: 1 } } }),
  '',
].join('\r\n');

export function haproxyConfig(options: HaproxyOptions, errorFile: string): string {
  return `# written by scripts/lib/haproxy.ts
global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  # An event stream is quiet between heartbeats (SYNC_HEARTBEAT_MS, 15 s by default).
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 10s
  timeout queue 10s
  # A health check's whole answer, not just its connect (by default it is \`inter\`, 500 ms): an
  # instance busy serving answers /ready slowly, and must not be taken out for it (bench:cluster
  # saw one loaded instance flap down and back, and HAProxy answer 503 for it meanwhile). A dead
  # instance still fails its check at once: the connection is refused.
  timeout check 5s
  # X-Forwarded-For for the instances (TRUST_PROXY), and a request whose instance refused the
  # connection (stopped, restarting) goes to another.
  option forwardfor
  option redispatch
  retries 3
  errorfile 503 ${errorFile}

frontend api
  bind 127.0.0.1:${options.port}
  default_backend instances

backend instances
  balance roundrobin
  option httpchk GET /ready
  http-check expect status 200
  default-server inter 500ms fastinter 250ms fall 2 rise 1 source ${options.source}
${options.backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`).join('\n')}
`;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  if (!existsSync(HAPROXY_BIN)) throw new Error(`${HAPROXY_BIN} is missing: run scripts/ensure-system-deps.sh (Debian package haproxy)`);
  const errorFile = join(options.dir, 'haproxy-503.http');
  const configFile = join(options.dir, 'haproxy.cfg');
  writeFileSync(errorFile, UNAVAILABLE);
  writeFileSync(configFile, haproxyConfig(options, errorFile));
  const child = spawn(HAPROXY_BIN, ['-db', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const keep = (chunk: Buffer) => {
    logs.push(chunk.toString());
    if (logs.length > 200) logs.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 30_000;
  while (!(await accepting(options.port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not start:\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${options.port}`,
    process: child,
    logs,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM'); // hard stop: open event streams must not hold it
      await exited;
    },
  };
}
