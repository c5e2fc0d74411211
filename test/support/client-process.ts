/**
 * Runs a desktop core in its own process (client-entry.ts) so that chaos tests can `kill -9` it
 * mid-push or mid-pull and start it again on the same DATA_DIR. Methods of the IPC contract are
 * invoked over Node's IPC channel; events are recorded like test/support/desktop-core.ts does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncTiming } from '../../src-main/core/sync/timing';
import type { IpcArgs, IpcEvent, IpcMethod, IpcPayload, IpcResult } from '../../src-shared/ipc/contract';
import { PASSWORD, ROOT } from './api-server';

/** The numeric knobs of the engine (functions cannot cross the process boundary), plus a jitter seed. */
export type ClientTiming = Partial<Omit<SyncTiming, 'random' | 'setTimeout' | 'clearTimeout'>> & { seed?: number };

export interface ClientProcessOptions {
  /** default: a fresh temp directory (reuse one to restart "the same desktop") */
  dataDir?: string;
  timing?: ClientTiming;
}

export class ClientCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${code}: ${message}`);
  }
}

export interface ClientProcess {
  dataDir: string;
  process: ChildProcess;
  /** resolves when the process has exited, with its exit code or signal */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  invoke<M extends IpcMethod>(method: M, args: IpcArgs<M>): Promise<IpcResult<M>>;
  events: { event: IpcEvent; payload: unknown; at: number }[];
  next<E extends IpcEvent>(event: E, match?: (p: IpcPayload<E>) => boolean, timeoutMs?: number): Promise<IpcPayload<E>>;
  signIn(serverUrl: string, email: string): Promise<IpcResult<'session.login'>>;
  /** SIGKILL: no handler runs, an open SQLite transaction is simply never committed */
  kill(): Promise<void>;
  /** an orderly close (the engine stops, SQLite closes), then exit */
  close(): Promise<void>;
  logs: string[];
}

/** Test timing: short backoff so a client finds the API again quickly after a fault. */
export const CHAOS_TIMING: ClientTiming = { minBackoffMs: 50, maxBackoffMs: 400 };

export async function startClientProcess(options: ClientProcessOptions = {}): Promise<ClientProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'oncall-client-'));
  const logs: string[] = [];
  const child = fork(join(ROOT, 'test/support/client-entry.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATA_DIR: dataDir, CLIENT_TIMING: JSON.stringify({ ...CHAOS_TIMING, ...options.timing }) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Sending to a process that was just killed fails with EPIPE: the caller's promise says so.
  child.on('error', (err) => logs.push(`process error: ${err.message}`));
  child.stdout!.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const events: ClientProcess['events'] = [];
  const listeners = new Set<(e: { event: IpcEvent; payload: unknown }) => void>();
  let nextId = 1;

  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (raw) => {
      const m = raw as { ready?: true; id?: number; ok?: boolean; result?: unknown; error?: { code: string; message: string; details?: unknown }; event?: IpcEvent; payload?: unknown };
      if (m.ready) return resolve();
      if (m.event) {
        const e = { event: m.event, payload: m.payload, at: performance.now() };
        events.push(e);
        listeners.forEach((l) => l(e));
        return;
      }
      const waiter = m.id !== undefined ? pending.get(m.id) : undefined;
      if (!waiter) return;
      pending.delete(m.id!);
      if (m.ok) waiter.resolve(m.result);
      else waiter.reject(new ClientCallError(m.error!.code, m.error!.message, m.error!.details));
    });
    void exited.then(({ code, signal }) => {
      const err = new Error(`client process exited (${code ?? signal}) ${logs.join('').slice(-2000)}`);
      reject(err);
      for (const w of pending.values()) w.reject(err);
      pending.clear();
    });
    setTimeout(() => reject(new Error(`client process not ready in 30 s: ${logs.join('')}`)), 30_000).unref();
  });
  await ready;

  const invoke: ClientProcess['invoke'] = (method, args) =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) {
        reject(new Error('client process is not running'));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, method, args }, (err) => {
        if (!err) return;
        pending.delete(id);
        reject(err);
      });
    });

  return {
    dataDir,
    process: child,
    exited,
    invoke,
    events,
    logs,
    next: (event, match = () => true, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no matching ${event} event in ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (e: { event: IpcEvent; payload: unknown }) => {
          if (e.event !== event || !match(e.payload as never)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(e.payload as never);
        };
        listeners.add(listener);
      }),
    signIn: (serverUrl, email) => invoke('session.login', { serverUrl, email, password: PASSWORD }),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null && child.connected) {
        child.send({ id: 0, close: true }, () => undefined);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
