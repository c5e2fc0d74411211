/**
 * One API process (`src-server/main.ts`) on a fixed loopback port, for `npm run cluster` and the
 * cluster tests: started, stopped (SIGTERM: drains) or killed (SIGKILL) by its own pid, and
 * started again on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ApiInstance {
  name: string;
  port: number;
  url: string;
  process: ChildProcess | null;
  /** the process's output lines (pino JSON), the latest few thousand */
  logs: string[];
  start(): Promise<void>;
  /** SIGTERM (drains) or SIGKILL (dies mid-request); resolves when the process is gone */
  stop(signal?: NodeJS.Signals): Promise<void>;
  running(): boolean;
}

export function apiInstance(options: { name: string; port: number; env: Record<string, string>; echo?: boolean }): ApiInstance {
  const logs: string[] = [];
  const instance: ApiInstance = {
    name: options.name,
    port: options.port,
    url: `http://127.0.0.1:${options.port}`,
    process: null,
    logs,
    running: () => !!instance.process && instance.process.exitCode === null && instance.process.signalCode === null,
    async start() {
      if (instance.running()) return;
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-server/main.ts')], {
        cwd: ROOT,
        env: { ...process.env, HOST: '127.0.0.1', PORT: String(options.port), INSTANCE_ID: options.name, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      instance.process = child;
      await new Promise<void>((resolveStart, reject) => {
        const timer = setTimeout(() => reject(new Error(`${options.name} did not listen in 120 s:\n${logs.slice(-20).join('\n')}`)), 120_000);
        const onLine = (line: string) => {
          logs.push(line);
          if (logs.length > 5000) logs.shift();
          if (options.echo) process.stdout.write(`[${options.name}] ${line}\n`);
          if (line.includes(`listening at http://127.0.0.1:${options.port}`)) {
            clearTimeout(timer);
            resolveStart();
          }
        };
        createInterface({ input: child.stdout! }).on('line', onLine);
        createInterface({ input: child.stderr! }).on('line', onLine);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`${options.name} exited (${code ?? signal}) before listening:\n${logs.slice(-20).join('\n')}`));
        });
      }).catch((err: unknown) => {
        child.kill('SIGKILL');
        throw err;
      });
    },
    async stop(signal = 'SIGTERM') {
      const child = instance.process;
      if (!child || !instance.running()) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
  return instance;
}
