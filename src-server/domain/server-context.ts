/** What every service needs: the store, the configuration, a clock and the change notifier. */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Config } from '../config';
import type { Db } from '../db/connection';

export interface CommittedChange {
  organizationId: string;
  seq: number;
  entity: string;
  entityId: string;
  /** the users besides supervisors who may ever have seen the record; null: the whole organization */
  audience?: string[] | null;
}

/**
 * Fired after a transaction commits: sync pokes and the webhook dispatcher listen here,
 * so nobody is ever told about a change that was rolled back.
 */
export class ChangeNotifier extends EventEmitter<{
  committed: [CommittedChange[]];
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
}

export interface ServerContext {
  db: Db;
  config: Config;
  now: () => Date;
  notifier: ChangeNotifier;
}
