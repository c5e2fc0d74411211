/**
 * For tests of which events a change queues, without a receiver: subscribe by writing a webhook
 * row straight into the server's store, and read back what was queued for it.
 */
import { randomUUID } from 'node:crypto';
import type { ApiServer } from './api-server';
import { query, sql } from './store';

export interface QueuedDelivery {
  event: string;
  data: { id: string; type: string; attributes: any };
}

/** Subscribes an unreachable URL to `events` in the demo organization; returns the webhook id. */
export async function addWebhookRow(server: ApiServer, events: string[]): Promise<string> {
  const id = randomUUID();
  await query(
    server,
    sql`INSERT INTO webhooks (id, organization_id, url, events, description, secret, active, created_at)
     VALUES (${id}, ${server.orgs.demo}, 'http://127.0.0.1:9/hook', ${JSON.stringify(events)}, 'test', 'test-secret', 1, ${new Date().toISOString()})`,
  );
  return id;
}

/** The payloads queued for a webhook, oldest first (ids are UUIDv7: time-ordered). */
export async function queuedDeliveries(server: ApiServer, webhookId: string): Promise<QueuedDelivery[]> {
  const rows = await query<{ payload: string }>(
    server,
    sql`SELECT payload FROM webhook_deliveries WHERE webhook_id = ${webhookId} ORDER BY created_at, id`,
  );
  return rows.map((r) => JSON.parse(r.payload) as QueuedDelivery);
}
