/**
 * How the change log looks to one viewer, for the pull (sync/pull.ts) and for pokes that carry
 * the changes (sync/poke-rows.ts): both must bring exactly the same rows, shaped the same way,
 * or a desktop that applied a poke would hold something a pull would not have given it.
 */
import type { ExpressionBuilder } from 'kysely';
import type { Change, SyncEntity } from '../../src-shared/schemas/sync';
import type { Database } from '../db/schema';
import type { SyncRecord } from './records';
import { maySee, ORG_WIDE_ENTITIES, type Viewer } from './visibility';

export interface LogRow {
  seq: number;
  entity: SyncEntity;
  entity_id: string;
  op: string;
}

/** The change-log rows an agent's pull brings: organization-wide entities, or records the agent is (or was) in the audience of. */
export const seenByAgent = (userId: string) => (eb: ExpressionBuilder<Database, 'changes'>) =>
  eb.or([
    eb('entity', 'in', ORG_WIDE_ENTITIES),
    eb.exists(
      eb
        .selectFrom('sync_audience')
        .select('sync_audience.user_id')
        .whereRef('sync_audience.entity', '=', 'changes.entity')
        .whereRef('sync_audience.entity_id', '=', 'changes.entity_id')
        .where('sync_audience.user_id', '=', userId),
    ),
  ]);

/** A change of the log as `viewer` gets it: the record's current state, or a delete. */
export function changeFor(viewer: Viewer, row: LogRow, record: SyncRecord | undefined): Change {
  if (row.op !== 'delete' && record && maySee(viewer, row.entity, record.row)) {
    return { entity: row.entity, id: row.entity_id, op: 'upsert', data: record.data, seq: row.seq } as Change;
  }
  return { entity: row.entity, id: row.entity_id, op: 'delete', data: null, seq: row.seq };
}
