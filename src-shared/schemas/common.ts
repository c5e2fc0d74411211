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

/** Every timestamp the API and the desktop core accept: ISO-8601 with an offset, in range. */
export const Timestamp = z.iso
  .datetime({ offset: true })
  .refine(timestampInRange, { message: `must lie between ${TIMESTAMP_MIN} and ${TIMESTAMP_MAX}` });

/**
 * A timestamp as stored and answered. Deliberately not re-validated on the way out: a row stored
 * before the range existed (or repaired by hand) is answered as it is, rather than failing the
 * whole list or sync page it sits in.
 */
export const StoredTimestamp = z.string().meta({ format: 'date-time' });

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

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** Every list endpoint answers with this envelope (keys are identical in both facades). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
  });
}
export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}

/** Query-string booleans arrive as text. */
export const QueryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');
