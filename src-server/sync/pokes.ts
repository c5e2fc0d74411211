/**
 * `GET /sync/events`: a Server-Sent Events stream that tells an online client to pull now.
 * A poke names a cursor, and when the commit was small it carries the commit's changes as the
 * user's pull would bring them (sync/poke-rows.ts), so an up-to-date client applies them without
 * a round trip. A missed poke costs only latency (clients also pull on reconnect and on a timer).
 * A user is poked only for changes their next pull would deliver, using the audience the change
 * log computed at commit time: an agent hears about a task reassigned to them and about one
 * reassigned away from them.
 *
 * A sync push has its pokes' rows read inside its own transaction, just before commit
 * (`prepare`), and they leave as soon as the commit is announced: nothing is read between the
 * commit and the poke (issue 12: a supervisor's reassignment to the agent's screen). Other
 * writers' pokes, and those for changes committed through other instances, read their rows
 * after commit.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { PokeEvent } from '../../src-shared/schemas/sync';
import type { Database } from '../db/schema';
import type { CommittedChange, PreparedPokes, ServerContext } from '../domain/server-context';
import { headOf } from './change-log';
import type { ChangeNudge } from './poke-bus';
import { MAX_POKE_CHANGES, pokesWithRows, pokesWithRowsIn, viewerKey } from './poke-rows';
import { concerns, type Viewer } from './visibility';

interface Subscriber {
  organizationId: string;
  viewer: Viewer;
  reply: FastifyReply;
  /** the desktop's client_id, when it opened the stream with one */
  clientId?: string;
}

/** The pokes with rows, keyed `organizationId:userId:role`; a stream without one gets a bare poke. */
interface Prepared extends PreparedPokes {
  withRows: Map<string, PokeEvent>;
  /** the desktop whose push this is: its own stream gets a bare poke */
  pusher?: string;
}

export class PokeHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly ctx: ServerContext) {
    ctx.notifier.on('committed', this.onCommitted);
    // Changes committed through other instances (PostgreSQL LISTEN/NOTIFY, sync/poke-bus.ts).
    ctx.notifier.on('nudged', this.onNudged);
    ctx.notifier.on('nudgesMissed', this.onNudgesMissed);
    ctx.notifier.preparePokes = this.prepare;
    // One timer for every stream: comments keep proxies from timing the stream out and let a
    // client notice a dead connection.
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), ctx.config.SYNC_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Takes over the response and keeps it open until the client leaves or the server closes. */
  open(request: FastifyRequest, reply: FastifyReply, organizationId: string, viewer: Viewer, clientId?: string): void {
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
    const subscriber: Subscriber = { organizationId, viewer, reply, ...(clientId ? { clientId } : {}) };
    this.subscribers.add(subscriber);
    reply.raw.on('close', () => this.subscribers.delete(subscriber));
  }

  /** Ends every stream so that the server can close (an open stream would hold it forever). */
  close(): void {
    clearInterval(this.heartbeat);
    this.ctx.notifier.off('committed', this.onCommitted);
    this.ctx.notifier.off('nudged', this.onNudged);
    this.ctx.notifier.off('nudgesMissed', this.onNudgesMissed);
    if (this.ctx.notifier.preparePokes === this.prepare) this.ctx.notifier.preparePokes = null;
    for (const s of this.subscribers) s.reply.raw.end();
    this.subscribers.clear();
  }

  /**
   * Pokes go out in commit order: each commit's (asynchronous) reading of its rows waits for the
   * previous one, so a stream never hears of a later commit before an earlier one. `pending`
   * counts the pokes queued: with none, a commit whose rows were read before it committed is
   * poked at once.
   */
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  /** Inside the writing transaction, before commit: the rows of the pokes that commit will send. */
  private readonly prepare = async (trx: Transaction<Database>, changes: CommittedChange[], pusher?: string): Promise<Prepared | undefined> => {
    const nudges = nudgesOf(changes);
    const targets = this.concerned(nudges);
    // The pushing desktop's own stream: it pulls after its push anyway, and a desktop in the
    // middle of a sync cycle applies no poke's rows (docs/sync-protocol.md), so none are read for it.
    for (const s of targets.keys()) if (pusher && s.clientId === pusher) targets.delete(s);
    if (!targets.size) return pusher ? { preparedPokes: true, withRows: new Map(), pusher } : undefined;
    // Not caught: a failed statement fails the writing transaction (ServerContext.preparePokes).
    return { preparedPokes: true, withRows: await this.readRows(trx, nudges, targets), ...(pusher ? { pusher } : {}) };
  };

  /** Committed here: each change's own seq is known, and perhaps its pokes' rows (prepare). */
  private readonly onCommitted = (changes: CommittedChange[], prepared?: PreparedPokes): void => {
    const nudges = nudgesOf(changes);
    if (!prepared) return this.onNudged(nudges);
    const { withRows, pusher } = prepared as Prepared;
    const targets = this.concerned(nudges);
    if (!this.pending) return this.send(targets, withRows, pusher);
    this.enqueue(async () => this.send(targets, withRows, pusher));
  };

  private readonly onNudged = (changes: ChangeNudge[]): void => {
    const targets = this.concerned(changes);
    if (!targets.size) return;
    this.enqueue(async () => {
      const withRows = await this.readRows(this.ctx.db, changes, targets).catch(() => new Map<string, PokeEvent>());
      this.send(targets, withRows);
    });
  };

  private enqueue(poke: () => Promise<void>): void {
    this.pending++;
    // A failure must not stop the pokes after it (nor go unhandled): only this poke is lost.
    this.queue = this.queue
      .then(poke)
      .catch(() => undefined)
      .finally(() => this.pending--);
  }

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

  /**
   * The changes' rows for each concerned viewer when they are few (sync/poke-rows.ts), read
   * through the writing transaction (before commit) or a transaction of its own (after).
   */
  private async readRows(db: Kysely<Database> | Transaction<Database>, changes: ChangeNudge[], targets: Map<Subscriber, number>): Promise<Map<string, PokeEvent>> {
    const withRows = new Map<string, PokeEvent>();
    for (const [organizationId, range] of rangesByOrganization(changes)) {
      const viewers = [...targets.keys()].filter((s) => s.organizationId === organizationId).map((s) => s.viewer);
      // A big commit (a drain) gets bare pokes: the pull pages it, and nothing is read here.
      if (!range || !viewers.length || range.count > MAX_POKE_CHANGES) continue;
      const pokes = db.isTransaction
        ? await pokesWithRowsIn(db as Transaction<Database>, organizationId, range.first, range.last, viewers)
        : await pokesWithRows(db, organizationId, range.first, range.last, viewers);
      for (const [key, poke] of pokes) withRows.set(`${organizationId}:${key}`, poke);
    }
    return withRows;
  }

  /** Writes each target's poke (those still open): with its rows, else bare. */
  private send(targets: Map<Subscriber, number>, withRows: Map<string, PokeEvent>, pusher?: string): void {
    for (const [s, cursor] of targets) {
      if (!this.subscribers.has(s)) continue;
      const rows = pusher && s.clientId === pusher ? undefined : withRows.get(`${s.organizationId}:${viewerKey(s.viewer)}`);
      const poke: PokeEvent = rows ?? { cursor };
      // Node corks a chunked response's socket on write until the next tick, after whatever
      // else this tick does (a push's own answer, its serialisation): corked and uncorked here,
      // the poke leaves now.
      const socket = s.reply.raw.socket;
      socket?.cork();
      s.reply.raw.write(`event: poke\ndata: ${JSON.stringify(poke)}\n\n`);
      socket?.uncork();
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

const nudgesOf = (changes: CommittedChange[]): ChangeNudge[] =>
  changes.map((c) => ({ organizationId: c.organizationId, seq: c.seq, first: c.seq, audience: c.audience }));

/**
 * Per organization, the seqs a commit covers (`first` to `last`) and how many changes, or null
 * when `first` is not known (a nudge from an instance that does not send it): then the pokes are bare.
 */
function rangesByOrganization(changes: ChangeNudge[]): Map<string, { first: number; last: number; count: number } | null> {
  const out = new Map<string, { first: number; last: number; count: number } | null>();
  for (const c of changes) {
    const known = out.has(c.organizationId) ? out.get(c.organizationId)! : { first: Infinity, last: 0, count: 0 };
    out.set(c.organizationId, known && c.first !== undefined ? { first: Math.min(known.first, c.first), last: Math.max(known.last, c.seq), count: known.count + 1 } : null);
  }
  return out;
}
