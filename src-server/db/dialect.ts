/** Which store a Kysely instance talks to, for the few steps that cannot be written portably. */

export type StoreKind = 'sqlite' | 'postgres';

/** Any Kysely instance or transaction, whatever its table types. */
export interface HasExecutor {
  getExecutor(): { adapter: object };
}

export function storeKind(db: HasExecutor): StoreKind {
  return db.getExecutor().adapter.constructor.name.startsWith('Postgres') ? 'postgres' : 'sqlite';
}

export const isPostgres = (db: HasExecutor) => storeKind(db) === 'postgres';

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);
