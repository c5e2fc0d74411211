/**
 * `GET /sync/events`: a Server-Sent Events stream that tells an online client to pull now.
 * It carries no data but a cursor, so a missed poke costs only latency (clients also pull on
 * reconnect and on a timer). A user is poked only for changes their next pull would deliver,
 * using the audience the change log computed at commit time: an agent hears about a task
 * reassigned to them and about one reassigned away from them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PokeEvent } from '../../src-shared/schemas/sync';
import type { ServerContext } from '../domain/server-context';
import { headOf } from './change-log';
import type { ChangeNudge } from './poke-bus';
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
    ctx.notifier.on('nudged', this.onCommitted);
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
    this.ctx.notifier.off('nudged', this.onCommitted);
    this.ctx.notifier.off('nudgesMissed', this.onNudgesMissed);
    for (const s of this.subscribers) s.reply.raw.end();
    this.subscribers.clear();
  }

  private readonly onCommitted = (changes: ChangeNudge[]): void => {
    for (const s of this.subscribers) {
      let cursor = 0;
      for (const c of changes) {
        if (c.organizationId === s.organizationId && concerns(s.viewer, c.audience)) cursor = Math.max(cursor, c.seq);
      }
      const poke: PokeEvent = { cursor };
      if (cursor) s.reply.raw.write(`event: poke\ndata: ${JSON.stringify(poke)}\n\n`);
    }
  };

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
