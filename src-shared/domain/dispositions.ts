/**
 * Call outcomes (disposition codes). The defaults exist in every organization; an organization
 * may add its own codes (stored server-side), so validation of an outcome is done against
 * `defaults + organization codes`, not by this list alone.
 */
import { z } from 'zod';

export const DEFAULT_DISPOSITIONS = [
  { code: 'resolved', label: 'Resolved' },
  { code: 'callback_requested', label: 'Callback requested' },
  { code: 'voicemail', label: 'Left voicemail' },
  { code: 'no_answer', label: 'No answer' },
  { code: 'wrong_number', label: 'Wrong number' },
  { code: 'escalated', label: 'Escalated' },
  { code: 'appointment_booked', label: 'Appointment booked' },
  { code: 'information_given', label: 'Information given' },
] as const;

export const DispositionCode = z
  .string()
  .min(2)
  .max(48)
  .regex(/^[a-z][a-z0-9_]*$/, 'lowercase letters, digits and underscores, starting with a letter');

export const Disposition = z.object({
  code: DispositionCode,
  label: z.string().min(1).max(80),
  builtin: z.boolean(),
});
export type Disposition = z.infer<typeof Disposition>;

/** What an admin sends to add one of the organization's own codes. */
export const DispositionCreate = Disposition.omit({ builtin: true });
export type DispositionCreate = z.infer<typeof DispositionCreate>;
