/**
 * Recordings (seed 003): once settled, a recording is a record of what was captured. Its audio
 * (`url`) and length (`duration`) are what a compliance check or a dispute relies on, so they
 * no longer change; re-processing means registering a new recording.
 */
import type { RecordingStatus } from './enums';

/** A stored or failed recording is settled: its status no longer moves. */
export const RECORDING_FINAL_STATUSES: readonly RecordingStatus[] = ['completed', 'failed'];

/** What a settled recording keeps for good. */
export const RECORDING_FROZEN_FIELDS = ['url', 'duration'] as const;
type Frozen = (typeof RECORDING_FROZEN_FIELDS)[number];

/**
 * The frozen fields a patch would change on a recording in `status`, each with why it may not
 * (empty when the patch is allowed). Sending a field's current value is not a change.
 */
export function frozenRecordingChanges(
  current: { status: RecordingStatus } & Record<Frozen, unknown>,
  patch: Partial<Record<Frozen, unknown>>,
): Record<string, string> {
  if (!RECORDING_FINAL_STATUSES.includes(current.status)) return {};
  const refused: Record<string, string> = {};
  for (const field of RECORDING_FROZEN_FIELDS) {
    if (patch[field] !== undefined && patch[field] !== current[field]) refused[field] = `a ${current.status} recording keeps its ${field}`;
  }
  return refused;
}
