/**
 * Agent states (docs/agent-states.md): each agent's current state (one row, mirrored by the
 * desktops as the `agent_state` sync entity), the full history of changes with the time each
 * really happened, and each organization's not-ready reasons and after-call-work limit.
 */
import type { Kysely } from 'kysely';

type Db = Kysely<unknown>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('agent_states')
    // one row per agent: the id is the agent's user id
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('previous_state', 'text')
    .addColumn('previous_reason', 'text')
    .addColumn('call_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agent_states_org').on('agent_states').columns(['organization_id']).execute();

  await db.schema
    .createTable('agent_state_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agent_state_events_org_at').on('agent_state_events').columns(['organization_id', 'at']).execute();
  await db.schema.createIndex('agent_state_events_user_at').on('agent_state_events').columns(['user_id', 'at']).execute();

  await db.schema
    .createTable('agent_state_settings')
    .addColumn('organization_id', 'text', (c) => c.primaryKey())
    .addColumn('not_ready_reasons', 'text', (c) => c.notNull())
    .addColumn('acw_limit_seconds', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('agent_state_settings').execute();
  await db.schema.dropTable('agent_state_events').execute();
  await db.schema.dropTable('agent_states').execute();
}
