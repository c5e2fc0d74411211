/**
 * Lost-update notices. When the server acknowledges one of our updates, the fields it set are
 * remembered; the next pull of that record shows whether they survived. If another writer's
 * later change replaced one, the user gets an OVERWRITTEN item in the attention list (retry =
 * write mine again, discard = keep theirs).
 */
import type { AttentionItem } from '../../../src-shared/ipc/contract';
import type { SyncEntity } from '../../../src-shared/schemas/sync';
import type { Db } from './database';

export interface AckedField {
  field: string;
  value: unknown;
  mutation_id: string;
  name: string;
}

export class NoticeStore {
  constructor(private readonly db: Db) {}

  remember(entity: SyncEntity, entityId: string, mutationId: string, name: string, fields: Record<string, unknown>): void {
    const stmt = this.db.prepare(
      `INSERT INTO acked_fields (entity, entity_id, field, value, mutation_id, name) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (entity, entity_id, field) DO UPDATE SET value = excluded.value, mutation_id = excluded.mutation_id, name = excluded.name`,
    );
    for (const [field, value] of Object.entries(fields)) stmt.run(entity, entityId, field, JSON.stringify(value ?? null), mutationId, name);
  }

  /** The remembered fields of one record, forgotten as they are read (a pull settles them). */
  take(entity: SyncEntity, entityId: string): AckedField[] {
    const rows = this.db
      .prepare('DELETE FROM acked_fields WHERE entity = ? AND entity_id = ? RETURNING field, value, mutation_id, name')
      .all(entity, entityId) as { field: string; value: string; mutation_id: string; name: string }[];
    return rows.map((r) => ({ ...r, value: JSON.parse(r.value) as unknown }));
  }

  /** Some remembered fields of one record, forgotten as they are read (the server settled them). */
  takeFields(entity: SyncEntity, entityId: string, fields: string[]): AckedField[] {
    const stmt = this.db.prepare('DELETE FROM acked_fields WHERE entity = ? AND entity_id = ? AND field = ? RETURNING field, value, mutation_id, name');
    return fields.flatMap((field) => {
      const row = stmt.get(entity, entityId, field) as { field: string; value: string; mutation_id: string; name: string } | undefined;
      return row ? [{ ...row, value: JSON.parse(row.value) as unknown }] : [];
    });
  }

  /** Ids of the records of this entity with remembered fields (usually none). */
  ackedIds(entity: SyncEntity): Set<string> {
    const rows = this.db.prepare('SELECT DISTINCT entity_id FROM acked_fields WHERE entity = ?').all(entity) as { entity_id: string }[];
    return new Set(rows.map((r) => r.entity_id));
  }

  add(item: AttentionItem): void {
    this.db
      .prepare(
        `INSERT INTO notices (id, name, args, error, created_at, noticed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET args = excluded.args, error = excluded.error, noticed_at = excluded.noticed_at`,
      )
      .run(item.mutation_id, item.name, JSON.stringify(item.args), JSON.stringify(item.error), item.created_at, item.rejected_at);
  }

  get(id: string): AttentionItem | null {
    return this.list().find((n) => n.mutation_id === id) ?? null;
  }

  list(): AttentionItem[] {
    const rows = this.db.prepare('SELECT * FROM notices ORDER BY noticed_at, id').all() as {
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
    return (this.db.prepare('SELECT count(*) AS n FROM notices').get() as { n: number }).n;
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM notices WHERE id = ?').run(id).changes > 0;
  }
}
