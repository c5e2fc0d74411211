/**
 * Agent states (docs/agent-states.md). An agent changes only their own state, through the sync
 * push (`agent_state.set`, the rulebook's body in src-shared/mutators/agent-states.ts).
 * Every change joins the history with the time it really happened; the current state moves only
 * for a change newer than it, so a change made offline and synced late keeps its place.
 * Supervisors and admins read everyone's; agents read their own.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import {
  type AgentStateName,
  AgentStateSettings,
  DEFAULT_AGENT_STATE_SETTINGS,
} from '../../src-shared/domain/agent-state';
import type { AgentStateEvent, AgentStateEventQuery, AgentStateRead, AgentStateSet } from '../../src-shared/schemas/agent-states';
import type { Page } from '../../src-shared/schemas/common';
import type { AgentStatesTable, Database } from '../db/schema';
import { forbidden } from '../http/api-error';
import { isSupervisor, requireRole, requireUser, type Actor } from './actor';
import { mutate, type Mutation } from './mutation';
import { fetchPage } from './paging';
import type { ServerContext } from './server-context';

type AgentStateRow = AgentStatesTable;

export function toAgentStateRead(row: AgentStateRow): AgentStateRead {
  return {
    id: row.id,
    organization_id: row.organization_id,
    user_id: row.user_id,
    state: row.state as AgentStateName,
    reason: row.reason,
    since: row.since,
    previous_state: row.previous_state as AgentStateName | null,
    previous_reason: row.previous_reason,
    call_id: row.call_id,
    version: row.version,
    updated_at: row.updated_at,
  };
}

export async function agentStateSettingsIn(db: Kysely<Database>, organizationId: string): Promise<AgentStateSettings> {
  const row = await db.selectFrom('agent_state_settings').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
  if (!row) return DEFAULT_AGENT_STATE_SETTINGS;
  return { not_ready_reasons: JSON.parse(row.not_ready_reasons) as string[], acw_limit_seconds: row.acw_limit_seconds };
}

export async function getAgentStateSettings(ctx: ServerContext, actor: Actor): Promise<AgentStateSettings> {
  return agentStateSettingsIn(ctx.db, actor.organizationId);
}

export async function putAgentStateSettings(ctx: ServerContext, actor: Actor, input: AgentStateSettings): Promise<AgentStateSettings> {
  requireRole(actor, 'admin');
  const settings = AgentStateSettings.parse(input);
  return mutate(ctx, actor, async (m) => {
    const before = await m.trx.selectFrom('agent_state_settings').selectAll().where('organization_id', '=', actor.organizationId).executeTakeFirst();
    const row = {
      organization_id: actor.organizationId,
      not_ready_reasons: JSON.stringify([...new Set(settings.not_ready_reasons)]),
      acw_limit_seconds: settings.acw_limit_seconds,
      updated_at: m.now,
    };
    await m.trx
      .insertInto('agent_state_settings')
      .values(row)
      .onConflict((oc) => oc.column('organization_id').doUpdateSet({ not_ready_reasons: row.not_ready_reasons, acw_limit_seconds: row.acw_limit_seconds, updated_at: m.now }))
      .execute();
    await m.record({ entity: 'agent_state_settings', entityId: actor.organizationId, action: before ? 'update' : 'create', before: before ?? null, after: row });
    return { not_ready_reasons: JSON.parse(row.not_ready_reasons) as string[], acw_limit_seconds: row.acw_limit_seconds };
  });
}

/**
 * The history half of `agent_state.set` (the rulebook's body wrote the current state, when newer):
 * every accepted change is kept with the time it happened and the time it arrived.
 */
export async function recordAgentStateEvent(m: Mutation, args: AgentStateSet): Promise<void> {
  await m.trx
    .insertInto('agent_state_events')
    .values({
      id: uuidv7(),
      organization_id: m.actor.organizationId,
      user_id: args.id,
      state: args.state,
      reason: args.state === 'not_ready' ? (args.reason ?? null) : null,
      at: new Date(args.at).toISOString(),
      call_id: args.call_id ?? null,
      recorded_at: m.now,
    })
    .execute();
}

const visibleTo = (actor: Actor) => (eb: ExpressionBuilder<Database, 'agent_states' | 'agent_state_events'>) => {
  const c = [eb('organization_id', '=', actor.organizationId)];
  if (!isSupervisor(actor)) c.push(eb('user_id', '=', requireUser(actor)));
  return eb.and(c);
};

/** Everyone's current state (supervisors, admins) or the agent's own. */
export async function listAgentStates(ctx: ServerContext, actor: Actor): Promise<AgentStateRead[]> {
  const rows = await ctx.db.selectFrom('agent_states').selectAll().where(visibleTo(actor)).orderBy('user_id').execute();
  return rows.map(toAgentStateRead);
}

/** The history, oldest first; `from`/`to` bound the time the changes happened. */
export async function listAgentStateEvents(ctx: ServerContext, actor: Actor, query: AgentStateEventQuery): Promise<Page<AgentStateEvent>> {
  if (query.agent_id && !isSupervisor(actor) && query.agent_id !== actor.userId) throw forbidden('agents see only their own history');
  const conditions = (eb: ExpressionBuilder<Database, 'agent_state_events'>) => {
    const c = [visibleTo(actor)(eb)];
    if (query.agent_id) c.push(eb('user_id', '=', query.agent_id));
    if (query.from) c.push(eb('at', '>=', new Date(query.from).toISOString()));
    if (query.to) c.push(eb('at', '<', new Date(query.to).toISOString()));
    return eb.and(c);
  };
  return fetchPage({
    list: 'agent_state_events',
    rows: ctx.db.selectFrom('agent_state_events').selectAll().where(conditions),
    count: () => ctx.db.selectFrom('agent_state_events').select((eb) => eb.fn.countAll<number>().as('total')).where(conditions),
    keys: [
      { by: 'at', of: (r) => r.at },
      { by: 'id', of: (r) => r.id },
    ],
    query,
    map: (row) => ({ ...row, state: row.state as AgentStateName }),
  });
}
