/**
 * Runs the desktop core in the test process against a real SQLite file, invoked the way the
 * shells do it: every argument parsed with the IPC contract's schema first. Events are recorded.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDesktopCore, type DesktopCore, type DesktopCoreOptions } from '../../src-main/core';
import { IPC_EVENTS, IPC_METHODS, type IpcArgs, type IpcEvent, type IpcMethod, type IpcPayload, type IpcResult } from '../../src-shared/ipc/contract';
import { PASSWORD } from './api-server';
import { MemorySecretStore } from './memory-secrets';

export interface TestCore {
  core: DesktopCore;
  dataDir: string;
  secrets: MemorySecretStore;
  invoke<M extends IpcMethod>(method: M, args: IpcArgs<M>): Promise<IpcResult<M>>;
  events: { [E in IpcEvent]: { at: number; payload: IpcPayload<E> }[] };
  /** resolves with the first event of this kind (recorded from now on) that matches */
  next<E extends IpcEvent>(event: E, match?: (p: IpcPayload<E>) => boolean, timeoutMs?: number): Promise<{ at: number; payload: IpcPayload<E> }>;
  signIn(serverUrl: string, email: string): Promise<IpcResult<'session.login'>>;
  close(): Promise<void>;
}

/** Fast retries for tests: the floor stays short so a restarted API is found quickly. */
export const TEST_TIMING: DesktopCoreOptions['sync'] = { minBackoffMs: 50, maxBackoffMs: 400 };

export async function openCore(options: Partial<DesktopCoreOptions> = {}): Promise<TestCore> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'oncall-core-'));
  const secrets = (options.secrets as MemorySecretStore | undefined) ?? new MemorySecretStore();
  const core = await createDesktopCore({ ...options, dataDir, secrets, sync: { ...TEST_TIMING, ...options.sync } });
  const events = Object.fromEntries(Object.keys(IPC_EVENTS).map((e) => [e, []])) as unknown as TestCore['events'];
  for (const event of Object.keys(IPC_EVENTS) as IpcEvent[]) {
    core.on(event, (payload) => (events[event] as { at: number; payload: unknown }[]).push({ at: performance.now(), payload }));
  }
  const invoke: TestCore['invoke'] = async (method, args) => {
    const parsed = IPC_METHODS[method].args.parse(args);
    return (core.handlers[method] as (a: unknown) => Promise<never>)(parsed);
  };
  const next: TestCore['next'] = (event, match = () => true, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching ${event} event in ${timeoutMs} ms`));
      }, timeoutMs);
      const off = core.on(event, (payload) => {
        if (!match(payload)) return;
        clearTimeout(timer);
        off();
        resolve({ at: performance.now(), payload });
      });
    });
  return {
    core,
    dataDir,
    secrets,
    invoke,
    events,
    next,
    signIn: (serverUrl, email) => invoke('session.login', { serverUrl, email, password: PASSWORD }),
    close: () => core.close(),
  };
}

/** Polls until `check` returns a truthy value (sync is asynchronous by design); the deadline only ends a hang. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 60_000, everyMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
