/**
 * Server-side presence (docs/agent-states.md, "A desktop that disappears"). A signed-in desktop
 * keeps a sync event stream open; while it does, the instance holding it stamps the user's
 * `agent_presence.last_seen_at` at every heartbeat, and once more when the stream closes. A
 * desktop killed without signing out (or cut off from the network) stops being stamped: when
 * its stamp is older than PRESENCE_TIMEOUT_MS and its state is not Offline, any instance's sweep
 * sets it Offline, at the moment it was last heard, remembering the state before so the desktop
 * can return to it when it reconnects. The stamp is in the database, so it holds across instances.
 */
import type { ServerResponse } from 'node:http';
import { v7 as uuidv7 } from 'uuid';
import type { AgentStateName } from '../../src-shared/domain/agent-state';
import type { AgentStatesTable } from '../db/schema';
import { systemActor } from '../domain/actor';
import { mutate } from '../domain/mutation';
import type { ServerContext } from '../domain/server-context';

const busy = (s: string | null) => s === 'on_call' || s === 'after_call_work';

export class Presence {
  /** users with a stream open on this instance, and how many */
  private readonly open = new Map<string, { organizationId: string; streams: number }>();
  private readonly stampTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly log: { warn(obj: object, msg: string): void },
  ) {
    this.stampTimer = setInterval(() => void this.stampAll(), ctx.config.SYNC_HEARTBEAT_MS);
    this.stampTimer.unref();
    // A quarter of the timeout: a vanished desktop shows Offline at most 1.25 timeouts after it went.
    this.sweepTimer = setInterval(() => void this.sweep(), Math.max(250, Math.floor(ctx.config.PRESENCE_TIMEOUT_MS / 4)));
    this.sweepTimer.unref();
  }

  /** A stream opened: the user is here until it closes, and a while after. */
  track(stream: ServerResponse, organizationId: string, userId: string): void {
    const entry = this.open.get(userId) ?? { organizationId, streams: 0 };
    entry.streams++;
    this.open.set(userId, entry);
    void this.stamp([[userId, organizationId]]);
    stream.on('close', () => {
      const e = this.open.get(userId);
      if (e && --e.streams <= 0) this.open.delete(userId);
      void this.stamp([[userId, organizationId]]);
    });
  }

  close(): void {
    clearInterval(this.stampTimer);
    clearInterval(this.sweepTimer);
  }

  private async stampAll(): Promise<void> {
    await this.stamp([...this.open].map(([userId, e]) => [userId, e.organizationId]));
  }

  private async stamp(users: [string, string][]): Promise<void> {
    if (!users.length) return;
    const now = this.ctx.now().toISOString();
    try {
      await this.ctx.db
        .insertInto('agent_presence')
        .values(users.map(([user_id, organization_id]) => ({ user_id, organization_id, last_seen_at: now })))
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ last_seen_at: now }))
        .execute();
    } catch (err) {
      // The database is away: the next heartbeat stamps again (and the sweep cannot run either).
      this.log.warn({ err }, 'presence stamp failed');
    }
  }

  /** Sets Offline every agent not heard from for the timeout (none with a stream on this instance). */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const cutoff = new Date(this.ctx.now().getTime() - this.ctx.config.PRESENCE_TIMEOUT_MS).toISOString();
      const gone = await this.ctx.db
        .selectFrom('agent_presence')
        .innerJoin('agent_states', 'agent_states.user_id', 'agent_presence.user_id')
        .select(['agent_presence.user_id', 'agent_presence.last_seen_at', 'agent_states.organization_id'])
        .where('agent_presence.last_seen_at', '<', cutoff)
        .where('agent_states.state', '!=', 'offline')
        .execute();
      for (const g of gone) {
        if (this.open.has(g.user_id)) continue; // stamped at the next heartbeat
        await this.markOffline(g.organization_id, g.user_id, g.last_seen_at, cutoff);
      }
    } catch (err) {
      this.log.warn({ err }, 'presence sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private async markOffline(organizationId: string, userId: string, lastSeen: string, cutoff: string): Promise<void> {
    await mutate(this.ctx, systemActor(organizationId), async (m) => {
      // Checked again inside the transaction: another instance may have been first, or the
      // desktop may be back.
      const seen = await m.trx.selectFrom('agent_presence').select('last_seen_at').where('user_id', '=', userId).executeTakeFirst();
      const before = await m.trx.selectFrom('agent_states').selectAll().where('id', '=', userId).executeTakeFirst();
      if (!seen || seen.last_seen_at >= cutoff || !before || before.state === 'offline') return;
      const at = lastSeen > before.since ? lastSeen : before.since;
      // Where to go back to when the desktop returns: the state before the call if it was on one.
      const previous = busy(before.state) ? before.previous_state : before.state;
      const after: AgentStatesTable = {
        ...before,
        state: 'offline' satisfies AgentStateName,
        reason: null,
        since: at,
        previous_state: previous ?? 'available',
        previous_reason: busy(before.state) ? before.previous_reason : before.reason,
        call_id: null,
        version: before.version + 1,
        updated_at: m.now,
      };
      const { numUpdatedRows } = await m.trx
        .updateTable('agent_states')
        .set({ state: after.state, reason: null, since: at, previous_state: after.previous_state, previous_reason: after.previous_reason, call_id: null, version: after.version, updated_at: m.now })
        .where('id', '=', userId)
        .where('version', '=', before.version)
        .executeTakeFirst();
      if (Number(numUpdatedRows) !== 1) return;
      await m.trx
        .insertInto('agent_state_events')
        .values({ id: uuidv7(), organization_id: organizationId, user_id: userId, state: 'offline', reason: null, at, call_id: null, recorded_at: m.now })
        .execute();
      await m.record({ entity: 'agent_state', entityId: userId, action: 'update', before, after, sync: true });
    });
  }
}
