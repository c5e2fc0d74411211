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
import { mutate } from './mutation';
import { defaultCountry, normalisePhone } from './organizations';
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
  const empty: Page<PatientRead> = { items: [], page: query.page, limit: query.limit, total: 0 };
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

  return fetchPage(
    ctx.db
      .selectFrom('patients')
      .selectAll()
      .where(conditions)
      .orderBy('last_name')
      .orderBy('first_name')
      .orderBy('id'),
    ctx.db
      .selectFrom('patients')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where(conditions),
    query,
    toPatientRead,
  );
}

export interface PatientCreateInput extends PatientCreate {
  /** client-generated id (sync push); the server makes one otherwise */
  id?: string;
}

export async function createPatient(ctx: ServerContext, actor: Actor, input: PatientCreateInput): Promise<PatientRead> {
  const org = actor.organizationId;
  const phone = await normalisePhone(ctx.db, org, 'phone_number', input.phone_number);
  const alt = input.alt_phone_number ? await normalisePhone(ctx.db, org, 'alt_phone_number', input.alt_phone_number) : null;
  const id = input.id ?? uuidv7();

  return mutate(ctx, actor, async (m) => {
    const existing = await m.trx.selectFrom('patients').select('id').where('id', '=', id).executeTakeFirst();
    if (existing) throw new ApiError('CONFLICT', 'a patient with this id already exists');
    const row: PatientRow = {
      id,
      organization_id: org,
      first_name: input.first_name,
      last_name: input.last_name,
      search_name: searchNameOf(input.first_name, input.last_name),
      phone_number: phone,
      alt_phone_number: alt,
      email: input.email ?? null,
      date_of_birth: input.date_of_birth ?? null,
      mrn: input.mrn ?? null,
      notes: input.notes ?? '',
      created_at: m.now,
      updated_at: m.now,
      version: 1,
    };
    await m.trx.insertInto('patients').values(row).execute();
    await m.record({ entity: 'patient', entityId: id, action: 'create', after: row, sync: true });
    return toPatientRead(row);
  });
}

export async function updatePatient(ctx: ServerContext, actor: Actor, id: string, patch: PatientUpdate): Promise<PatientRead> {
  const org = actor.organizationId;
  await getPatient(ctx, actor, id); // 404 unless in the actor's organization
  const set: Partial<PatientRow> = {};
  if (patch.phone_number !== undefined) set.phone_number = await normalisePhone(ctx.db, org, 'phone_number', patch.phone_number);
  if (patch.alt_phone_number !== undefined) {
    set.alt_phone_number = patch.alt_phone_number
      ? await normalisePhone(ctx.db, org, 'alt_phone_number', patch.alt_phone_number)
      : null;
  }
  if (patch.first_name !== undefined) set.first_name = patch.first_name;
  if (patch.last_name !== undefined) set.last_name = patch.last_name;
  if (patch.email !== undefined) set.email = patch.email;
  if (patch.date_of_birth !== undefined) set.date_of_birth = patch.date_of_birth;
  if (patch.mrn !== undefined) set.mrn = patch.mrn;
  if (patch.notes !== undefined) set.notes = patch.notes;

  return mutate(ctx, actor, async (m) => {
    const before = await m.trx.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const merged = { ...before, ...set };
    merged.search_name = searchNameOf(merged.first_name, merged.last_name);
    const changed = Object.fromEntries(
      Object.entries(merged).filter(([k, v]) => (before as Record<string, unknown>)[k] !== v),
    ) as Partial<PatientRow>;
    if (Object.keys(changed).length === 0) return toPatientRead(before);

    const after: PatientRow = { ...merged, updated_at: m.now, version: before.version + 1 };
    await m.trx
      .updateTable('patients')
      .set({ ...changed, updated_at: after.updated_at, version: after.version })
      .where('id', '=', id)
      .execute();
    await m.record({ entity: 'patient', entityId: id, action: 'update', before, after, sync: true });
    return toPatientRead(after);
  });
}
