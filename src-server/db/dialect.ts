/** Which store a Kysely instance talks to, for the few steps that cannot be written portably. */

export type StoreKind = 'sqlite' | 'postgres';

/** Any Kysely instance or transaction, whatever its table types. */
export interface HasExecutor {
  getExecutor(): { adapter: object };
}

/** by adapter: asked on every list request, and a constructor's name is a slow property to read */
const kinds = new WeakMap<object, StoreKind>();

export function storeKind(db: HasExecutor): StoreKind {
  const adapter = db.getExecutor().adapter;
  let kind = kinds.get(adapter);
  if (kind === undefined) {
    kind = adapter.constructor.name.startsWith('Postgres') ? 'postgres' : 'sqlite';
    kinds.set(adapter, kind);
  }
  return kind;
}

export const isPostgres = (db: HasExecutor) => storeKind(db) === 'postgres';

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);
