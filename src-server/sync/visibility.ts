/**
 * Who may see which synced record: the same rules as the REST services (calls.ts, tasks.ts,
 * schedules.ts), in one place for the change log, the pull and the pokes. Supervisors and admins
 * see the whole organization; an agent sees the records they own, plus every patient, user and
 * shift (the rota is published to the whole team: "On call now" is who to call, docs/ui.md).
 */
import type { Role } from '../../src-shared/domain/enums';
import { SYNC_ENTITIES, type SyncEntity } from '../../src-shared/schemas/sync';

export interface Viewer {
  userId: string;
  role: Role;
}

/** Entities every member of the organization sees: they need no audience rows. */
export const ORG_WIDE_ENTITIES: readonly SyncEntity[] = ['patient', 'user', 'schedule'];

export const isSyncEntity = (entity: string): entity is SyncEntity => (SYNC_ENTITIES as readonly string[]).includes(entity);

export const seesAll = (viewer: Viewer) => viewer.role === 'supervisor' || viewer.role === 'admin';

/** The snake_case columns naming a record's owners, i.e. the agents who see it. */
const OWNER_COLUMNS: Record<SyncEntity, readonly string[]> = {
  call: ['agent_id'],
  task: ['assignee_id', 'created_by'],
  schedule: [],
  agent_state: ['user_id'],
  patient: [],
  user: [],
};

/**
 * The users (besides supervisors) who see this row: null means everyone in the organization.
 * `row` is the table row (or any object with the same owner columns).
 */
export function ownersOf(entity: string, row: object | null | undefined): string[] | null {
  if (!isSyncEntity(entity)) return [];
  if (ORG_WIDE_ENTITIES.includes(entity)) return null;
  const r = (row ?? {}) as Record<string, unknown>;
  return OWNER_COLUMNS[entity].map((c) => r[c]).filter((v): v is string => typeof v === 'string');
}

/** Whether the viewer sees this row as it is now (`row` null: it no longer exists). */
export function maySee(viewer: Viewer, entity: string, row: object | null | undefined): boolean {
  if (!row || !isSyncEntity(entity)) return false;
  if (seesAll(viewer)) return true;
  const owners = ownersOf(entity, row);
  return owners === null || owners.includes(viewer.userId);
}

/** Whether a change with this audience (null: everyone) concerns the viewer. */
export function concerns(viewer: Viewer, audience: readonly string[] | null | undefined): boolean {
  return seesAll(viewer) || audience == null || audience.includes(viewer.userId);
}
