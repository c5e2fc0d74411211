/**
 * Savepoints taken only when something runs inside them.
 *
 * A sync push applies each mutation inside a savepoint, so that a refused mutation is undone
 * alone. Most mutations of a drain are creates whose rows wait in memory until the batch's end
 * (domain/mutation.ts): they run no statement at all, and a savepoint taken and released around
 * nothing cost two statements per mutation, about a fifth of the push's time (docs/BENCHMARKS.md).
 *
 * `withLazySavepoints` wraps a dialect so that each connection can hold a savepoint back: the
 * savepoint is taken just before the next statement runs on that connection, whoever runs it
 * and by whatever path, so nothing can run outside it; released or rolled back only if taken.
 */
import { CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type QueryResult, type TransactionSettings } from 'kysely';

/** One fixed name: savepoints of this kind never nest (each is released before the next is held). */
const TAKE = CompiledQuery.raw('savepoint lazy_savepoint');
const RELEASE = CompiledQuery.raw('release savepoint lazy_savepoint');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint lazy_savepoint');

class LazySavepointConnection implements DatabaseConnection, LazySavepoints {
  /** a savepoint is held back, to be taken before the next statement */
  private held = false;
  /** the held savepoint was taken */
  private taken = false;

  constructor(readonly inner: DatabaseConnection) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held || this.taken) throw new Error('a lazy savepoint is already open on this connection');
    this.held = true;
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      await this.end(true);
      throw err;
    }
    await this.end(false);
    return value;
  }

  /** Ends the savepoint: released (or rolled back to and released) if it was taken, forgotten if not. */
  private async end(rollback: boolean): Promise<void> {
    const taken = this.taken;
    this.held = false;
    this.taken = false;
    if (!taken) return;
    if (rollback) await this.inner.executeQuery(ROLLBACK_TO);
    await this.inner.executeQuery(RELEASE);
  }

  private async takeHeld(): Promise<void> {
    this.held = false;
    await this.inner.executeQuery(TAKE);
    this.taken = true;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.held) await this.takeHeld();
    return this.inner.executeQuery<R>(query);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.held) await this.takeHeld();
    yield* this.inner.streamQuery<R>(query, chunkSize);
  }
}

class LazySavepointDriver implements Driver {
  /** one wrapper per underlying connection (a PostgreSQL pool hands the same ones out again) */
  private readonly wrappers = new WeakMap<DatabaseConnection, LazySavepointConnection>();

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let wrapper = this.wrappers.get(connection);
    if (!wrapper) this.wrappers.set(connection, (wrapper = new LazySavepointConnection(connection)));
    return wrapper;
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(innerOf(connection), settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(innerOf(connection));
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(innerOf(connection));
  }
  savepoint(...args: Parameters<NonNullable<Driver['savepoint']>>): Promise<void> {
    return this.inner.savepoint!(innerOf(args[0]), args[1], args[2]);
  }
  rollbackToSavepoint(...args: Parameters<NonNullable<Driver['rollbackToSavepoint']>>): Promise<void> {
    return this.inner.rollbackToSavepoint!(innerOf(args[0]), args[1], args[2]);
  }
  releaseSavepoint(...args: Parameters<NonNullable<Driver['releaseSavepoint']>>): Promise<void> {
    return this.inner.releaseSavepoint!(innerOf(args[0]), args[1], args[2]);
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(innerOf(connection));
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

const innerOf = (connection: DatabaseConnection) => (connection instanceof LazySavepointConnection ? connection.inner : connection);

export function withLazySavepoints(dialect: Dialect): Dialect {
  return {
    createDriver: () => new LazySavepointDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

/** Savepoints of one transaction's connection (`lazySavepointsOf`). */
export interface LazySavepoints {
  /**
   * Runs `fn` inside a savepoint that is taken only if `fn` runs a statement: released on
   * success, rolled back to (and released) on failure, when taken.
   */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/** A transaction: it runs every statement on one connection. */
interface OnOneConnection {
  getExecutor(): { provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> };
}

/** The lazy savepoints of a transaction of a store opened with `withLazySavepoints`. */
export async function lazySavepointsOf(trx: OnOneConnection): Promise<LazySavepoints> {
  const connection = await trx.getExecutor().provideConnection(async (c) => c);
  if (!(connection instanceof LazySavepointConnection)) throw new Error('this store was not opened with withLazySavepoints');
  return connection;
}
