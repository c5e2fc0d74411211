/**
 * Writing audit entries (mutation.ts calls this inside the transaction that makes the change).
 * An entry maps each changed field to its value before and after, bounded in size: an entry is
 * written for every change, so an unbounded one would let a client turn each write into
 * megabytes of log (the review grew 37 MB of audit from seven PATCHes).
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { AuditAction } from '../../src-shared/schemas/audit';
import type { Database } from '../db/schema';
import type { Actor } from './actor';
import { insertRows } from '../db/bulk-insert';
import { literalLimit } from '../db/literal-limit';
import { lockAuditChain } from '../db/locks';
import { entryHash, GENESIS_HASH, type ChainedFields } from './audit-chain';

/** Before and after of one field together, in JSON bytes, beyond which they are narrowed. */
export const AUDIT_FIELD_MAX_BYTES = 2048;

/** Fields whose values never belong in an audit entry. */
const REDACTED = new Set(['password_hash', 'key_hash', 'secret', 'access_hash', 'refresh_hash']);

type Changes = Record<string, { before: unknown; after: unknown }>;

const jsonOf = (value: unknown) => JSON.stringify(value ?? null);

/** A free-form object, whether given as one or as the JSON text of its column. */
function asObject(value: unknown): Record<string, unknown> | null {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value !== 'string' || !value.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A scalar whose JSON is exactly its value's (no NaN or Infinity, which JSON writes as null). */
const isPlainScalar = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * Whether two values have the same JSON. Every audit entry compares each field of the record
 * before and after: scalars (nearly all fields) are compared as they are, which gives the same
 * answer as comparing their JSON without writing it.
 */
function sameJson(x: unknown, y: unknown): boolean {
  const a = x ?? null;
  const b = y ?? null;
  if (isPlainScalar(a) && isPlainScalar(b)) return a === b;
  return jsonOf(a) === jsonOf(b);
}

/** An upper bound of a value's JSON length without writing it: a string's character may take six (\u0000). */
function jsonLengthAtMost(v: unknown): number {
  if (typeof v === 'string') return 2 + 6 * v.length;
  if (isPlainScalar(v)) return 24; // null, a boolean, or a finite number (at most 24 characters)
  return Infinity;
}

/** A value too large to keep, replaced by what still proves which value it was. */
function digestOf(value: unknown): unknown {
  const json = jsonOf(value);
  if (json.length <= AUDIT_FIELD_MAX_BYTES / 2) return value ?? null;
  return `[omitted: ${Buffer.byteLength(json)} bytes, sha256 ${createHash('sha256').update(json).digest('hex')}]`;
}

/**
 * One field's change, at most about AUDIT_FIELD_MAX_BYTES: whole values when small; for a large
 * free-form object only the keys that changed; past that, digests.
 */
function boundedChange(before: unknown, after: unknown): { before: unknown; after: unknown } {
  const whole = { before: before ?? null, after: after ?? null };
  // `{"before":…,"after":…}`: 20 characters around the two values.
  if (20 + jsonLengthAtMost(whole.before) + jsonLengthAtMost(whole.after) <= AUDIT_FIELD_MAX_BYTES) return whole;
  if (jsonOf(whole).length <= AUDIT_FIELD_MAX_BYTES) return whole;
  const b = asObject(before);
  const a = asObject(after);
  if (b && a) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => jsonOf(b[k]) !== jsonOf(a[k]));
    const narrowed = {
      before: Object.fromEntries(keys.map((k) => [k, b[k] ?? null])),
      after: Object.fromEntries(keys.map((k) => [k, a[k] ?? null])),
    };
    if (jsonOf(narrowed).length <= AUDIT_FIELD_MAX_BYTES) return narrowed;
    return { before: digestOf(narrowed.before), after: digestOf(narrowed.after) };
  }
  return { before: digestOf(before), after: digestOf(after) };
}

export function diffFields(before: object | null | undefined, after: object | null | undefined): Changes {
  const changes: Changes = {};
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const compare = (key: string) => {
    if (key === 'updated_at' || key === 'version') return;
    if (sameJson(b[key], a[key])) return;
    changes[key] = REDACTED.has(key) ? { before: '[redacted]', after: '[redacted]' } : boundedChange(b[key], a[key]);
  };
  // The keys before, then those only after, in that order (no key lists or sets built: every
  // change of a push batch's hundreds is diffed).
  for (const key of Object.keys(b)) compare(key);
  for (const key of Object.keys(a)) if (!Object.hasOwn(b, key)) compare(key);
  return changes;
}

export interface AuditWrite {
  action: AuditAction;
  entity: string;
  entityId: string | null;
  before?: object | null;
  after?: object | null;
}

/**
 * Appends entries in order to the chain: the head is read once (under the chain's lock) and each
 * entry links to the one before it in memory, so a push batch's hundreds of entries cost one
 * read and a few multi-row inserts. Rows are inserted in order, so ids follow the chain.
 */
export async function appendAuditEntries(trx: Transaction<Database>, actor: Actor, entries: readonly AuditWrite[], now: string): Promise<void> {
  if (!entries.length) return;
  // Several instances append at once on PostgreSQL: without the lock two could read the same
  // head and fork the chain. Taken before reading the head, so the read sees the last holder's entry.
  await lockAuditChain(trx);
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(literalLimit(1)).executeTakeFirst();
  let prev = last?.hash ?? GENESIS_HASH;
  const rows = entries.map((entry) => {
    const row: ChainedFields & { hash: string } = {
      organization_id: actor.organizationId,
      actor_type: actor.type,
      actor_id: actor.id,
      auth_method: actor.authMethod,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId,
      changes: JSON.stringify(diffFields(entry.before, entry.after)),
      request_id: actor.requestId,
      client_request_id: actor.clientRequestId ?? null,
      ip: actor.ip,
      created_at: now,
      prev_hash: prev,
      hash: '', // the hash covers every field but itself (entryHash)
    };
    prev = row.hash = entryHash(row);
    return row;
  });
  await insertRows(trx, 'audit_log', rows);
}

/** An audit entry of its own (a refusal, an unknown sign-in): not part of any change. */
export async function appendStandaloneEntry(db: Kysely<Database>, actor: Actor, entry: AuditWrite, now: string): Promise<void> {
  await db.transaction().execute((trx) => appendAuditEntries(trx, actor, [entry], now));
}
