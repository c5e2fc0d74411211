/**
 * The mirrored entity tables: `data` is what the renderer sees, `server` the last state the
 * server sent. One small repository for all five, since they differ only by table name.
 */
import type { SyncEntity } from '../../../src-shared/schemas/sync';
import type { Db } from './database';
import { statementCache } from './statements';

export const ENTITY_TABLES: Record<SyncEntity, string> = {
  call: 'calls',
  task: 'tasks',
  patient: 'patients',
  user: 'users',
  schedule: 'schedules',
  agent_state: 'agent_states',
};

export interface StoredEntity<T = Record<string, unknown>> {
  data: T;
  server: T | null;
}

type Json = Record<string, unknown>;

/** Lower-cased in JS: SQLite's lower() leaves non-ASCII letters alone (same rule as the API). */
export const searchNameOf = (p: Json) => `${String(p.first_name ?? '')} ${String(p.last_name ?? '')}`.toLowerCase();

export class EntityStore {
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.stmt = statementCache(db);
  }

  /** Whether the record's server state is stored (read without parsing the record). */
  hasServer(entity: SyncEntity, id: string): boolean {
    return this.stmt(`SELECT 1 FROM ${ENTITY_TABLES[entity]} WHERE id = ? AND server IS NOT NULL`).get(id) !== undefined;
  }

  get<T = Json>(entity: SyncEntity, id: string): StoredEntity<T> | null {
    const row = this.stmt(`SELECT data, server FROM ${ENTITY_TABLES[entity]} WHERE id = ?`).get(id) as
      | { data: string; server: string | null }
      | undefined;
    if (!row) return null;
    return { data: JSON.parse(row.data) as T, server: row.server === null ? null : (JSON.parse(row.server) as T) };
  }

  /** Writes the visible row; `server` too unless undefined (then the stored server state stays). */
  put(entity: SyncEntity, id: string, data: Json, server?: Json | null): void {
    const columns = ['id', 'data'];
    const values: unknown[] = [id, JSON.stringify(data)];
    if (server !== undefined) {
      columns.push('server');
      values.push(server === null ? null : JSON.stringify(server));
    }
    if (entity === 'patient') {
      columns.push('search_name');
      values.push(searchNameOf(data));
    }
    const updates = columns.slice(1).map((c) => `${c} = excluded.${c}`).join(', ');
    this.stmt(
      `INSERT INTO ${ENTITY_TABLES[entity]} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${updates}`,
    ).run(...values);
  }

  /**
   * Writes a server row that has nothing pending on top of it: visible and server state are the
   * same JSON, serialised once (the pull's fast path; `put` would serialise it twice).
   */
  putServer(entity: SyncEntity, id: string, row: Json): void {
    const json = JSON.stringify(row);
    if (entity === 'patient') {
      this.stmt(
        `INSERT INTO patients (id, data, server, search_name) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, server = excluded.server, search_name = excluded.search_name`,
      ).run(id, json, json, searchNameOf(row));
      return;
    }
    this.stmt(
      `INSERT INTO ${ENTITY_TABLES[entity]} (id, data, server) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, server = excluded.server`,
    ).run(id, json, json);
  }

  delete(entity: SyncEntity, id: string): void {
    this.stmt(`DELETE FROM ${ENTITY_TABLES[entity]} WHERE id = ?`).run(id);
  }

  /** Rows matching a WHERE clause on the generated columns, parsed. */
  query<T>(entity: SyncEntity, where: string, params: unknown[], orderLimit = ''): T[] {
    const rows = this.db
      .prepare(`SELECT data FROM ${ENTITY_TABLES[entity]} ${where ? `WHERE ${where}` : ''} ${orderLimit}`)
      .all(...params) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as T);
  }

  clearAll(): void {
    for (const table of Object.values(ENTITY_TABLES)) this.db.prepare(`DELETE FROM ${table}`).run();
  }
}
