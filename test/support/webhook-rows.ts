/**
 * For tests of which events a change queues, without a receiver: subscribe by writing a webhook
 * row straight into the server's SQLite file, and read back what was queued for it.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ApiServer } from './api-server';

export interface QueuedDelivery {
  event: string;
  data: { id: string; type: string; attributes: any };
}

/** Subscribes an unreachable URL to `events` in the demo organization; returns the webhook id. */
export function addWebhookRow(server: ApiServer, events: string[]): string {
  const db = new Database(server.dbPath);
  db.pragma('busy_timeout = 5000');
  const id = randomUUID();
  db.prepare(
    `INSERT INTO webhooks (id, organization_id, url, events, description, secret, active, created_at)
     VALUES (?, ?, 'http://127.0.0.1:9/hook', ?, 'test', 'test-secret', 1, ?)`,
  ).run(id, server.orgs.demo, JSON.stringify(events), new Date().toISOString());
  db.close();
  return id;
}

/** The payloads queued for a webhook, oldest first. */
export function queuedDeliveries(server: ApiServer, webhookId: string): QueuedDelivery[] {
  const db = new Database(server.dbPath, { readonly: true });
  const rows = db
    .prepare('SELECT payload FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at, rowid')
    .all(webhookId) as { payload: string }[];
  db.close();
  return rows.map((r) => JSON.parse(r.payload) as QueuedDelivery);
}
