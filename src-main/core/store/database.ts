/** Opens the desktop's SQLite store: WAL for concurrent reads, FULL sync so a committed change survives power loss. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { ensurePrivateDir, ensurePrivateFile } from '../private-files';
import { migrate } from './migrations';

export type Db = Database.Database;

export const STORE_FILE = 'oncall-desk.sqlite';

export function openStore(dataDir: string): Db {
  ensurePrivateDir(dataDir);
  const file = join(dataDir, STORE_FILE);
  ensurePrivateFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  // The client id is made once per store and never changes: the server orders our mutations by it.
  db.prepare('INSERT OR IGNORE INTO sync_state (id, client_id) VALUES (1, ?)').run(uuidv7());
  return db;
}
