/**
 * A SecretStore kept in one JSON file readable by its owner only (0600, directory 0700), written
 * atomically (temp file + rename) so a crash never leaves half a token. Both shells use it: the
 * Node host stores values as they are (the file mode is the protection), the Electron shell
 * passes a codec that encrypts each value with safeStorage (the OS keychain).
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecretStore } from './api';
import { ensurePrivateDir } from './private-files';

export interface SecretCodec {
  encode(value: string): string;
  decode(stored: string): string;
}

const plain: SecretCodec = { encode: (v) => v, decode: (v) => v };

export function createFileSecretStore(file: string, codec: SecretCodec = plain): SecretStore {
  let cache: Record<string, string> | null = null;
  // One write at a time: two quick set() calls must not race on the rename.
  let queue: Promise<unknown> = Promise.resolve();

  async function load(): Promise<Record<string, string>> {
    if (cache) return cache;
    try {
      // An older or hand-made file may be readable by others: tighten it before trusting it.
      await chmod(file, 0o600);
      cache = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      cache = {};
    }
    return cache;
  }

  async function save(entries: Record<string, string>): Promise<void> {
    ensurePrivateDir(dirname(file));
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(entries), { mode: 0o600, flag: 'wx' });
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  function mutate(change: (entries: Record<string, string>) => void): Promise<void> {
    const run = queue.then(async () => {
      const next = { ...(await load()) };
      change(next);
      await save(next);
      cache = next;
    });
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    async get(key) {
      await queue;
      const stored = (await load())[key];
      return stored === undefined ? null : codec.decode(stored);
    },
    set: (key, value) => mutate((entries) => void (entries[key] = codec.encode(value))),
    delete: (key) => mutate((entries) => void delete entries[key]),
  };
}
