/**
 * Closed vocabularies shared by the API, the client store and the UI.
 * Every value here is part of the public API contract: add values, never rename them.
 */
import { z } from 'zod';

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

/** Seed 003's `Region`: the UK nations whose regulators the compliance records name. */
export const REGIONS = ['england', 'scotland', 'wales', 'northern_ireland'] as const;
export const Region = z.enum(REGIONS);
export type Region = z.infer<typeof Region>;

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export const CallDirection = z.enum(CALL_DIRECTIONS);
export type CallDirection = z.infer<typeof CallDirection>;

export const SCHEDULE_TYPES = ['regular', 'on_call', 'overtime', 'cover', 'training'] as const;
export const ScheduleType = z.enum(SCHEDULE_TYPES);
export type ScheduleType = z.infer<typeof ScheduleType>;

export const SCHEDULE_STATUSES = ['scheduled', 'active', 'completed', 'cancelled'] as const;
export const ScheduleStatus = z.enum(SCHEDULE_STATUSES);
export type ScheduleStatus = z.infer<typeof ScheduleStatus>;

export const RECORDING_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export const RecordingStatus = z.enum(RECORDING_STATUSES);
export type RecordingStatus = z.infer<typeof RecordingStatus>;

export const COMPLIANCE_STATUSES = ['pending', 'under_review', 'compliant', 'non_compliant'] as const;
export const ComplianceStatus = z.enum(COMPLIANCE_STATUSES);
export type ComplianceStatus = z.infer<typeof ComplianceStatus>;

/** The seed's eight webhook events. */
export const WEBHOOK_EVENTS = [
  'call.created',
  'call.updated',
  'schedule.created',
  'schedule.updated',
  'recording.created',
  'recording.completed',
  'compliance.checked',
  'compliance.violated',
] as const;
export const WebhookEvent = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEvent>;
