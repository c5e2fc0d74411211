/**
 * Who may keep an event stream open. A stream outlives the request that opened it, so the
 * credential it was opened with is checked again: when its session ends (logout, refresh-token
 * reuse) the stream is ended at once on this instance, and every heartbeat interval each
 * instance checks its streams' sessions in the store, which also catches revocations made on
 * another instance and users deactivated since. One user holds at most SYNC_STREAMS_PER_USER
 * streams; a new one ends that user's oldest (a desktop that lost its connection unnoticed
 * reconnects rather than being locked out by its own dead stream).
 */
import type { ServerResponse } from 'node:http';
import type { ServerContext } from '../domain/server-context';

interface Tracked {
  userId: string;
  family: string | null;
  res: ServerResponse;
}

export class StreamGuard {
  /** per user, oldest first */
  private readonly byUser = new Map<string, Tracked[]>();
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(private readonly ctx: ServerContext) {
    ctx.notifier.on('sessionsEnded', this.onSessionsEnded);
    this.timer = setInterval(() => void this.checkSessions(), ctx.config.SYNC_HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Tracks an open stream (already answered 200); ends the user's oldest beyond the cap. */
  track(res: ServerResponse, userId: string, family: string | null): void {
    const list = this.byUser.get(userId) ?? [];
    const entry: Tracked = { userId, family, res };
    list.push(entry);
    this.byUser.set(userId, list);
    res.on('close', () => this.forget(entry));
    while (list.length > this.ctx.config.SYNC_STREAMS_PER_USER) list.shift()!.res.end();
  }

  close(): void {
    clearInterval(this.timer);
    this.ctx.notifier.off('sessionsEnded', this.onSessionsEnded);
    this.byUser.clear();
  }

  private forget(entry: Tracked): void {
    const list = this.byUser.get(entry.userId);
    if (!list) return;
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) this.byUser.delete(entry.userId);
  }

  private readonly onSessionsEnded = (families: string[]): void => {
    const ended = new Set(families);
    for (const list of this.byUser.values()) {
      for (const t of [...list]) if (t.family && ended.has(t.family)) t.res.end();
    }
  };

  /** Ends the streams whose session family has no live session left, or whose user was deactivated. */
  private async checkSessions(): Promise<void> {
    if (this.checking) return;
    const families = [...new Set([...this.byUser.values()].flat().flatMap((t) => (t.family ? [t.family] : [])))];
    if (!families.length) return;
    this.checking = true;
    try {
      const live = new Set<string>();
      for (let i = 0; i < families.length; i += 500) {
        const rows = await this.ctx.db
          .selectFrom('sessions')
          .innerJoin('users', 'users.id', 'sessions.user_id')
          .select('sessions.family_id')
          .where('sessions.family_id', 'in', families.slice(i, i + 500))
          .where('sessions.revoked_at', 'is', null)
          .where('users.active', '=', 1)
          .execute();
        for (const r of rows) live.add(r.family_id);
      }
      this.onSessionsEnded(families.filter((f) => !live.has(f)));
    } catch {
      // the store is briefly unavailable: check again next interval
    } finally {
      this.checking = false;
    }
  }
}
