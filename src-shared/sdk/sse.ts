/**
 * The sync poke stream (`text/event-stream`) read with fetch rather than EventSource, because
 * EventSource cannot send the Bearer header. One call is one connection: it ends when the
 * server closes the stream or the signal aborts; reconnecting (with backoff) is the caller's
 * policy, so the desktop core owns it.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { OnCallNetworkError } from './errors';
import type { PokeEvent } from './types';

export interface EventsOptions {
  signal?: AbortSignal;
  /** called once the server has accepted the stream (the moment to pull what was missed) */
  onOpen?: () => void;
  /**
   * The server sends a heartbeat comment every 15 s: with nothing at all for this long the
   * connection is dead (a silent network drop) and the stream fails. Default 45 s; 0 = never.
   */
  idleTimeoutMs?: number;
}

/** Yields each `poke` of an open event stream; other event types are ignored. */
export async function* readPokes(res: Response, options: EventsOptions): AsyncGenerator<PokeEvent> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('text/event-stream')) {
    throw new OnCallNetworkError(`expected an event stream, got "${type}"`);
  }
  if (!res.body) throw new OnCallNetworkError('the event stream has no body');
  options.onOpen?.();

  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await readWithin(reader, options.idleTimeoutMs ?? 45_000);
      } catch (cause) {
        if (options.signal?.aborted) return;
        if (cause instanceof OnCallNetworkError) throw cause;
        throw new OnCallNetworkError('the event stream broke', { cause });
      }
      if (chunk.done) return;
      parser.feed(chunk.value);
      while (queue.length) {
        const message = queue.shift()!;
        if (message.event !== 'poke') continue;
        const poke = parsePoke(message.data);
        if (poke) yield poke;
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

function readWithin<T>(reader: ReadableStreamDefaultReader<T>, ms: number) {
  if (!ms) return reader.read();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OnCallNetworkError(`the event stream was silent for ${ms} ms`)), ms);
  });
  return Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
}

/**
 * A poke is `{ cursor: <integer> }`, perhaps with the changes it announces (`since`, `changes`,
 * `notices`, shaped as a pull page's); checked by hand so the published SDK needs no zod. Changes
 * that are not well formed are dropped: the poke is then bare, and the client pulls.
 */
function parsePoke(data: string): PokeEvent | null {
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const p = parsed as { cursor?: unknown; since?: unknown; changes?: unknown; notices?: unknown };
    if (!isInteger(p.cursor)) return null;
    const poke: PokeEvent = { cursor: p.cursor };
    const notices = p.notices ?? [];
    if (isInteger(p.since) && Array.isArray(p.changes) && p.changes.every(isChange) && Array.isArray(notices) && notices.every(hasSeq)) {
      Object.assign(poke, { since: p.since, changes: p.changes, notices });
    }
    return poke;
  } catch {
    return null;
  }
}

const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const hasSeq = (v: unknown) => typeof v === 'object' && v !== null && isInteger((v as { seq?: unknown }).seq);
function isChange(v: unknown): boolean {
  if (!hasSeq(v)) return false;
  const c = v as { entity?: unknown; id?: unknown; op?: unknown; data?: unknown };
  return typeof c.entity === 'string' && typeof c.id === 'string' && (c.op === 'delete' || (c.op === 'upsert' && typeof c.data === 'object' && c.data !== null));
}
