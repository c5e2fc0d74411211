/**
 * Small rules the mutators share: who sees a record, timestamps as stored, phone numbers with
 * the organization's country, and "only what changed".
 */
import { toCallNumber, toE164 } from '../domain/phone';
import { metadataLimitProblem } from '../schemas/common';
import { invalid } from './rule-error';
import { isSupervisorRole, type RecordOf, type RuleActor, type RuleEntity } from './tx';

/**
 * Whether the actor sees this record: supervisors and admins the whole organization; an agent the
 * calls they handle and the tasks assigned to them or created by them; an API key (no user) only
 * what nobody owns. Patients, users and shifts (the published rota) are visible to everyone in the
 * organization.
 */
export function canSee<E extends RuleEntity>(actor: RuleActor, entity: E, record: RecordOf[E]): boolean {
  // Schedules are seed 003's camelCase records.
  const org = entity === 'schedule' ? (record as RecordOf['schedule']).organizationId : (record as { organization_id: string }).organization_id;
  if (org !== actor.organizationId) return false;
  if (isSupervisorRole(actor.role)) return true;
  if (entity === 'call') return (record as RecordOf['call']).agent_id === actor.userId;
  if (entity === 'task') {
    const t = record as RecordOf['task'];
    return actor.userId ? t.assignee_id === actor.userId || t.created_by === actor.userId : t.assignee_id === null && t.created_by === null;
  }
  return true;
}

/**
 * Timestamps are compared and sorted as text, so every stored one is UTC in `toISOString()` form,
 * whatever offset the client sent.
 */
export function toUtc(field: string, value: string): string {
  const ms = Date.parse(value);
  const iso = Number.isNaN(ms) ? '' : new Date(ms).toISOString();
  // An offset can push 9999-12-31 into year 10000, which ISO-8601 text cannot sort or carry.
  if (!/^\d{4}-/.test(iso)) throw invalid({ [field]: 'not a valid date-time' });
  return iso;
}

/** E.164 with the organization's default country, or 422 naming the field. */
export function e164(field: string, text: string, country: string): string {
  const phone = toE164(text, country);
  if (!phone) throw invalid({ [field]: 'not a valid phone number' });
  return phone;
}

/** A call's number: E.164, or the withheld marker (`anonymous`) kept as is; else 422 naming the field. */
export function callNumber(field: string, text: string, country: string): string {
  const phone = toCallNumber(text, country);
  if (!phone) throw invalid({ [field]: 'not a valid phone number' });
  return phone;
}

export function durationSeconds(startedAt: string, endedAt: string | null): number | null {
  if (!endedAt) return null;
  return Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000));
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/** Whether a new record differs from the current one in anything but its bookkeeping. */
export function differs(current: object, next: object): boolean {
  const c = current as Record<string, unknown>;
  for (const [k, v] of Object.entries(next)) {
    if (k === 'updated_at' || k === 'version') continue;
    if (!same(v, c[k])) return true;
  }
  return false;
}

/** Drops the fields whose value equals the current one: update mutations carry only changes. */
export function changedFields<T extends Record<string, unknown>>(patch: T, current: object): Partial<T> {
  const c = current as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v !== undefined && !same(v, c[k])) out[k] = v;
  }
  return out as Partial<T>;
}

/**
 * Seed 003 PATCHes free-form objects as partial objects, merged over what is stored; the
 * stored-size limits hold for the merged result, not only for each PATCH alone.
 */
export function mergeFreeForm(field: string, current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...current, ...patch };
  const problem = metadataLimitProblem(merged);
  if (problem) throw invalid({ [field]: `once merged with the stored value: ${problem}` });
  return merged;
}
