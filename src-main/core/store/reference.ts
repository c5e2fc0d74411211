/** Reference data cached from the API (outcome codes) and small local settings. */
import type { Disposition } from '../../../src-shared/domain/dispositions';
import type { Db } from './database';

export class ReferenceStore {
  constructor(private readonly db: Db) {}

  dispositions(): Disposition[] {
    const rows = this.db.prepare('SELECT code, label, builtin FROM dispositions ORDER BY position').all() as {
      code: string;
      label: string;
      builtin: number;
    }[];
    return rows.map((r) => ({ code: r.code, label: r.label, builtin: r.builtin === 1 }));
  }

  replaceDispositions(items: Disposition[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM dispositions').run();
      const insert = this.db.prepare('INSERT INTO dispositions (code, label, builtin, position) VALUES (?, ?, ?, ?)');
      items.forEach((d, i) => insert.run(d.code, d.label, d.builtin ? 1 : 0, i));
    })();
  }

  getSetting<T>(key: string): T | null {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : null;
  }

  setSetting(key: string, value: unknown): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value));
  }
}
