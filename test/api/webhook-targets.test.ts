/**
 * Webhook targets (docs/webhooks.md): without WEBHOOK_ALLOW_PRIVATE_TARGETS, no delivery reaches
 * a loopback, private, link-local or metadata address, in any spelling or behind a DNS name;
 * the delivery log says why. The receiver listens on 127.0.0.1, so anything that got through
 * would show up there.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http, type Session } from '../support/http';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

let server: ApiServer;
let receiver: WebhookReceiver;
let http: Http;
let admin: Session;
let agent: Session;

beforeAll(async () => {
  [server, receiver] = await Promise.all([
    startApiServer({ env: { WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_POLL_MS: '60000', WEBHOOK_TIMEOUT_MS: '3000' } }),
    startWebhookReceiver(),
  ]);
  http = new Http(server.url);
  [admin, agent] = await Promise.all(['admin@demo.test', 'agent1@demo.test'].map((e) => http.login(e)));
});
afterAll(async () => {
  await receiver?.close();
  await stopAndClean(server);
});

describe('refused targets', () => {
  it('every spelling of loopback, a name resolving to it, private and metadata addresses: nothing is sent, the log says why', async () => {
    const port = new URL(receiver.url).port;
    const targets = [
      `http://127.0.0.1:${port}/plain`,
      `http://0x7f000001:${port}/hex`,
      `http://2130706433:${port}/decimal`,
      `http://0177.0.0.1:${port}/octal`,
      `http://[::1]:${port}/v6`,
      `http://[::ffff:127.0.0.1]:${port}/mapped`,
      `http://localhost:${port}/dns`,
      `http://10.0.0.1:${port}/private`,
      `http://169.254.169.254/latest/meta-data/`,
    ];
    const hooks: { id: string; url: string }[] = [];
    for (const url of targets) {
      const res = await http.post(`/api/v1/organizations/${server.orgs.demo}/webhooks`, { url, events: ['call.created'] }, admin);
      expect(res.status, url).toBe(201);
      hooks.push({ id: res.body.id, url });
    }
    expect((await http.post(`/api/v1/organizations/${server.orgs.demo}/calls`, { direction: 'inbound', phone_number: '+447700900900' }, agent)).status).toBe(201);

    for (const hook of hooks) {
      const log = await vi.waitFor(
        async () => {
          const res = await http.get(`/api/v1/organizations/${server.orgs.demo}/webhooks/${hook.id}/deliveries`, admin);
          const items = res.body.items as { status: string; last_error: string | null }[];
          if (items[0]?.status !== 'failed') throw new Error(`${hook.url}: not failed yet`);
          return items[0];
        },
        { timeout: 120_000, interval: 100 },
      );
      expect(log.last_error, hook.url).toMatch(/refused as a webhook target/);
    }
    expect(receiver.requests).toHaveLength(0);
  });
});
