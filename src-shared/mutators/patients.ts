/** patient.create / patient.update: phone numbers in E.164 with the organization's country. */
import type { PatientRead } from '../schemas/patients';
import type { Mutator } from './define';
import { conflict, invalid, notFound } from './rule-error';
import { differs, e164 } from './rules';
import type { MutatorTx } from './tx';

function phones(tx: MutatorTx, a: { phone_number?: string; alt_phone_number?: string | null }) {
  const out: { phone_number?: string | null; alt_phone_number?: string | null } = {};
  const details: Record<string, string> = {};
  const country = tx.settings.default_country;
  for (const field of ['phone_number', 'alt_phone_number'] as const) {
    const text = a[field];
    if (text === undefined) continue;
    if (text === null || text === '') {
      out[field] = null;
      continue;
    }
    try {
      out[field] = e164(field, text, country);
    } catch {
      details[field] = 'not a valid phone number';
    }
  }
  if (Object.keys(details).length) throw invalid(details);
  return out;
}

export const patientCreate: Mutator<'patient.create'> = {
  name: 'patient.create',
  reads: () => ({ records: [] }),
  run(tx, a) {
    const p = phones(tx, a);
    if (tx.taken('patient', a.id)) throw conflict('a patient with this id already exists');
    tx.write('patient', {
      id: a.id,
      organization_id: tx.actor.organizationId,
      first_name: a.first_name,
      last_name: a.last_name,
      full_name: `${a.first_name} ${a.last_name}`,
      phone_number: p.phone_number ?? '',
      alt_phone_number: p.alt_phone_number ?? null,
      email: a.email ?? null,
      date_of_birth: a.date_of_birth ?? null,
      mrn: a.mrn ?? null,
      notes: a.notes ?? '',
      created_at: tx.now,
      updated_at: tx.now,
      version: 0,
    });
  },
};

export const patientUpdate: Mutator<'patient.update'> = {
  name: 'patient.update',
  reads: (a) => ({ records: [['patient', a.id]] }),
  run(tx, a) {
    const current = tx.read('patient', a.id);
    if (!current) throw notFound('patient');
    const { id: _id, based_on: _b, ...patch } = a;
    const next = { ...current, ...patch, ...phones(tx, a) } as PatientRead;
    next.full_name = `${next.first_name} ${next.last_name}`;
    if (!differs(current, next)) return;
    next.updated_at = tx.now;
    tx.write('patient', next);
  },
};
