/** patient.create / patient.update applied locally: phone numbers in E.164 (default country GB). */
import { toE164 } from '../../../src-shared/domain/phone';
import type { PatientRead } from '../../../src-shared/schemas/patients';
import type { MutatorArgs } from '../../../src-shared/schemas/sync';
import { invalid, notFound } from '../errors';
import { changedFields, type MutatorContext } from './context';

type Create = MutatorArgs<'patient.create'>;
type Update = MutatorArgs<'patient.update'>;

function normalisePhones<T extends { phone_number?: string; alt_phone_number?: string | null }>(args: T): T {
  const out = { ...args };
  const details: Record<string, string> = {};
  if (args.phone_number !== undefined) {
    const phone = toE164(args.phone_number);
    if (phone) out.phone_number = phone;
    else details.phone_number = 'not a valid phone number';
  }
  if (args.alt_phone_number) {
    const alt = toE164(args.alt_phone_number);
    if (alt) out.alt_phone_number = alt;
    else details.alt_phone_number = 'not a valid phone number';
  }
  if (Object.keys(details).length) throw invalid(details);
  return out;
}

export const patientCreate = {
  prepare(args: Create): Create {
    return normalisePhones(args);
  },
  apply(args: Create, _current: PatientRead | null, ctx: MutatorContext): PatientRead {
    return {
      id: args.id,
      organization_id: ctx.user.organization_id,
      first_name: args.first_name,
      last_name: args.last_name,
      full_name: `${args.first_name} ${args.last_name}`,
      phone_number: args.phone_number,
      alt_phone_number: args.alt_phone_number ?? null,
      email: args.email ?? null,
      date_of_birth: args.date_of_birth ?? null,
      mrn: args.mrn ?? null,
      notes: args.notes ?? '',
      created_at: ctx.now,
      updated_at: ctx.now,
      version: 0,
    };
  },
};

export const patientUpdate = {
  prepare(args: Update, current: PatientRead | null): Update | null {
    if (!current) throw notFound('patient');
    const { id, ...patch } = normalisePhones(args);
    const changed = changedFields(patch, current as unknown as Record<string, unknown>);
    if (Object.keys(changed).length === 0) return null;
    return { id, ...changed } as Update;
  },
  apply(args: Update, current: PatientRead | null, ctx: MutatorContext): PatientRead {
    if (!current) throw notFound('patient');
    const { id: _id, ...patch } = args;
    const next = { ...current, ...patch } as PatientRead;
    next.full_name = `${next.first_name} ${next.last_name}`;
    next.updated_at = ctx.now;
    return next;
  },
};
