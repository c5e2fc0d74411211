/** Seed 000's call schemas (snake_case), the shape the v1 facade, the SDK and the client store use. */
import { z } from 'zod';
import { CallStatus, CALL_INITIAL_STATUSES } from '../domain/call-status';
import { CallDirection, Priority, Region } from '../domain/enums';
import { DispositionCode } from '../domain/dispositions';
import { PHONE_TEXT, WITHHELD_NUMBER } from '../domain/phone';
import { Id, Metadata, MetadataPatch, PageQuery, StoredTimestamp, Timestamp } from './common';

export const PhoneNumberText = z.string().regex(PHONE_TEXT, 'not a phone number');
/** A call's number: phone-number text, or `anonymous` when the caller withheld it. */
export const CallNumberText = z.union([PhoneNumberText, z.literal(WITHHELD_NUMBER)]);

export const CallCreate = z.object({
  patient_id: Id.nullable().optional(),
  direction: CallDirection,
  phone_number: CallNumberText,
  status: z.enum(CALL_INITIAL_STATUSES).optional(),
  priority: Priority.optional(),
  region: Region.nullable().optional(),
  notes: z.string().max(20_000).optional(),
  metadata: Metadata.optional(),
});
export type CallCreate = z.infer<typeof CallCreate>;

export const CallUpdate = z
  .object({
    status: CallStatus,
    notes: z.string().max(20_000),
    outcome: DispositionCode.nullable(),
    patient_id: Id.nullable(),
    priority: Priority,
    metadata: MetadataPatch,
  })
  .partial()
  .refine((u) => Object.keys(u).length > 0, { message: 'at least one field is required' });
export type CallUpdate = z.infer<typeof CallUpdate>;

export const CallRead = z.object({
  id: Id,
  organization_id: Id,
  patient_id: Id.nullable(),
  patient_name: z.string().nullable(),
  agent_id: Id.nullable(),
  agent_name: z.string().nullable(),
  direction: CallDirection,
  phone_number: z.string(),
  status: CallStatus,
  priority: Priority,
  region: Region.nullable(),
  notes: z.string(),
  outcome: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  started_at: StoredTimestamp,
  ended_at: StoredTimestamp.nullable(),
  duration_seconds: z.number().int().nullable(),
  created_at: StoredTimestamp,
  updated_at: StoredTimestamp,
  version: z.number().int(),
});
export type CallRead = z.infer<typeof CallRead>;

/** Calls list filters. Without date/from/to the list is today's calls (UTC day). */
export const CallListQuery = PageQuery.extend({
  status: CallStatus.optional(),
  agent_id: Id.optional(),
  patient_id: Id.optional(),
  outcome: DispositionCode.optional(),
  direction: CallDirection.optional(),
  date: z.iso.date().optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
});
export type CallListQuery = z.infer<typeof CallListQuery>;
