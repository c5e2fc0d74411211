/**
 * Call recordings (seed 003). The softphone uploads the audio and registers it here, so any role
 * may create one for a call it can see; a recording is visible exactly when its call is (agents:
 * their own calls; supervisors and admins: the organization's).
 */
import type { ExpressionBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { RecordingStatus } from '../../src-shared/domain/enums';
import { frozenRecordingChanges, RECORDING_FINAL_STATUSES } from '../../src-shared/domain/recording-rules';
import { pageRequestOf, type Page } from '../../src-shared/schemas/common';
import type { Recording, RecordingCreate, RecordingListQuery, RecordingUpdate } from '../../src-shared/schemas/oncall';
import type { Database, RecordingRow } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import { isSupervisor, type Actor } from './actor';
import { getCall } from './calls';
import { mergeJsonObject, parseJsonObject } from './json';
import { mutate, type WebhookEmit } from './mutation';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';


export function toRecording(row: RecordingRow): Recording {
  return {
    id: row.id,
    callId: row.call_id,
    url: row.url,
    duration: row.duration,
    status: row.status as RecordingStatus,
    metadata: parseJsonObject(row.metadata),
    organizationId: row.organization_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `recording.created` on create, `recording.completed` whenever the status turns completed. */
function events(before: RecordingRow | null, after: RecordingRow): WebhookEmit[] {
  const emit = (event: WebhookEmit['event']): WebhookEmit => ({ event, type: 'recording', id: after.id, attributes: toRecording(after) });
  const out: WebhookEmit[] = before ? [] : [emit('recording.created')];
  if (after.status === 'completed' && before?.status !== 'completed') out.push(emit('recording.completed'));
  return out;
}

type Tables = 'recordings' | 'calls';

function selectVisible(ctx: ServerContext, actor: Actor) {
  return ctx.db
    .selectFrom('recordings')
    .innerJoin('calls', (join) =>
      join.onRef('calls.id', '=', 'recordings.call_id').onRef('calls.organization_id', '=', 'recordings.organization_id'),
    )
    .where((eb) => visibleTo(eb, actor));
}

function visibleTo(eb: ExpressionBuilder<Database, Tables>, actor: Actor) {
  const c = [eb('recordings.organization_id', '=', actor.organizationId)];
  if (!isSupervisor(actor)) {
    // Same rule as calls: an agent-role API key owns only calls logged without an agent.
    c.push(actor.userId ? eb('calls.agent_id', '=', actor.userId) : eb('calls.agent_id', 'is', null));
  }
  return eb.and(c);
}

export async function getRecording(ctx: ServerContext, actor: Actor, id: string): Promise<Recording> {
  const row = await selectVisible(ctx, actor).selectAll('recordings').where('recordings.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('recording');
  return toRecording(row);
}

export async function listRecordings(ctx: ServerContext, actor: Actor, query: RecordingListQuery): Promise<Page<Recording>> {
  const filtered = () => {
    let qb = selectVisible(ctx, actor);
    if (query.callId) qb = qb.where('recordings.call_id', '=', query.callId);
    if (query.status) qb = qb.where('recordings.status', '=', query.status);
    if (query.minDuration !== undefined) qb = qb.where('recordings.duration', '>=', query.minDuration);
    if (query.maxDuration !== undefined) qb = qb.where('recordings.duration', '<=', query.maxDuration);
    return qb;
  };
  return fetchPage({
    list: 'recordings',
    rows: filtered().selectAll('recordings'),
    count: () => filtered().select((eb) => eb.fn.countAll<number>().as('total')),
    keys: [
      { by: 'recordings.created_at', dir: 'desc', of: (r) => r.created_at },
      { by: 'recordings.id', dir: 'desc', of: (r) => r.id },
    ],
    query: pageRequestOf(query),
    map: toRecording,
  });
}

export async function createRecording(ctx: ServerContext, actor: Actor, input: RecordingCreate): Promise<Recording> {
  try {
    await getCall(ctx, actor, input.callId);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'NOT_FOUND') {
      throw new ApiError('VALIDATION_FAILED', 'validation failed', { callId: 'no such call' });
    }
    throw err;
  }

  return mutate(ctx, actor, async (m) => {
    const row: RecordingRow = {
      id: uuidv7(),
      organization_id: actor.organizationId,
      call_id: input.callId,
      url: input.url,
      duration: input.duration,
      status: input.status,
      metadata: JSON.stringify(input.metadata),
      created_at: m.now,
      updated_at: m.now,
      version: 1,
    };
    await m.trx.insertInto('recordings').values(row).execute();
    await m.record({ entity: 'recording', entityId: row.id, action: 'create', after: row, sync: false, webhooks: events(null, row) });
    return toRecording(row);
  });
}

export async function updateRecording(ctx: ServerContext, actor: Actor, id: string, patch: RecordingUpdate): Promise<Recording> {
  await getRecording(ctx, actor, id); // 404 unless its call is visible

  return mutate(ctx, actor, async (m) => {
    const before = await m.trx.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const from = before.status as RecordingStatus;
    if (patch.status && patch.status !== from && RECORDING_FINAL_STATUSES.includes(from)) {
      throw new ApiError('INVALID_STATUS_TRANSITION', `a recording cannot go from ${from} to ${patch.status}`, {
        status: `${from} is a final status`,
      });
    }
    const frozen = frozenRecordingChanges({ status: from, url: before.url, duration: before.duration }, patch);
    if (Object.keys(frozen).length) throw new ApiError('VALIDATION_FAILED', 'validation failed', frozen);
    const set: Partial<RecordingRow> = {};
    if (patch.url !== undefined) set.url = patch.url;
    if (patch.duration !== undefined) set.duration = patch.duration;
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.metadata !== undefined) set.metadata = mergeJsonObject(before.metadata, patch.metadata, 'metadata');

    const changed = Object.fromEntries(Object.entries(set).filter(([k, v]) => before[k as keyof RecordingRow] !== v));
    if (Object.keys(changed).length === 0) return toRecording(before);

    const after: RecordingRow = { ...before, ...changed, updated_at: m.now, version: before.version + 1 };
    await m.trx
      .updateTable('recordings')
      .set({ ...changed, updated_at: after.updated_at, version: after.version })
      .where('id', '=', id)
      .execute();
    await m.record({ entity: 'recording', entityId: id, action: 'update', before, after, sync: false, webhooks: events(before, after) });
    return toRecording(after);
  });
}
