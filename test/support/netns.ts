/**
 * Runs a command in a private network namespace that has only loopback up (`unshare -n`, then
 * `ip link set lo up`; needs root or CAP_SYS_ADMIN, which our machines and CI have). WebRTC in
 * there cannot pick any other interface, so no test media ever leaves the machine.
 * The child sees ONCALL_LOOPBACK_NETNS=1; `inLoopbackNetns()` also checks the interfaces.
 */
import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';

export const NETNS_MARKER = 'ONCALL_LOOPBACK_NETNS';

export function inLoopbackNetns(): boolean {
  return process.env[NETNS_MARKER] === '1' && Object.keys(networkInterfaces()).every((name) => name === 'lo');
}

export interface NetnsRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

/** Runs argv inside a fresh loopback-only namespace; stops it (SIGTERM, then SIGKILL) at timeoutMs. */
export function runInLoopbackNetns(
  argv: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs: number; echo?: (chunk: string) => void },
): Promise<NetnsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-n', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'netns', ...argv], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, [NETNS_MARKER]: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout takes its whole tree down.
      detached: true,
    });
    let output = '';
    let timedOut = false;
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.echo?.(text);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 5_000).unref();
    }, options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start unshare (root or CAP_SYS_ADMIN needed): ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}
