import { z } from 'zod';
import { WebhookEvent } from '../domain/enums';
import { Id, PageQuery, StoredTimestamp } from './common';

export const WebhookCreate = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  events: z.array(WebhookEvent).min(1).max(8),
  description: z.string().max(200).optional(),
});
export type WebhookCreate = z.infer<typeof WebhookCreate>;

export const WebhookRead = z.object({
  id: Id,
  organization_id: Id,
  url: z.string(),
  events: z.array(WebhookEvent),
  description: z.string(),
  active: z.boolean(),
  created_at: StoredTimestamp,
  /** set when the webhook was deleted (deactivated); its delivery log stays readable */
  deleted_at: StoredTimestamp.nullable(),
  /** set when it kept failing and was disabled (docs/webhooks.md); an admin re-enables it */
  disabled_at: StoredTimestamp.nullable(),
  /** why it was disabled: how many attempts failed in a row, since when, and the last error */
  disabled_reason: z.string().nullable(),
  /** failed attempts since its last success */
  consecutive_failures: z.number().int(),
  /** when that run of failures began (null while it succeeds) */
  failing_since: StoredTimestamp.nullable(),
});
export type WebhookRead = z.infer<typeof WebhookRead>;

/** The signing secret is shown once, on create. */
export const WebhookCreated = WebhookRead.extend({ secret: z.string() });
export type WebhookCreated = z.infer<typeof WebhookCreated>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const WebhookDelivery = z.object({
  id: Id,
  webhook_id: Id,
  event: WebhookEvent,
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  next_attempt_at: StoredTimestamp.nullable(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: StoredTimestamp,
  delivered_at: StoredTimestamp.nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const DeliveryListQuery = PageQuery.extend({ status: z.enum(DELIVERY_STATUSES).optional() });
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>;

/** The seed's payload format, what a receiver gets in the POST body. */
export const WebhookPayload = z.object({
  event: WebhookEvent,
  timestamp: StoredTimestamp,
  data: z.object({
    id: z.string(),
    type: z.string(),
    attributes: z.record(z.string(), z.unknown()),
  }),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

export const EVENT_HEADER = 'x-oncall-event';
export const DELIVERY_HEADER = 'x-oncall-delivery';
