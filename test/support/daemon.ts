/**
 * One foreground daemon a test starts and stops itself (rtpengine, baresip): spawned in its own
 * process group with its output collected, stopped by its pid (SIGTERM, then SIGKILL to the group
 * if it lingers). Tests never stop anything by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Daemon {
  readonly pid: number;
  /** stdout and stderr lines so far */
  readonly logs: string[];
  running(): boolean;
  /** resolves with the first log line matching `pattern`, or rejects at `timeoutMs` or exit */
  waitForLog(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

export function findBinary(candidates: string[], pkg: string): string {
  const hit = candidates.find((p) => existsSync(p));
  if (!hit) throw new Error(`${candidates[0]} not found: install the Debian package ${pkg} (scripts/ensure-system-deps.sh does)`);
  return hit;
}

export function startDaemon(binary: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Daemon {
  const child: ChildProcess = spawn(binary, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const logs: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    logs.push(...chunk.toString().split('\n').filter(Boolean));
    for (const w of waiters) w();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  child.once('exit', () => {
    for (const w of waiters) w();
  });
  if (!child.pid) throw new Error(`cannot start ${binary}`);
  const pid = child.pid;

  return {
    pid,
    logs,
    running: () => !exited(),
    waitForLog(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < logs.length; seen++) {
            if (pattern.test(logs[seen]!)) {
              done();
              resolve(logs[seen]!);
              return;
            }
          }
          if (exited()) {
            done();
            reject(new Error(`${binary} exited (${child.exitCode ?? child.signalCode}) before logging ${pattern}:\n${logs.slice(-30).join('\n')}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${binary} did not log ${pattern} within ${timeoutMs} ms:\n${logs.slice(-30).join('\n')}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (exited()) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
