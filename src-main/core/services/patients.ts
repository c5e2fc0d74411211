/** Patients: search and caller-id lookup from the local store (so screen pop works offline). */
import { v7 as uuidv7 } from 'uuid';
import { PHONE_TEXT, toE164 } from '../../../src-shared/domain/phone';
import type { IpcArgs } from '../../../src-shared/ipc/contract';
import type { PatientRead } from '../../../src-shared/schemas/patients';
import type { LocalWriter } from '../local-writes';
import type { LocalStore } from '../store';

const ORDER = 'ORDER BY last_name, first_name, id LIMIT ?';
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
/** Digits and punctuation only: a number, not a name (the API's rule). */
const looksLikePhone = (q: string) => PHONE_TEXT.test(q) && /\d/.test(q);

export class PatientService {
  constructor(
    private readonly store: LocalStore,
    private readonly writer: LocalWriter,
  ) {}

  /** `q`: a name prefix (of the first or any later word) or a phone number in any format. */
  search({ q, limit = 50 }: IpcArgs<'patients.search'>): PatientRead[] {
    const text = q.trim();
    if (!text) return this.store.entities.query<PatientRead>('patient', '', [limit], ORDER);
    if (looksLikePhone(text)) {
      const phone = toE164(text);
      return phone ? this.byPhone(phone, limit) : [];
    }
    const prefix = escapeLike(text.toLowerCase().replace(/\s+/g, ' '));
    return this.store.entities.query<PatientRead>(
      'patient',
      "search_name LIKE ? ESCAPE '\\' OR search_name LIKE ? ESCAPE '\\'",
      [`${prefix}%`, `% ${prefix}%`, limit],
      ORDER,
    );
  }

  /** Screen pop: the patient whose number (or alternative number) is the caller's. */
  lookupByNumber(phone: string): PatientRead | null {
    const e164 = toE164(phone);
    return e164 ? (this.byPhone(e164, 1)[0] ?? null) : null;
  }

  private byPhone(e164: string, limit: number): PatientRead[] {
    return this.store.entities.query<PatientRead>('patient', 'phone_number = ? OR alt_phone_number = ?', [e164, e164, limit], ORDER);
  }

  get(id: string): PatientRead | null {
    return this.store.entities.get<PatientRead>('patient', id)?.data ?? null;
  }

  create(args: IpcArgs<'patient.create'>): PatientRead {
    return this.writer.write<PatientRead>('patient.create', { ...args, id: uuidv7() });
  }

  update({ id, patch }: IpcArgs<'patient.update'>): PatientRead {
    return this.writer.write<PatientRead>('patient.update', { ...patch, id });
  }
}
