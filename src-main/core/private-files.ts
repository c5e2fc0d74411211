/**
 * The desktop's store holds patients' details and the session: its directory is 0700 and its
 * files 0600 whatever the process umask (a umask of 000 would otherwise leave SQLite's files
 * world-readable), and a directory or file that already exists with wider modes is tightened.
 * SQLite gives its -wal and -shm files the database file's own mode, so creating the database
 * file 0600 before SQLite opens it covers them too.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Creates the file empty if missing (never truncates), then sets it to 0600. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}
