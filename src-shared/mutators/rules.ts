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
  return Math.max(0, Math.round((isoMillis(endedAt) - isoMillis(startedAt)) / 1000));
}

/**
 * `Date.parse`, read directly from the digits when the text is a stored timestamp's form
 * (`toISOString()`: YYYY-MM-DDTHH:MM:SS.sssZ, every field in range), Date.parse otherwise.
 * Every calls page computes 50 durations from 100 timestamps, and V8's general parser took
 * about four times as long as this (docs/BENCHMARKS.md, "The request path").
 */
export function isoMillis(text: string): number {
  if (text.length !== 24 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':' || text[19] !== '.' || text[23] !== 'Z') {
    return Date.parse(text);
  }
  const year = digitsAt(text, 0, 4), month = digitsAt(text, 5, 7), day = digitsAt(text, 8, 10);
  const hour = digitsAt(text, 11, 13), minute = digitsAt(text, 14, 16), second = digitsAt(text, 17, 19), ms = digitsAt(text, 20, 23);
  // Date.UTC reads years 0-99 as 1900-1999; an out-of-range field is Date.parse's to judge (NaN,
  // or 24:00:00.000 as the next midnight); a day past the month's end rolls over in both.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return Date.parse(text);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/**
 * The decimal number in text[from, to), or -1 if a character there is not a digit. A function
 * of its own, not a closure in isoMillis: tsx (esbuild's keepNames) names every closure when it
 * is created, which on this path cost as much as the parsing.
 */
function digitsAt(text: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
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
