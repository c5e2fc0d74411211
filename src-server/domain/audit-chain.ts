/**
 * The audit log's hash chain: each entry stores the hash of the one before it (by id) and its
 * own hash over that and its content, so editing, deleting or inserting an entry anywhere
 * breaks every hash after it. The database already refuses UPDATE and DELETE; the chain makes
 * tampering by someone who gets past that (a copy, a restored backup, a dropped trigger)
 * evident. `npm run audit:verify` (scripts/audit-verify.ts) walks it.
 *
 * Appending reads the last hash and inserts in one transaction; the embedded SQLite store runs
 * one write transaction at a time, so the chain cannot fork. On PostgreSQL, where several
 * instances write at once, the append takes an advisory lock held to commit (db/locks.ts).
 */
import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** What the hash covers: every column but the id (assigned by the insert itself) and the hash. */
export interface ChainedFields {
  organization_id: string;
  actor_type: string;
  actor_id: string | null;
  auth_method: string;
  action: string;
  entity: string;
  entity_id: string | null;
  changes: string;
  request_id: string | null;
  client_request_id: string | null;
  ip: string | null;
  created_at: string;
  prev_hash: string;
}

export function entryHash(f: ChainedFields): string {
  const canonical = JSON.stringify([
    f.prev_hash,
    f.organization_id,
    f.actor_type,
    f.actor_id,
    f.auth_method,
    f.action,
    f.entity,
    f.entity_id,
    f.changes,
    f.request_id,
    f.client_request_id,
    f.ip,
    f.created_at,
  ]);
  // One-shot hash: no Hash object per entry (a push batch hashes hundreds).
  return hash('sha256', canonical, 'hex');
}
