/**
 * Calls: one store behind both facades (seed 000's v1 API and seed 003's OnCall API) and the
 * sync push. Permissions: agents see and change their own calls; supervisors and admins the
 * whole organization's. API keys act with their role; an agent-role key owns no calls but
 * those logged without an agent (integrations).
 */
import { sql, type SelectQueryBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { CallStatus } from '../../src-shared/domain/call-status';
import { durationSeconds } from '../../src-shared/mutators/rules';
import type { CallCreate, CallRead, CallUpdate } from '../../src-shared/schemas/calls';
import type { OnCallCall } from '../../src-shared/schemas/oncall';
import type { Database, CallRow } from '../db/schema';
import { notFound } from '../http/api-error';
import { isSupervisor, type Actor } from './actor';
import { parseJsonObject } from './json';
import { runRule } from './rulebook';
import type { ServerContext } from './server-context';

type CallWithNames = CallRow & { patient_name: string | null; agent_name: string | null };

export function toCallRead(row: CallWithNames): CallRead {
  return {
    id: row.id,
    organization_id: row.organization_id,
    patient_id: row.patient_id,
    patient_name: row.patient_name,
    agent_id: row.agent_id,
    agent_name: row.agent_name,
    direction: row.direction as CallRead['direction'],
    phone_number: row.phone_number,
    status: row.status as CallStatus,
    priority: row.priority as CallRead['priority'],
    region: row.region as CallRead['region'],
    notes: row.notes,
    outcome: row.outcome,
    metadata: parseJsonObject(row.metadata),
    started_at: row.started_at,
    ended_at: row.ended_at,
    duration_seconds: durationSeconds(row.started_at, row.ended_at),
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: row.version,
  };
}

/** Seed 003's camelCase view of the same record. */
export function toOnCallCall(call: CallRead): OnCallCall {
  return {
    id: call.id,
    phoneNumber: call.phone_number,
    region: call.region,
    priority: call.priority,
    status: call.status,
    direction: call.direction,
    patientId: call.patient_id,
    agentId: call.agent_id,
    notes: call.notes,
    outcome: call.outcome,
    startTime: call.started_at,
    endTime: call.ended_at,
    metadata: call.metadata,
    organizationId: call.organization_id,
    createdAt: call.created_at,
    updatedAt: call.updated_at,
  };
}

function selectCalls(db: ServerContext['db']) {
  return db
    .selectFrom('calls')
    // ids are per organization: the patient is the one of the call's organization
    .leftJoin('patients', (join) => join.onRef('patients.id', '=', 'calls.patient_id').onRef('patients.organization_id', '=', 'calls.organization_id'))
    .leftJoin('users', 'users.id', 'calls.agent_id')
    .selectAll('calls')
    .select((eb) => [
      eb.fn<string | null>('trim', [sql`coalesce(${eb.ref('patients.first_name')}, '') || ' ' || coalesce(${eb.ref('patients.last_name')}, '')`]).as('patient_name'),
      'users.name as agent_name',
    ]);
}

/** Restricts a calls query to what the actor may see. */
function visibleTo<O>(qb: SelectQueryBuilder<Database, 'calls' | 'patients' | 'users', O>, actor: Actor) {
  qb = qb.where('calls.organization_id', '=', actor.organizationId);
  if (isSupervisor(actor)) return qb;
  return actor.userId ? qb.where('calls.agent_id', '=', actor.userId) : qb.where('calls.agent_id', 'is', null);
}

function withNames(row: CallRow & { patient_name: string | null; agent_name: string | null }): CallWithNames {
  return { ...row, patient_name: row.patient_id ? row.patient_name || null : null };
}

export async function getCall(ctx: ServerContext, actor: Actor, id: string): Promise<CallRead> {
  const row = await visibleTo(selectCalls(ctx.db), actor).where('calls.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('call');
  return toCallRead(withNames(row));
}

export interface CallCreateInput extends CallCreate {
  /** client-generated id (sync push); the server makes one otherwise */
  id?: string;
  /** when the call really started (offline logging); defaults to now */
  started_at?: string;
}

/** `call.create` of the rulebook (src-shared/mutators/calls.ts), then read back as the caller sees it. */
export async function createCall(ctx: ServerContext, actor: Actor, input: CallCreateInput): Promise<CallRead> {
  const id = input.id ?? uuidv7();
  await runRule(ctx, actor, 'call.create', { ...input, id });
  return getCall(ctx, actor, id);
}

export interface CallUpdateInput extends Partial<CallUpdate> {
  region?: string | null;
  /** when the status change really happened (offline logging, SIP events); defaults to now */
  at?: string;
}

/** `call.update` of the rulebook. */
export async function updateCall(ctx: ServerContext, actor: Actor, id: string, patch: CallUpdateInput): Promise<CallRead> {
  await runRule(ctx, actor, 'call.update', { ...patch, id });
  return getCall(ctx, actor, id);
}
