/**
 * Lost-update notices. When the server acknowledges one of our updates, the fields it set are
 * remembered; the next pull of that record shows whether they survived. If another writer's
 * later change replaced one, the user gets an OVERWRITTEN item in the attention list (retry =
 * write mine again, discard = keep theirs).
 */
import type { AttentionItem } from '../../../src-shared/ipc/contract';
import type { SyncEntity } from '../../../src-shared/schemas/sync';
import type { Db } from './database';
import { statementCache } from './statements';

export interface AckedField {
  field: string;
  value: unknown;
  mutation_id: string;
  name: string;
}

export class NoticeStore {
  private readonly stmt;
  /** The number of notices as committed (read by `sync.status` after every local write). */
  private known: number | null = null;

  constructor(db: Db) {
    this.stmt = statementCache(db);
  }

  remember(entity: SyncEntity, entityId: string, mutationId: string, name: string, fields: Record<string, unknown>): void {
    const stmt = this.stmt(
      `INSERT INTO acked_fields (entity, entity_id, field, value, mutation_id, name) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (entity, entity_id, field) DO UPDATE SET value = excluded.value, mutation_id = excluded.mutation_id, name = excluded.name`,
    );
    for (const [field, value] of Object.entries(fields)) stmt.run(entity, entityId, field, JSON.stringify(value ?? null), mutationId, name);
  }

  /** The remembered fields of one record, forgotten as they are read (a pull settles them). */
  take(entity: SyncEntity, entityId: string): AckedField[] {
    const rows = this.stmt('DELETE FROM acked_fields WHERE entity = ? AND entity_id = ? RETURNING field, value, mutation_id, name')
      .all(entity, entityId) as { field: string; value: string; mutation_id: string; name: string }[];
    return rows.map((r) => ({ ...r, value: JSON.parse(r.value) as unknown }));
  }

  /** Some remembered fields of one record, forgotten as they are read (the server settled them). */
  takeFields(entity: SyncEntity, entityId: string, fields: string[]): AckedField[] {
    const stmt = this.stmt('DELETE FROM acked_fields WHERE entity = ? AND entity_id = ? AND field = ? RETURNING field, value, mutation_id, name');
    return fields.flatMap((field) => {
      const row = stmt.get(entity, entityId, field) as { field: string; value: string; mutation_id: string; name: string } | undefined;
      return row ? [{ ...row, value: JSON.parse(row.value) as unknown }] : [];
    });
  }

  /** Ids of the records of this entity with remembered fields (usually none). */
  ackedIds(entity: SyncEntity): Set<string> {
    const rows = this.stmt('SELECT DISTINCT entity_id FROM acked_fields WHERE entity = ?').all(entity) as { entity_id: string }[];
    return new Set(rows.map((r) => r.entity_id));
  }

  add(item: AttentionItem): void {
    this.known = null;
    this.stmt(
        `INSERT INTO notices (id, name, args, error, created_at, noticed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET args = excluded.args, error = excluded.error, noticed_at = excluded.noticed_at`,
      )
      .run(item.mutation_id, item.name, JSON.stringify(item.args), JSON.stringify(item.error), item.created_at, item.rejected_at);
  }

  get(id: string): AttentionItem | null {
    return this.list().find((n) => n.mutation_id === id) ?? null;
  }

  list(): AttentionItem[] {
    const rows = this.stmt('SELECT * FROM notices ORDER BY noticed_at, id').all() as {
      id: string;
      name: string;
      args: string;
      error: string;
      created_at: string;
      noticed_at: string;
    }[];
    return rows.map((r) => ({
      mutation_id: r.id,
      name: r.name,
      args: JSON.parse(r.args) as Record<string, unknown>,
      error: JSON.parse(r.error) as AttentionItem['error'],
      created_at: r.created_at,
      rejected_at: r.noticed_at,
    }));
  }

  count(): number {
    this.known ??= (this.stmt('SELECT count(*) AS n FROM notices').get() as { n: number }).n;
    return this.known;
  }

  remove(id: string): boolean {
    this.known = null;
    return this.stmt('DELETE FROM notices WHERE id = ?').run(id).changes > 0;
  }

  /** Forgets every notice and remembered field (another account's store is wiped). */
  clear(): void {
    this.known = null;
    this.stmt('DELETE FROM notices').run();
    this.stmt('DELETE FROM acked_fields').run();
  }

  /** Drops what is kept in memory (the transaction that wrote it rolled back). */
  forgetCached(): void {
    this.known = null;
  }
}
