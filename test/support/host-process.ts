/**
 * Starts the desktop client's Node host (`npm run host`'s entry, src-main/host/main.ts) as its own
 * process on a free loopback port, with its own DATA_DIR (one agent's desktop), and stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './api-server';

export const HOST_TEST_PAGE = join(ROOT, 'test/fixtures/host-page');

export interface HostProcess {
  url: string;
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
}

export async function startHost(options: HostOptions): Promise<HostProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'oncall-host-'));
  const logs: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main/host/main.ts')], {
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
      const m = /host ready at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
      if (m) resolve(m[1]!);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => reject(new Error(`host exited with ${code} before it was ready:\n${logs.join('\n')}`)));
    setTimeout(() => reject(new Error(`host not ready in 30 s:\n${logs.join('\n')}`)), 30_000).unref();
  });

  return {
    url,
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
