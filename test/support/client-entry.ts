/**
 * A desktop core in a child process of the test, driven over Node's IPC channel (see
 * client-process.ts): the crash target of the chaos tests. Its store and its tokens (a 0600
 * file, like the Node host's) both live in DATA_DIR, so a process started again on the same
 * DATA_DIR after a `kill -9` resumes the session and the outbox where the crash left them.
 *
 *   DATA_DIR       the client's store and secrets
 *   CLIENT_TIMING  JSON: numeric SyncTiming overrides, plus `seed` for a reproducible jitter
 *
 * Messages in:  {id, method, args} (an IPC method, args parsed with the contract's schema),
 *               {id, close: true} (an orderly close).
 * Messages out: {ready: true}, {id, ok: true, result} | {id, ok: false, error}, {event, payload}.
 */
import { join } from 'node:path';
import { createDesktopCore } from '../../src-main/core';
import { createFileSecretStore } from '../../src-main/core/file-secret-store';
import type { SyncTiming } from '../../src-main/core/sync/timing';
import { IPC_EVENTS, IPC_METHODS, type IpcEvent, type IpcMethod } from '../../src-shared/ipc/contract';
import { seededRandom } from './fault-proxy';

type Incoming = { id: number; method?: IpcMethod; args?: unknown; close?: boolean };

const send = (message: unknown) => process.send?.(message);

function errorOf(err: unknown) {
  if (err && typeof err === 'object' && 'code' in err) {
    const e = err as { code: unknown; message?: unknown; details?: unknown };
    return { code: String(e.code), message: String(e.message ?? ''), details: e.details };
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR;
  if (!dataDir) throw new Error('DATA_DIR is required');
  const { seed, ...numbers } = JSON.parse(process.env.CLIENT_TIMING ?? '{}') as Partial<SyncTiming> & { seed?: number };
  const sync: Partial<SyncTiming> = { ...numbers, ...(seed !== undefined ? { random: seededRandom(seed) } : {}) };
  const core = await createDesktopCore({ dataDir, secrets: createFileSecretStore(join(dataDir, 'secrets.json')), sync });
  for (const event of Object.keys(IPC_EVENTS) as IpcEvent[]) core.on(event, (payload) => send({ event, payload }));

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await core.close();
    process.exit(0);
  };
  process.on('disconnect', () => void close());
  process.on('message', (raw) => {
    const m = raw as Incoming;
    if (m.close) {
      void close();
      return;
    }
    void (async () => {
      try {
        const spec = IPC_METHODS[m.method!];
        if (!spec) throw Object.assign(new Error(`unknown method ${String(m.method)}`), { code: 'NOT_FOUND' });
        const handler = core.handlers[m.method!] as (a: unknown) => Promise<unknown>;
        const result = await handler(spec.args.parse(m.args ?? {}));
        send({ id: m.id, ok: true, result: result ?? null });
      } catch (err) {
        send({ id: m.id, ok: false, error: errorOf(err) });
      }
    })();
  });
  send({ ready: true });
}

main().catch((err: unknown) => {
  console.error('[client] failed:', err instanceof Error ? err.stack : err);
  process.exit(1);
});
