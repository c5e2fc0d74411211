/**
 * `GET /sync/events`: a Server-Sent Events stream that tells an online client to pull now.
 * A poke names a cursor, and when the commit was small it carries the commit's changes as the
 * user's pull would bring them (sync/poke-rows.ts), so an up-to-date client applies them without
 * a round trip. A missed poke costs only latency (clients also pull on reconnect and on a timer).
 * A user is poked only for changes their next pull would deliver, using the audience the change
 * log computed at commit time: an agent hears about a task reassigned to them and about one
 * reassigned away from them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PokeEvent } from '../../src-shared/schemas/sync';
import type { CommittedChange, ServerContext } from '../domain/server-context';
import { headOf } from './change-log';
import type { ChangeNudge } from './poke-bus';
import { pokesWithRows, viewerKey } from './poke-rows';
import { concerns, type Viewer } from './visibility';

interface Subscriber {
  organizationId: string;
  viewer: Viewer;
  reply: FastifyReply;
}

export class PokeHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly ctx: ServerContext) {
    ctx.notifier.on('committed', this.onCommitted);
    // Changes committed through other instances (PostgreSQL LISTEN/NOTIFY, sync/poke-bus.ts).
    ctx.notifier.on('nudged', this.onNudged);
    ctx.notifier.on('nudgesMissed', this.onNudgesMissed);
    // One timer for every stream: comments keep proxies from timing the stream out and let a
    // client notice a dead connection.
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), ctx.config.SYNC_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Takes over the response and keeps it open until the client leaves or the server closes. */
  open(request: FastifyRequest, reply: FastifyReply, organizationId: string, viewer: Viewer): void {
    reply.hijack();
    // Headers the hooks set so far (rate limits) would be lost with the hijacked reply.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    reply.raw.writeHead(200, {
      'x-request-id': request.id,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // `retry`: how long an EventSource waits before reconnecting after a drop.
    reply.raw.write(': connected\nretry: 3000\n\n');
    const subscriber: Subscriber = { organizationId, viewer, reply };
    this.subscribers.add(subscriber);
    reply.raw.on('close', () => this.subscribers.delete(subscriber));
  }

  /** Ends every stream so that the server can close (an open stream would hold it forever). */
  close(): void {
    clearInterval(this.heartbeat);
    this.ctx.notifier.off('committed', this.onCommitted);
    this.ctx.notifier.off('nudged', this.onNudged);
    this.ctx.notifier.off('nudgesMissed', this.onNudgesMissed);
    for (const s of this.subscribers) s.reply.raw.end();
    this.subscribers.clear();
  }

  /**
   * Pokes go out in commit order: each commit's (asynchronous) reading of its rows waits for the
   * previous one, so a stream never hears of a later commit before an earlier one.
   */
  private queue: Promise<void> = Promise.resolve();

  /** Committed here: each change's own seq is known. */
  private readonly onCommitted = (changes: CommittedChange[]): void => {
    this.onNudged(changes.map((c) => ({ organizationId: c.organizationId, seq: c.seq, first: c.seq, audience: c.audience })));
  };

  private readonly onNudged = (changes: ChangeNudge[]): void => {
    const targets = this.concerned(changes);
    if (!targets.size) return;
    // A failure must not stop the pokes after it (nor go unhandled): only this poke is lost.
    this.queue = this.queue.then(() => this.poke(changes, targets)).catch(() => undefined);
  };

  /** Each concerned stream with the newest seq among the changes that concern it. */
  private concerned(changes: ChangeNudge[]): Map<Subscriber, number> {
    const targets = new Map<Subscriber, number>();
    for (const s of this.subscribers) {
      let cursor = 0;
      for (const c of changes) {
        if (c.organizationId === s.organizationId && concerns(s.viewer, c.audience)) cursor = Math.max(cursor, c.seq);
      }
      if (cursor) targets.set(s, cursor);
    }
    return targets;
  }

  /** The changes' rows for each stream when they are few (sync/poke-rows.ts), else a bare poke. */
  private async poke(changes: ChangeNudge[], targets: Map<Subscriber, number>): Promise<void> {
    const withRows = new Map<string, PokeEvent>();
    for (const [organizationId, range] of rangesByOrganization(changes)) {
      const viewers = [...targets.keys()].filter((s) => s.organizationId === organizationId).map((s) => s.viewer);
      if (!range || !viewers.length) continue;
      try {
        const pokes = await pokesWithRows(this.ctx.db, organizationId, range.first, range.last, viewers);
        for (const [key, poke] of pokes) withRows.set(`${organizationId}:${key}`, poke);
      } catch {
        // The bare poke below still makes the desktop pull: only latency is lost.
      }
    }
    for (const [s, cursor] of targets) {
      if (!this.subscribers.has(s)) continue;
      const poke: PokeEvent = withRows.get(`${s.organizationId}:${viewerKey(s.viewer)}`) ?? { cursor };
      s.reply.raw.write(`event: poke\ndata: ${JSON.stringify(poke)}\n\n`);
    }
  }

  /** Whatever was missed, every stream's organization head: a client behind it pulls. */
  private readonly onNudgesMissed = async (): Promise<void> => {
    const orgs = new Set([...this.subscribers].map((s) => s.organizationId));
    for (const organizationId of orgs) {
      const cursor = await headOf(this.ctx.db, organizationId).catch(() => 0);
      if (!cursor) continue;
      const poke: PokeEvent = { cursor };
      for (const s of this.subscribers) {
        if (s.organizationId === organizationId) s.reply.raw.write(`event: poke\ndata: ${JSON.stringify(poke)}\n\n`);
      }
    }
  };

  private broadcast(text: string): void {
    for (const s of this.subscribers) s.reply.raw.write(text);
  }
}

/**
 * Per organization, the seqs a commit covers (`first` to `last`), or null when `first` is not
 * known (a nudge from an instance that does not send it): then the pokes are bare.
 */
function rangesByOrganization(changes: ChangeNudge[]): Map<string, { first: number; last: number } | null> {
  const out = new Map<string, { first: number; last: number } | null>();
  for (const c of changes) {
    const known = out.has(c.organizationId) ? out.get(c.organizationId)! : { first: Infinity, last: 0 };
    out.set(c.organizationId, known && c.first !== undefined ? { first: Math.min(known.first, c.first), last: Math.max(known.last, c.seq) } : null);
  }
  return out;
}
