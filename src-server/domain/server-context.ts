/** What every service needs: the store, the configuration, a clock and the change notifier. */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Transaction } from 'kysely';
import type { Config } from '../config';
import type { Db } from '../db/connection';
import type { Database } from '../db/schema';

export interface CommittedChange {
  organizationId: string;
  seq: number;
  entity: string;
  entityId: string;
  /** the users besides supervisors who may ever have seen the record; null: the whole organization */
  audience?: string[] | null;
}

/**
 * What the poke hub read inside a writing transaction just before it committed: the pokes it
 * sends when the commit is announced (sync/pokes.ts). Opaque to the writers.
 */
export interface PreparedPokes {
  readonly preparedPokes: true;
}

/**
 * Fired after a transaction commits: sync pokes and the webhook dispatcher listen here,
 * so nobody is ever told about a change that was rolled back.
 */
export class ChangeNotifier extends EventEmitter<{
  /** with what the poke hub prepared before commit, when the writer asked it (preparePokes) */
  committed: [CommittedChange[], PreparedPokes?];
  /** changes committed through another API instance (sync/poke-bus.ts): whom to poke */
  nudged: [Pick<CommittedChange, 'organizationId' | 'seq' | 'audience'>[]];
  /** the cross-instance listener was down for a while: nudges may have been missed */
  nudgesMissed: [];
  webhooksQueued: [];
  /** session families that have no live session left (logout, reuse revocation) */
  sessionsEnded: [string[]];
}> {
  /** names this app in cross-instance nudges, so that it ignores its own */
  readonly origin = randomUUID();

  /**
   * Set by the poke hub (sync/pokes.ts): reads, through the writing transaction just before it
   * commits, the rows its pokes will carry, so that they leave as soon as the commit is
   * announced. `clientId`: the desktop that pushed the changes (its own stream's poke is bare). A failed read fails the transaction (on PostgreSQL a failed statement would turn
   * its COMMIT into a silent rollback), so writers call it only where a retry is cheap.
   */
  preparePokes: ((trx: Transaction<Database>, changes: CommittedChange[], clientId?: string) => Promise<PreparedPokes | undefined>) | null = null;
}

export interface ServerContext {
  db: Db;
  config: Config;
  now: () => Date;
  notifier: ChangeNotifier;
}
