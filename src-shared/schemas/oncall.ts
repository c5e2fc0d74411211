/**
 * Seed 003's "OnCall Module API" schemas (camelCase). Its calls are the same records as seed 000's
 * calls: the server maps between the two shapes, it never stores them twice.
 */
import { z } from 'zod';
import { CallStatus, CALL_INITIAL_STATUSES } from '../domain/call-status';
import { DispositionCode } from '../domain/dispositions';
import {
  CallDirection,
  ComplianceStatus,
  Priority,
  RecordingStatus,
  Region,
  ScheduleStatus,
  ScheduleType,
} from '../domain/enums';
import { Id, Metadata, MetadataPatch, OnCallPageQuery, StoredTimestamp, Timestamp } from './common';
import { PhoneNumberText } from './calls';

const updateOf = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object(shape)
    .partial()
    .refine((u) => Object.keys(u).length > 0, { message: 'at least one field is required' });

// ---- calls ----
export const OnCallCallCreate = z.object({
  phoneNumber: PhoneNumberText,
  region: Region,
  priority: Priority.default('normal'),
  direction: CallDirection.default('inbound'),
  status: z.enum(CALL_INITIAL_STATUSES).default('pending'),
  patientId: Id.nullable().optional(),
  metadata: Metadata,
});
export type OnCallCallCreate = z.infer<typeof OnCallCallCreate>;

export const OnCallCallUpdate = updateOf({
  status: CallStatus,
  priority: Priority,
  region: Region,
  notes: z.string().max(20_000),
  outcome: DispositionCode.nullable(),
  metadata: MetadataPatch,
});
export type OnCallCallUpdate = z.infer<typeof OnCallCallUpdate>;

export const OnCallCall = z.object({
  id: Id,
  phoneNumber: z.string(),
  region: Region.nullable(),
  priority: Priority,
  status: CallStatus,
  direction: CallDirection,
  patientId: Id.nullable(),
  agentId: Id.nullable(),
  notes: z.string(),
  outcome: z.string().nullable(),
  startTime: StoredTimestamp,
  endTime: StoredTimestamp.nullable(),
  metadata: z.record(z.string(), z.unknown()),
  organizationId: Id,
  createdAt: StoredTimestamp,
  updatedAt: StoredTimestamp,
});
export type OnCallCall = z.infer<typeof OnCallCall>;

export const OnCallCallListQuery = OnCallPageQuery.extend({
  region: Region.optional(),
  status: CallStatus.optional(),
  startDate: Timestamp.optional(),
  endDate: Timestamp.optional(),
});
export type OnCallCallListQuery = z.infer<typeof OnCallCallListQuery>;

// ---- schedules ----
export const ScheduleCreate = z.object({
  staffId: Id,
  type: ScheduleType,
  status: ScheduleStatus.default('scheduled'),
  startTime: Timestamp,
  endTime: Timestamp,
  metadata: Metadata,
});
export type ScheduleCreate = z.infer<typeof ScheduleCreate>;

export const ScheduleUpdate = updateOf({
  staffId: Id,
  type: ScheduleType,
  status: ScheduleStatus,
  startTime: Timestamp,
  endTime: Timestamp,
  metadata: MetadataPatch,
});
export type ScheduleUpdate = z.infer<typeof ScheduleUpdate>;

export const Schedule = z.object({
  id: Id,
  staffId: Id,
  type: ScheduleType,
  status: ScheduleStatus,
  startTime: StoredTimestamp,
  endTime: StoredTimestamp,
  metadata: z.record(z.string(), z.unknown()),
  organizationId: Id,
  createdAt: StoredTimestamp,
  updatedAt: StoredTimestamp,
});
export type Schedule = z.infer<typeof Schedule>;

export const ScheduleListQuery = OnCallPageQuery.extend({
  staffId: Id.optional(),
  status: ScheduleStatus.optional(),
  startDate: Timestamp.optional(),
  endDate: Timestamp.optional(),
});
export type ScheduleListQuery = z.infer<typeof ScheduleListQuery>;

// ---- recordings ----
export const RecordingCreate = z.object({
  callId: Id,
  url: z.url({ protocol: /^https?$/ }).max(2048),
  duration: z.number().int().min(0).max(86_400),
  status: RecordingStatus.default('pending'),
  metadata: Metadata,
});
export type RecordingCreate = z.infer<typeof RecordingCreate>;

export const RecordingUpdate = updateOf({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  duration: z.number().int().min(0).max(86_400),
  status: RecordingStatus,
  metadata: MetadataPatch,
});
export type RecordingUpdate = z.infer<typeof RecordingUpdate>;

export const Recording = z.object({
  id: Id,
  callId: Id,
  url: z.string(),
  duration: z.number().int(),
  status: RecordingStatus,
  metadata: z.record(z.string(), z.unknown()),
  organizationId: Id,
  createdAt: StoredTimestamp,
  updatedAt: StoredTimestamp,
});
export type Recording = z.infer<typeof Recording>;

export const RecordingListQuery = OnCallPageQuery.extend({
  callId: Id.optional(),
  status: RecordingStatus.optional(),
  minDuration: z.coerce.number().int().min(0).optional(),
  maxDuration: z.coerce.number().int().min(0).optional(),
});
export type RecordingListQuery = z.infer<typeof RecordingListQuery>;

// ---- compliance ----
export const ComplianceCreate = z.object({
  callId: Id,
  region: Region,
  regulatoryBody: z.string().trim().min(1).max(100),
  checkType: z.string().trim().min(1).max(100),
  status: ComplianceStatus.default('pending'),
  details: Metadata,
  metadata: Metadata,
});
export type ComplianceCreate = z.infer<typeof ComplianceCreate>;

export const ComplianceUpdate = updateOf({
  region: Region,
  regulatoryBody: z.string().trim().min(1).max(100),
  checkType: z.string().trim().min(1).max(100),
  status: ComplianceStatus,
  details: MetadataPatch,
  metadata: MetadataPatch,
});
export type ComplianceUpdate = z.infer<typeof ComplianceUpdate>;

export const Compliance = z.object({
  id: Id,
  callId: Id,
  region: Region,
  regulatoryBody: z.string(),
  status: ComplianceStatus,
  checkType: z.string(),
  details: z.record(z.string(), z.unknown()),
  organizationId: Id,
  metadata: z.record(z.string(), z.unknown()),
  createdAt: StoredTimestamp,
  updatedAt: StoredTimestamp,
});
export type Compliance = z.infer<typeof Compliance>;

export const ComplianceListQuery = OnCallPageQuery.extend({
  region: Region.optional(),
  regulatoryBody: z.string().trim().min(1).max(100).optional(),
  status: ComplianceStatus.optional(),
  checkType: z.string().trim().min(1).max(100).optional(),
});
export type ComplianceListQuery = z.infer<typeof ComplianceListQuery>;
