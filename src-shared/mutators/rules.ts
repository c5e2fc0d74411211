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
  return durationBetween(isoMillis(startedAt), isoMillis(endedAt));
}

/** A call's duration in whole seconds, never negative, from its start and end as epoch ms. */
export function durationBetween(startedMs: number, endedMs: number): number {
  return Math.max(0, Math.round((endedMs - startedMs) / 1000));
}

/** a stored timestamp's length: `toISOString()`, YYYY-MM-DDTHH:MM:SS.sssZ */
export const TIMESTAMP_LENGTH = 24;

/**
 * `Date.parse`, read directly from the digits when the text is a stored timestamp's form
 * (`toISOString()`, every field in range), Date.parse otherwise. Every calls page computes 50
 * durations from 100 timestamps, and V8's general parser took about twice as long as this
 * (docs/BENCHMARKS.md, "The request path").
 */
export function isoMillis(text: string): number {
  return text.length === TIMESTAMP_LENGTH ? isoMillisAt(text, 0) : Date.parse(text);
}

/**
 * isoMillis of the 24 characters of `text` from `from` (Date.parse of that slice), read in
 * place: the calls list finds its timestamps inside a call's JSON text.
 */
export function isoMillisAt(text: string, from: number): number {
  const ms = storedMillisAt(text, from);
  return Number.isNaN(ms) ? Date.parse(text.slice(from, from + TIMESTAMP_LENGTH)) : ms;
}

/**
 * The epoch ms of the stored timestamp at text[from] (`toISOString()` form, every field in
 * range: then equal to Date.parse of it), or NaN if the text there is not one. Such a text holds
 * only digits and `-T:.Z`, which the calls list relies on when it reads one inside JSON.
 */
export function storedMillisAt(text: string, from: number): number {
  if (
    text.charCodeAt(from + 4) !== 45 || text.charCodeAt(from + 7) !== 45 || text.charCodeAt(from + 10) !== 84 || text.charCodeAt(from + 13) !== 58 ||
    text.charCodeAt(from + 16) !== 58 || text.charCodeAt(from + 19) !== 46 || text.charCodeAt(from + 23) !== 90 || from < 0 || from + TIMESTAMP_LENGTH > text.length
  ) {
    return NaN;
  }
  const year = digitsAt(text, from, 4), month = digitsAt(text, from + 5, 2), day = digitsAt(text, from + 8, 2);
  const hour = digitsAt(text, from + 11, 2), minute = digitsAt(text, from + 14, 2), second = digitsAt(text, from + 17, 2), ms = digitsAt(text, from + 20, 3);
  // An out-of-range field is Date.parse's to judge (NaN, or 24:00:00.000 as the next midnight); a
  // day past the month's end rolls over in both. Years before 100 are left to it as well.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return NaN;
  }
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, as Date.UTC counts them (H. Hinnant's
 * days_from_civil; a day past the month's end rolls over the same way). Arithmetic only:
 * Date.UTC cost four times as much.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/**
 * The decimal number of `count` digits at text[from], or -1 if a character there is not a
 * digit. A function of its own, not a closure in storedMillisAt: tsx (esbuild's keepNames) names
 * every closure when it is created, which on this path cost as much as the parsing.
 */
function digitsAt(text: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
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
