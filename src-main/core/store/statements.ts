/**
 * Prepared statements kept for the life of the store: better-sqlite3 compiles SQL on every
 * `prepare`, which was ~8% of the CPU of logging a call when each write prepared its five
 * statements again. Only for SQL from a bounded set of texts (never with values spliced in).
 */
import type Database from 'better-sqlite3';
import type { Db } from './database';

export type Statements = (sql: string) => Database.Statement<unknown[]>;

export function statementCache(db: Db): Statements {
  const cache = new Map<string, Database.Statement<unknown[]>>();
  return (sql) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare<unknown[]>(sql);
      cache.set(sql, s);
    }
    return s;
  };
}
