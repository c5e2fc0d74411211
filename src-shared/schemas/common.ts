/** Building blocks reused by every resource schema. */
import { z } from 'zod';

export const Id = z.uuid();

/**
 * The range every timestamp input must fall in, once converted to UTC. Stored timestamps are
 * `toISOString()` text: beyond year 9999 that turns into `+010000-...`, which neither sorts nor
 * parses like the rest, so such a value is refused at the door rather than stored.
 */
export const TIMESTAMP_MIN = '1900-01-01T00:00:00.000Z';
export const TIMESTAMP_MAX = '2199-12-31T23:59:59.999Z';
const TIMESTAMP_MIN_MS = Date.parse(TIMESTAMP_MIN);
const TIMESTAMP_MAX_MS = Date.parse(TIMESTAMP_MAX);

export function timestampInRange(value: string): boolean {
  const ms = Date.parse(value);
  return ms >= TIMESTAMP_MIN_MS && ms <= TIMESTAMP_MAX_MS;
}

/**
 * Every timestamp the API and the desktop core accept: ISO-8601 with an offset, in range. A date
 * alone ("2026-12-10") is refused, because which moment of which day it means (a due date in
 * London or in UTC, its start or its end) is the sender's call.
 */
export const Timestamp = z.iso
  .datetime({ offset: true, error: 'expected a date-time with a time zone, e.g. 2026-12-10T17:00:00Z; a date alone is not accepted' })
  .refine(timestampInRange, { message: `must lie between ${TIMESTAMP_MIN} and ${TIMESTAMP_MAX}` });

/**
 * A timestamp as stored and answered. Deliberately not re-validated on the way out: a row stored
 * before the range existed (or repaired by hand) is answered as it is, rather than failing the
 * whole list or sync page it sits in.
 */
export const StoredTimestamp = z.string().meta({
  format: 'date-time',
  description: 'RFC 3339 in UTC. A row stored before input ranges existed may carry an ISO 8601 expanded year (e.g. +010000-01-01T00:00:00.000Z): it is answered as stored so it can be seen and repaired.',
});

/** Free-form objects are stored as JSON text; a deep enough one overflows the stack serialising it. */
export const MAX_METADATA_DEPTH = 32;

/** Depth of nested objects/arrays, counted without recursion (the input itself may be hostile). */
export function nestingDepth(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_METADATA_DEPTH) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}
/**
 * Limits on a free-form object as stored (after a PATCH is merged over what is there): its JSON
 * size in UTF-8 bytes and its number of keys at any depth. A record that grows without bound
 * makes every read, audit entry, webhook and sync page of it grow too.
 */
export const MAX_METADATA_BYTES = 16_384;
export const MAX_METADATA_KEYS = 200;

/** UTF-8 length of a string, without TextEncoder (src-shared runs anywhere). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4; // a surrogate pair is one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Keys at every depth, counted without recursion; stops early once past the limit. */
function keyCount(root: unknown): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length && count <= MAX_METADATA_KEYS) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    const children = Object.values(value);
    if (!Array.isArray(value)) count += children.length;
    stack.push(...children);
  }
  return count;
}

/** Why a free-form object may not be stored, or null when it may. */
export function metadataLimitProblem(value: Record<string, unknown>): string | null {
  if (keyCount(value) > MAX_METADATA_KEYS) return `more than ${MAX_METADATA_KEYS} keys (counted at every depth)`;
  if (utf8Length(JSON.stringify(value)) > MAX_METADATA_BYTES) return `larger than ${MAX_METADATA_BYTES} bytes as JSON`;
  return null;
}

/**
 * A free-form object as sent in a PATCH. No default here: zod applies defaults even under
 * `.partial()`, which would let an empty PATCH `{}` pass the "at least one field" check.
 */
export const MetadataPatch = z
  .record(z.string().max(64), z.unknown())
  .refine((value) => nestingDepth(value) <= MAX_METADATA_DEPTH, {
    message: `nested deeper than ${MAX_METADATA_DEPTH} levels`,
    abort: true,
  })
  .superRefine((value, check) => {
    const problem = metadataLimitProblem(value);
    if (problem) check.addIssue({ code: 'custom', message: problem });
  });
export const Metadata = MetadataPatch.default({});
export type Metadata = z.infer<typeof Metadata>;

export const MAX_PAGE_LIMIT = 200;
export const DEFAULT_PAGE_LIMIT = 50;

/** Longest cursor we accept: ours are a few dozen characters (the sort key of one row). */
export const MAX_CURSOR_LENGTH = 512;

/** Query-string booleans arrive as text. */
export const QueryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

const pageFields = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z
    .string()
    .min(1)
    .max(MAX_CURSOR_LENGTH)
    .optional()
    .describe('the `next_cursor` (`nextCursor`) of the previous page: continues right after its last row, as cheap as page 1; `page` is then ignored'),
};

/**
 * Seed 000's paging (snake_case). `total` costs a COUNT over every match: only when asked for.
 * Strict: an unknown (misspelled) parameter is refused rather than ignored, because ignoring a
 * filter silently widens the result. Every list query extends this one and stays strict.
 */
export const PageQuery = z.strictObject({
  ...pageFields,
  include_total: QueryBoolean.optional().describe('`true`: also answer `total`, the number of matching rows (an extra COUNT)'),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** Seed 003's paging: the same, camelCase (and as strict). */
export const OnCallPageQuery = z.strictObject({
  ...pageFields,
  includeTotal: QueryBoolean.optional().describe('`true`: also answer `total`, the number of matching rows (an extra COUNT)'),
});
export type OnCallPageQuery = z.infer<typeof OnCallPageQuery>;

/** What a list service needs to page, whichever facade asked. */
export interface PageRequest {
  page: number;
  limit: number;
  cursor?: string;
  include_total?: boolean;
}

/** Seed 003's paging parameters as the services take them. */
export const pageRequestOf = (q: OnCallPageQuery): PageRequest => ({
  page: q.page,
  limit: q.limit,
  cursor: q.cursor,
  include_total: q.includeTotal,
});

const envelope = {
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int().optional().describe('present only when asked for (`include_total=true` / `includeTotal=true`)'),
};

/** Every seed 000 list endpoint answers with this envelope. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    ...envelope,
    next_cursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
  });
}
export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total?: number;
  next_cursor: string | null;
}

/** Seed 003's list envelope: the same keys, camelCase. */
export function onCallPageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    ...envelope,
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
  });
}
export interface OnCallPage<T> {
  items: T[];
  page: number;
  limit: number;
  total?: number;
  nextCursor: string | null;
}

/** A service's page in seed 003's envelope, items mapped. */
export function toOnCallPage<T, U = T>({ next_cursor, ...page }: Page<T>, map?: (item: T) => U): OnCallPage<U> {
  return { ...page, items: map ? page.items.map(map) : (page.items as unknown as U[]), nextCursor: next_cursor };
}

