/**
 * Lists are kept as ids plus a map by id (STYLE.md): a re-query after `data.changed` reuses the
 * previous object for every record whose version did not move, so only changed rows re-render.
 */
export interface Versioned {
  id: string;
  version: number;
  updated_at: string;
}

export function mergeById<T extends Versioned>(prev: Record<string, T>, next: readonly T[]): Record<string, T> {
  const byId: Record<string, T> = {};
  for (const item of next) {
    const old = prev[item.id];
    byId[item.id] = old && old.version === item.version && old.updated_at === item.updated_at ? old : item;
  }
  return byId;
}

/** Returns `prev` itself when the ids are the same, so selectors on the id list stay stable. */
export function sameIdsOr(prev: string[], next: string[]): string[] {
  if (prev.length !== next.length) return next;
  for (let i = 0; i < prev.length; i++) if (prev[i] !== next[i]) return next;
  return prev;
}

/** Puts one record into a map without touching the others (an optimistic local write's answer). */
export function upsertOne<T extends Versioned>(byId: Record<string, T>, item: T): Record<string, T> {
  const old = byId[item.id];
  if (old && old.version === item.version && old.updated_at === item.updated_at) return byId;
  return { ...byId, [item.id]: item };
}

/**
 * Runs `task` at most once at a time; calls that arrive while it runs fold into one more run.
 * `data.changed` can fire many times during a pull, and each view only needs the latest answer.
 */
export function coalesce(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await task();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  return run;
}
