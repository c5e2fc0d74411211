/**
 * Multi-row statements in parts: a push batch writes hundreds of rows per table, and one
 * statement per part keeps its bound parameters well inside SQLite's and PostgreSQL's limits.
 */
export const ROWS_PER_STATEMENT = 400;

/** Items by a key, in first-seen order: a batch's rows per table or entity, one statement each. */
export function groupedBy<T, K, V = T>(items: Iterable<T>, keyOf: (item: T) => K, valueOf: (item: T) => V = (item) => item as unknown as V): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(valueOf(item));
    else groups.set(keyOf(item), [valueOf(item)]);
  }
  return groups;
}

export function chunked<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
