/** The call center's callers. */
import { z } from 'zod';
import { Id, PageQuery, StoredTimestamp } from './common';
import { PhoneNumberText } from './calls';

export const PatientCreate = z.object({
  first_name: z.string().trim().min(1).max(100),
  last_name: z.string().trim().min(1).max(100),
  phone_number: PhoneNumberText,
  alt_phone_number: PhoneNumberText.nullable().optional(),
  email: z.email().max(254).nullable().optional(),
  date_of_birth: z.iso.date().nullable().optional(),
  mrn: z.string().trim().max(64).nullable().optional(),
  notes: z.string().max(5_000).optional(),
});
export type PatientCreate = z.infer<typeof PatientCreate>;

export const PatientUpdate = PatientCreate.partial().refine((u) => Object.keys(u).length > 0, {
  message: 'at least one field is required',
});
export type PatientUpdate = z.infer<typeof PatientUpdate>;

export const PatientRead = z.object({
  id: Id,
  organization_id: Id,
  first_name: z.string(),
  last_name: z.string(),
  full_name: z.string(),
  phone_number: z.string(),
  alt_phone_number: z.string().nullable(),
  email: z.string().nullable(),
  date_of_birth: z.string().nullable(),
  mrn: z.string().nullable(),
  notes: z.string(),
  created_at: StoredTimestamp,
  updated_at: StoredTimestamp,
  version: z.number().int(),
});
export type PatientRead = z.infer<typeof PatientRead>;

/** `q` matches a name (prefix, any word) or a phone number (any format). */
export const PatientListQuery = PageQuery.extend({
  q: z.string().trim().min(1).max(100).optional(),
  phone: z.string().trim().min(3).max(32).optional(),
});
export type PatientListQuery = z.infer<typeof PatientListQuery>;
