/**
 * The calls list orders by (started_at, id) newest first (src-server/domain/calls.ts). The
 * indexes for its filters ended at started_at, so a page filtered by agent, status or patient
 * could not be read in that order from them: the planner walked the organization's day in
 * `calls_org_started` instead and discarded the rows of other agents (an agent's page of 50 read
 * about 500 rows; docs/BENCHMARKS.md, issue 12). With the id as their last column each filter's
 * index yields the page in order, exactly its rows. The new indexes begin with the old ones'
 * columns, so every query the old ones served (an older release's too, during a rolling
 * upgrade) is served as well, and the old ones go: each index is one more write per call.
 */
import type { Kysely } from 'kysely';

const REPLACED = [
  ['calls_org_status_started', 'calls_org_status_started_id', 'status'],
  ['calls_org_agent_started', 'calls_org_agent_started_id', 'agent_id'],
  ['calls_org_patient_started', 'calls_org_patient_started_id', 'patient_id'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [old, next, column] of REPLACED) {
    await db.schema.createIndex(next).on('calls').columns(['organization_id', column, 'started_at', 'id']).execute();
    await db.schema.dropIndex(old).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [old, next, column] of REPLACED) {
    await db.schema.createIndex(old).on('calls').columns(['organization_id', column, 'started_at']).execute();
    await db.schema.dropIndex(next).execute();
  }
}
