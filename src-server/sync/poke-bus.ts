/**
 * Pokes across API instances on PostgreSQL. A desktop's event stream is held by one instance; the
 * change that concerns it may be committed through any other. So a writing transaction also
 * sends a NOTIFY (delivered by PostgreSQL at commit, never for a rollback), and every instance
 * keeps one connection LISTENing and pokes its own streams from what it hears.
 *
 * The nudge carries the organization, the lowest and highest seq and who the change concerns
 * (user ids, or everyone), never a record: the instance that hears it reads the records itself
 * (sync/poke-rows.ts) or the client pulls, both through the same visibility rules. The writing instance pokes its own streams at once from memory (mutation.announce) and
 * ignores its own nudges. A nudge lost while the listening connection was down costs latency
 * only: after reconnecting the listener asks the hub to poke every stream with its
 * organization's head, and clients pull on reconnect and on a timer anyway.
 *
 * The same connection hears that webhook deliveries were queued through another instance, so
 * this one's dispatcher claims at once instead of at its next poll (an instance that delivers
 * none, WEBHOOK_CONCURRENCY=0, or one that is stopping, leaves its deliveries to the others).
 */
import { sql, type Transaction } from 'kysely';
import pg from 'pg';
import { isPostgres } from '../db/dialect';
import type { Database } from '../db/schema';
import type { ChangeNotifier, CommittedChange } from '../domain/server-context';

export const POKE_CHANNEL = 'oncall_changes';
export const WEBHOOK_CHANNEL = 'oncall_webhooks';
/** PostgreSQL refuses payloads of 8000 bytes or more; past this the nudge concerns everyone. */
const MAX_PAYLOAD_BYTES = 7000;

export type ChangeNudge = Pick<CommittedChange, 'organizationId' | 'seq' | 'audience'> & {
  /** the commit's lowest seq in the organization, when known: the poke can then carry its rows */
  first?: number;
};

interface Payload {
  /** the sending app (ChangeNotifier.origin), which already poked its own streams */
  i: string;
  o: string;
  s: number;
  /** the lowest seq (absent from instances of an earlier release) */
  f?: number;
  a: string[] | null;
}

/** Inside the writing transaction, before commit: one NOTIFY per organization it changed. */
export async function notifyCommitted(trx: Transaction<Database>, origin: string, changes: CommittedChange[]): Promise<void> {
  if (!changes.length || !isPostgres(trx)) return;
  const byOrg = new Map<string, { seq: number; first: number; audience: Set<string> | null }>();
  for (const c of changes) {
    const entry = byOrg.get(c.organizationId) ?? { seq: 0, first: c.seq, audience: new Set<string>() };
    entry.seq = Math.max(entry.seq, c.seq);
    entry.first = Math.min(entry.first, c.seq);
    if (!c.audience) entry.audience = null;
    else if (entry.audience) for (const user of c.audience) entry.audience.add(user);
    byOrg.set(c.organizationId, entry);
  }
  for (const [organizationId, { seq, first, audience }] of byOrg) {
    const payload: Payload = { i: origin, o: organizationId, s: seq, f: first, a: audience ? [...audience] : null };
    let text = JSON.stringify(payload);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) text = JSON.stringify({ ...payload, a: null });
    await sql`SELECT pg_notify(${POKE_CHANNEL}, ${text})`.execute(trx);
  }
}

/** Inside the writing transaction: deliveries were queued (the payload names the sender only). */
export async function notifyWebhooksQueued(trx: Transaction<Database>, origin: string): Promise<void> {
  if (isPostgres(trx)) await sql`SELECT pg_notify(${WEBHOOK_CHANNEL}, ${origin})`.execute(trx);
}

function parsePayload(text: string | undefined): Payload | null {
  try {
    const p = JSON.parse(text ?? '') as Partial<Payload>;
    if (typeof p.i !== 'string' || typeof p.o !== 'string' || typeof p.s !== 'number') return null;
    const a = Array.isArray(p.a) && p.a.every((u) => typeof u === 'string') ? p.a : null;
    return { i: p.i, o: p.o, s: p.s, a, ...(Number.isInteger(p.f) ? { f: p.f } : {}) };
  } catch {
    return null;
  }
}

interface Log {
  warn: (obj: object, msg: string) => void;
  info: (obj: object, msg: string) => void;
}

/**
 * The listening side: one connection of its own (LISTEN needs a session; a pooled connection
 * goes back to the pool). Reconnects with a growing pause when the connection drops, and pings
 * it, so that a connection silently cut (a failover, a network partition) is noticed.
 */
export class PokeListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private attempt = 0;
  private connectedOnce = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly ping: NodeJS.Timeout;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly notifier: ChangeNotifier,
    private readonly log: Log,
    pingMs = 10_000,
  ) {
    this.ping = setInterval(() => void this.client?.query('SELECT 1').catch(() => this.drop(this.client)), pingMs);
    this.ping.unref();
  }

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.ping);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      ...this.config,
      // told apart from the pool's connections in pg_stat_activity
      application_name: `${this.config.application_name ?? 'oncall-api'}`.slice(0, 49) + ' poke-listener',
      keepAlive: true,
      query_timeout: 5000,
    });
    client.on('notification', (message) => this.onNotification(message));
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${POKE_CHANNEL}; LISTEN ${WEBHOOK_CHANNEL}`);
    } catch (err) {
      this.log.warn({ err: String(err), attempt: this.attempt + 1 }, 'poke listener: cannot listen yet, retrying');
      this.drop(client);
      return;
    }
    if (this.client !== client) return;
    this.attempt = 0;
    // Nudges sent while nobody listened here are gone: have every stream pull once.
    if (this.connectedOnce) {
      this.log.info({}, 'poke listener: listening again');
      this.notifier.emit('nudgesMissed');
      this.notifier.emit('webhooksQueued');
    }
    this.connectedOnce = true;
  }

  /** Forgets a broken connection and schedules the next one (once per connection). */
  private drop(client: pg.Client | null): void {
    if (!client || this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    if (this.stopped) return;
    const waitMs = Math.min(5000, 100 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => void this.connect(), waitMs);
    this.retryTimer.unref();
  }

  private onNotification(message: pg.Notification): void {
    if (message.channel === WEBHOOK_CHANNEL) {
      if (message.payload !== this.notifier.origin) this.notifier.emit('webhooksQueued');
      return;
    }
    if (message.channel !== POKE_CHANNEL) return;
    const p = parsePayload(message.payload);
    if (!p || p.i === this.notifier.origin) return;
    const nudge: ChangeNudge = { organizationId: p.o, seq: p.s, audience: p.a, first: p.f };
    this.notifier.emit('nudged', [nudge]);
  }
}
