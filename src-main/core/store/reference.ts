/** Reference data cached from the API (outcome codes) and small local settings. */
import type { Disposition } from '../../../src-shared/domain/dispositions';
import type { Db } from './database';
import { statementCache } from './statements';

export class ReferenceStore {
  private readonly stmt;
  /**
   * Parsed values as committed, by key ('' for the outcome codes): the rulebook reads the
   * organization's settings on every local write. Frozen, since callers share them; a write
   * through this class forgets them, and so does a transaction that rolls back (LocalStore.tx).
   */
  private readonly known = new Map<string, unknown>();

  constructor(private readonly db: Db) {
    this.stmt = statementCache(db);
  }

  dispositions(): readonly Disposition[] {
    if (this.known.has('')) return this.known.get('') as readonly Disposition[];
    const rows = this.stmt('SELECT code, label, builtin FROM dispositions ORDER BY position').all() as {
      code: string;
      label: string;
      builtin: number;
    }[];
    const items = Object.freeze(rows.map((r) => Object.freeze({ code: r.code, label: r.label, builtin: r.builtin === 1 })));
    this.known.set('', items);
    return items;
  }

  replaceDispositions(items: readonly Disposition[]): void {
    this.known.delete('');
    this.db.transaction(() => {
      this.stmt('DELETE FROM dispositions').run();
      const insert = this.stmt('INSERT INTO dispositions (code, label, builtin, position) VALUES (?, ?, ?, ?)');
      items.forEach((d, i) => insert.run(d.code, d.label, d.builtin ? 1 : 0, i));
    })();
  }

  getSetting<T>(key: string): T | null {
    if (this.known.has(key)) return this.known.get(key) as T | null;
    const row = this.stmt('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    const value = row ? (deepFreeze(JSON.parse(row.value)) as T) : null;
    this.known.set(key, value);
    return value;
  }

  setSetting(key: string, value: unknown): void {
    this.known.delete(key);
    this.stmt('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  }

  /** Forgets the outcome codes (another account's store is wiped; settings are per user or refetched). */
  clearDispositions(): void {
    this.known.delete('');
    this.stmt('DELETE FROM dispositions').run();
  }

  /** Drops what is kept in memory (the transaction that wrote it rolled back). */
  forgetCached(): void {
    this.known.clear();
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
