/**
 * Patients (the callers). Every role of the organization may look them up, create and edit
 * them: an agent on a call has to be able to register a new caller. Phone numbers are stored
 * in E.164 so a caller id matches whatever format the number was typed in.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { PHONE_TEXT, toE164 } from '../../src-shared/domain/phone';
import type { Page } from '../../src-shared/schemas/common';
import type { PatientCreate, PatientListQuery, PatientRead, PatientUpdate } from '../../src-shared/schemas/patients';
import type { Database, PatientRow } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import type { Actor } from './actor';
import { defaultCountry } from './organizations';
import { runRule } from './rulebook';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';

export function toPatientRead(row: PatientRow): PatientRead {
  return {
    id: row.id,
    organization_id: row.organization_id,
    first_name: row.first_name,
    last_name: row.last_name,
    full_name: `${row.first_name} ${row.last_name}`,
    phone_number: row.phone_number,
    alt_phone_number: row.alt_phone_number,
    email: row.email,
    date_of_birth: row.date_of_birth,
    mrn: row.mrn,
    notes: row.notes,
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: row.version,
  };
}

/** Lower-cased in JS, not SQL: SQLite's lower() leaves non-ASCII letters (Ó, Ł) alone. */
export const searchNameOf = (first: string, last: string) => `${first} ${last}`.toLowerCase();

export async function getPatient(ctx: ServerContext, actor: Actor, id: string): Promise<PatientRead> {
  const row = await ctx.db
    .selectFrom('patients')
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', '=', actor.organizationId)
    .executeTakeFirst();
  if (!row) throw notFound('patient');
  return toPatientRead(row);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Text that reads as a phone number (digits and punctuation only) rather than a name. */
const looksLikePhone = (q: string) => PHONE_TEXT.test(q) && /\d/.test(q);

type PatientCondition = (eb: ExpressionBuilder<Database, 'patients'>) => Expression<SqlBool>;

function matchesPhone(eb: ExpressionBuilder<Database, 'patients'>, e164: string) {
  return eb.or([eb('phone_number', '=', e164), eb('alt_phone_number', '=', e164)]);
}

export async function listPatients(ctx: ServerContext, actor: Actor, query: PatientListQuery): Promise<Page<PatientRead>> {
  const empty: Page<PatientRead> = {
    items: [],
    page: query.page,
    limit: query.limit,
    ...(query.include_total ? { total: 0 } : {}),
    next_cursor: null,
  };
  const country = await defaultCountry(ctx.db, actor.organizationId);

  let phone: string | null = null;
  if (query.phone) {
    phone = toE164(query.phone, country);
    if (!phone) throw new ApiError('BAD_REQUEST', 'invalid query parameters', { phone: 'not a valid phone number' });
  }
  let qPhone: string | null = null;
  let namePrefix: string | null = null;
  if (query.q !== undefined) {
    if (looksLikePhone(query.q)) {
      qPhone = toE164(query.q, country);
      // A fragment such as "0770" is no number and no name: nothing can match it.
      if (!qPhone) return empty;
    } else {
      namePrefix = escapeLike(query.q.toLowerCase().replace(/\s+/g, ' '));
    }
  }

  const conditions: PatientCondition = (eb) => {
    const c = [eb('organization_id', '=', actor.organizationId)];
    if (phone) c.push(matchesPhone(eb, phone));
    if (qPhone) c.push(matchesPhone(eb, qPhone));
    if (namePrefix !== null) {
      // search_name is "first last": a prefix of it, or of any word after a space, matches.
      c.push(
        eb.or([
          sql<boolean>`${eb.ref('search_name')} like ${`${namePrefix}%`} escape '\\'`,
          sql<boolean>`${eb.ref('search_name')} like ${`% ${namePrefix}%`} escape '\\'`,
        ]),
      );
    }
    return eb.and(c);
  };

  return fetchPage({
    list: 'patients',
    rows: ctx.db.selectFrom('patients').selectAll().where(conditions),
    count: () =>
      ctx.db
        .selectFrom('patients')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .where(conditions),
    keys: [
      { by: 'last_name', of: (r) => r.last_name },
      { by: 'first_name', of: (r) => r.first_name },
      { by: 'id', of: (r) => r.id },
    ],
    query,
    map: toPatientRead,
  });
}

export interface PatientCreateInput extends PatientCreate {
  /** client-generated id (sync push); the server makes one otherwise */
  id?: string;
}

/** `patient.create` of the rulebook (src-shared/mutators/patients.ts). */
export async function createPatient(ctx: ServerContext, actor: Actor, input: PatientCreateInput): Promise<PatientRead> {
  const id = input.id ?? uuidv7();
  await runRule(ctx, actor, 'patient.create', { ...input, id });
  return getPatient(ctx, actor, id);
}

/** `patient.update` of the rulebook. */
export async function updatePatient(ctx: ServerContext, actor: Actor, id: string, patch: PatientUpdate): Promise<PatientRead> {
  await runRule(ctx, actor, 'patient.update', { ...patch, id });
  return getPatient(ctx, actor, id);
}
