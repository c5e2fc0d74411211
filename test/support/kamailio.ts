/**
 * Starts Debian's Kamailio as a SIP-over-WebSocket registrar and proxy on a loopback port, for the
 * phone tests: config rendered from kamailio.cfg.tmpl into a runtime dir of its own, foreground
 * (-DD -E) so its stderr is ours, a pid file, and stopped by that pid. `kill()` is the crash the
 * reconnection test needs (SIGKILL to its process group, so no child keeps the port); `start()`
 * brings it back on the same port with the same users.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from '../../scripts/lib/free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TEMPLATE = join(import.meta.dirname, 'kamailio.cfg.tmpl');
const GATEWAY_TEMPLATE = join(import.meta.dirname, 'kamailio-gateway.cfg.tmpl');
const BINARY_CANDIDATES = ['/usr/sbin/kamailio', '/usr/bin/kamailio'];
const MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/kamailio/modules', '/usr/lib/aarch64-linux-gnu/kamailio/modules', '/usr/lib/kamailio/modules'];

export interface KamailioOptions {
  /** SIP users (AoR user part, e.g. an E.164 number) and their digest passwords */
  users: Record<string, string>;
  /** SIP domain the agents register in; never resolved (a `.test` name is safest) */
  domain?: string;
  port?: number;
  /**
   * A WebRTC gateway (kamailio-gateway.cfg.tmpl) instead of the WebSocket-only proxy: a UDP
   * listener for desk phones, rtpengine bridging browser media to plain RTP, and a static route to
   * a SIPp trunk for numbers under `trunkPrefix`.
   */
  gateway?: { ngPort: number; /** digits (no +) */ trunkPrefix: string; trunkPort: number };
}

export interface Kamailio {
  /** ws://127.0.0.1:<port> */
  wsUrl: string;
  port: number;
  /** the gateway's UDP listener (desk phones, trunk), 0 without `gateway` */
  udpPort: number;
  domain: string;
  /** stdout and stderr lines since the first start */
  logs: string[];
  running(): boolean;
  /** Starts it again (same port, same users) and resolves when the port answers. */
  start(): Promise<void>;
  /** SIGTERM by pid, waits for exit. */
  stop(): Promise<void>;
  /** SIGKILL to its process group: a crash, as far as its clients can tell. */
  kill(): Promise<void>;
  /** stop() and remove the runtime dir */
  close(): Promise<void>;
}

function found(paths: string[], what: string): string {
  const hit = paths.find((p) => existsSync(p));
  if (!hit) throw new Error(`${what} not found (looked in ${paths.join(', ')}): run scripts/ensure-system-deps.sh`);
  return hit;
}

interface RenderOptions {
  port: number;
  udpPort: number;
  domain: string;
  users: Record<string, string>;
  gateway?: KamailioOptions['gateway'];
}

function render({ port, udpPort, domain, users, gateway }: RenderOptions): string {
  const quote = (s: string) => {
    if (!/^[A-Za-z0-9+._-]+$/.test(s)) throw new Error(`unsafe SIP user or password for the test config: ${s}`);
    return s;
  };
  const lines = Object.entries(users).map(([user, pass]) => `\t$var(user) = "${quote(user)}";\n\t$sht(sipusers=>$var(user)) = "${quote(pass)}";`);
  return readFileSync(gateway ? GATEWAY_TEMPLATE : TEMPLATE, 'utf8')
    .replaceAll('__PORT__', String(port))
    .replaceAll('__UDP_PORT__', String(udpPort))
    .replaceAll('__NG_PORT__', String(gateway?.ngPort ?? 0))
    .replaceAll('__TRUNK_PREFIX__', quote(gateway?.trunkPrefix ?? '0'))
    .replaceAll('__TRUNK_PORT__', String(gateway?.trunkPort ?? 0))
    .replaceAll('__DOMAIN__', domain)
    .replaceAll('__MPATH__', found(MODULE_DIRS.map((d) => join(d, 'websocket.so')), 'kamailio-websocket-modules').replace(/\/websocket\.so$/, '/'))
    .replace('__USERS__', lines.join('\n'));
}

async function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const binary = found(BINARY_CANDIDATES, 'kamailio');
  const port = options.port ?? (await freePort());
  const domain = options.domain ?? 'oncall.test';
  const udpPort = options.gateway ? await freePort() : 0;
  const runDir = mkdtempSync(join(tmpdir(), 'oncall-kamailio-'));
  const cfg = join(runDir, 'kamailio.cfg');
  const pidFile = join(runDir, 'kamailio.pid');
  writeFileSync(cfg, render({ port, udpPort, domain, users: options.users, gateway: options.gateway }));
  const logs: string[] = [];
  let child: ChildProcess | null = null;

  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

  async function start(): Promise<void> {
    if (child && !exited(child)) return;
    rmSync(pidFile, { force: true });
    const proc = spawn(binary, ['-DD', '-E', '-f', cfg, '-P', pidFile, '-Y', runDir, '-w', runDir, '-m', '64', '-M', '8'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: kill() takes its worker children down with it.
      detached: true,
    });
    child = proc;
    const collect = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean));
    proc.stdout!.on('data', collect);
    proc.stderr!.on('data', collect);
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      if (exited(proc)) throw new Error(`kamailio exited with ${proc.exitCode ?? proc.signalCode}:\n${logs.slice(-40).join('\n')}`);
      if (await portAnswers(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(`kamailio did not answer on ${port} within 10 s:\n${logs.slice(-40).join('\n')}`);
  }

  function pid(): number | null {
    if (!child || exited(child)) return null;
    try {
      return Number(readFileSync(pidFile, 'utf8').trim()) || child.pid || null;
    } catch {
      return child.pid ?? null;
    }
  }

  async function signal(sig: NodeJS.Signals, group: boolean): Promise<void> {
    const proc = child;
    const target = pid();
    if (!proc || target === null) return;
    const gone = new Promise<void>((r) => proc.once('exit', () => r()));
    try {
      process.kill(group ? -target : target, sig);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-target, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5_000);
    await gone;
    clearTimeout(timer);
    // Its workers may outlive the main process by a moment: wait until the port is free.
    const until = Date.now() + 5_000;
    while (Date.now() < until && (await portAnswers(port))) await new Promise((r) => setTimeout(r, 50));
  }

  try {
    await start();
  } catch (err) {
    rmSync(runDir, { recursive: true, force: true });
    throw err;
  }
  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    udpPort,
    domain,
    logs,
    running: () => child !== null && !exited(child),
    start,
    stop: () => signal('SIGTERM', false),
    kill: () => signal('SIGKILL', true),
    async close() {
      await signal('SIGTERM', false);
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
