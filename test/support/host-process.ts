/**
 * Starts the desktop client's Node host (`npm run host`'s entry, src-main/host/main.ts) as its own
 * process on a free loopback port, with its own DATA_DIR (one agent's desktop), and stops it.
 * The host is private: a browser gets in through a one-time address the host prints (a new one
 * after each is used), as a person would copy it from the terminal: `signInUrl()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './api-server';

export const HOST_TEST_PAGE = join(ROOT, 'test/fixtures/host-page');

export interface HostProcess {
  /** the host's base address; pages need a session first (signInUrl, open, cookie) */
  url: string;
  /** the next unused one-time address the host printed (waits for it if need be) */
  signInUrl(): Promise<string>;
  /** opens the host in a page through a one-time address */
  open(page: { goto(url: string): Promise<unknown> }): Promise<void>;
  /** a Cookie header with a fresh session, for fetch() in tests */
  cookie(): Promise<string>;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** the host's stdout/stderr so far */
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface HostOptions {
  apiUrl: string;
  /** default: a fresh temp directory, removed by stopHost */
  dataDir?: string;
  /** default: the test page in test/fixtures/host-page */
  rendererDir?: string;
  env?: Record<string, string>;
  /** run the host under this umask (e.g. 0o000, to prove the store's modes do not depend on it) */
  umask?: number;
}

export async function startHost(options: HostOptions): Promise<HostProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'oncall-host-'));
  const logs: string[] = [];
  const command = [process.execPath, '--import', 'tsx', join(ROOT, 'src-main/host/main.ts')];
  const [file, ...args] =
    options.umask === undefined ? command : ['/bin/sh', '-c', `umask ${options.umask.toString(8).padStart(3, '0')} && exec "$@"`, 'sh', ...command];
  const oneTime: string[] = [];
  const waiting: ((url: string) => void)[] = [];
  const child = spawn(file!, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      API_URL: options.apiUrl,
      HOST_PORT: '0',
      DATA_DIR: dataDir,
      RENDERER_DIR: options.rendererDir ?? HOST_TEST_PAGE,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onLine = (line: string) => {
      logs.push(line);
      const address = /one-time address in your browser: (http:\S+)/.exec(line);
      if (address) {
        const next = waiting.shift();
        if (next) next(address[1]!);
        else oneTime.push(address[1]!);
      }
      const m = /host ready at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
      if (m) resolve(m[1]!);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => reject(new Error(`host exited with ${code} before it was ready:\n${logs.join('\n')}`)));
    setTimeout(() => reject(new Error(`host not ready in 120 s:\n${logs.join('\n')}`)), 120_000).unref();
  });

  const signInUrl = () => {
    const ready = oneTime.shift();
    return ready ? Promise.resolve(ready) : new Promise<string>((resolve) => waiting.push(resolve));
  };
  return {
    url,
    signInUrl,
    async open(page) {
      await page.goto(await signInUrl());
    },
    async cookie() {
      const res = await fetch(await signInUrl(), { redirect: 'manual' });
      const set = res.headers.get('set-cookie');
      if (res.status !== 303 || !set) throw new Error(`one-time address answered ${res.status}`);
      return set.split(';')[0]!;
    },
    port: Number(new URL(url).port),
    dataDir,
    process: child,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Stops the host and removes its DATA_DIR. */
export async function stopHost(host: HostProcess | undefined): Promise<void> {
  if (!host) return;
  await host.stop();
  rmSync(host.dataDir, { recursive: true, force: true });
}
