/** JSON columns (free-form objects) as stored text. */
import { metadataLimitProblem } from '../../src-shared/schemas/common';
import { ApiError } from '../http/api-error';

/** JSON columns are text; a corrupt value must not take a whole list down. */
export function parseJsonObject(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Seed 003 PATCHes free-form objects as partial objects: the patch is merged over what is
 * stored. The schema already limits the patch alone; the limits hold for the merged result too,
 * or seven PATCHes each under the limit could still grow one record without bound.
 */
export function mergeJsonObject(stored: string | null | undefined, patch: Record<string, unknown>, field: string): string {
  const merged = { ...parseJsonObject(stored), ...patch };
  const problem = metadataLimitProblem(merged);
  if (problem) throw new ApiError('VALIDATION_FAILED', 'validation failed', { [field]: `once merged with the stored value: ${problem}` });
  return JSON.stringify(merged);
}
