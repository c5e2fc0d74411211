/**
 * Webhook deliveries with several API instances on one PostgreSQL (docs/webhooks.md):
 * - a delivery queued through one instance is claimed at once by another (a NOTIFY in the
 *   queuing transaction), not at that instance's next poll: here the queuing instance delivers
 *   nothing (WEBHOOK_CONCURRENCY=0) and the delivering one polls only every 10 minutes;
 * - a delivery whose instance is SIGKILLed mid-attempt is retried by another once the dead
 *   instance's lease runs out, and delivered: the receiver sees the same webhook-id twice
 *   (the documented at-least-once retry), the queue holds one delivered row.
 * Real API processes, a real receiver on 127.0.0.1; waits are generous, nothing is timed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http, type Session } from '../support/http';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const common = { WEBHOOK_ALLOW_PRIVATE_TARGETS: '1', WEBHOOK_BACKOFF_BASE_MS: '100' };
/** takes requests, delivers nothing */
const writerEnv = { ...common, WEBHOOK_CONCURRENCY: '0' };
/** delivers, but would look at the queue by itself only every 10 minutes */
const slowPollEnv = { ...common, WEBHOOK_POLL_MS: '600000' };
/** delivers; its lease (timeout + 5 s) outlives the time the test needs to kill it mid-attempt */
const doomedEnv = { ...common, WEBHOOK_TIMEOUT_MS: '20000' };

let writer: ApiServer;
let deliverer: ApiServer;
let doomed: ApiServer | undefined;
let receiver: WebhookReceiver;
let http: Http;
let admin: Session;
let agent: Session;

beforeAll(async () => {
  [writer, receiver] = await Promise.all([startApiServer({ env: writerEnv }), startWebhookReceiver()]);
  deliverer = await startApiServer({ env: slowPollEnv, dbPath: writer.dbPath, orgs: writer.orgs });
  http = new Http(writer.url);
  [admin, agent] = await Promise.all([http.login('admin@demo.test'), http.login('agent1@demo.test')]);
}, 240_000);
afterAll(async () => {
  await receiver?.close();
  await stopAndClean(doomed, { keepStore: true });
  await stopAndClean(deliverer, { keepStore: true });
  await stopAndClean(writer);
});

const org = () => writer.orgs.demo;

async function subscribe(path: string): Promise<string> {
  const res = await http.post(`/api/v1/organizations/${org()}/webhooks`, { url: receiver.url + path, events: ['call.created'] }, admin);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function logCall(): Promise<string> {
  const res = await http.post(`/api/v1/organizations/${org()}/calls`, { direction: 'inbound', phone_number: '+447700900787' }, agent);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function deliveries(hook: string) {
  const res = await http.get(`/api/v1/organizations/${org()}/webhooks/${hook}/deliveries?limit=100`, admin);
  expect(res.status).toBe(200);
  return res.body.items as { id: string; status: string; attempts: number }[];
}

describe('webhooks across instances', () => {
  it('a delivery queued through an instance that delivers none is sent by another at once, not at its next poll', async () => {
    const hook = await subscribe('/wake');
    for (let i = 0; i < 3; i++) {
      await logCall();
      // well under the deliverer's 10-minute poll: only the cross-instance nudge can explain it
      await vi.waitFor(() => expect(receiver.at('/wake').filter((r) => r.answeredStatus === 200)).toHaveLength(i + 1), { timeout: 120_000, interval: 50 });
    }
    await vi.waitFor(async () => expect((await deliveries(hook)).map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']), { timeout: 120_000, interval: 200 });
  });

  it('a delivery whose instance is killed mid-attempt is retried by another and delivered', async () => {
    await deliverer.stop(); // for now the doomed instance is the only one delivering
    doomed = await startApiServer({ env: doomedEnv, dbPath: writer.dbPath, orgs: writer.orgs });
    receiver.hold('/failover');
    const hook = await subscribe('/failover');
    await logCall();
    await vi.waitFor(() => expect(receiver.at('/failover')).toHaveLength(1), { timeout: 120_000, interval: 25 });

    await deliverer.restart(); // it finds the delivery leased, and waits for the lease to run out
    await doomed.stop('SIGKILL');
    receiver.release('/failover');

    await vi.waitFor(async () => expect((await deliveries(hook)).map((d) => d.status)).toEqual(['delivered']), { timeout: 120_000, interval: 250 });
    const got = receiver.at('/failover');
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(got.at(-1)!.answeredStatus).toBe(200);
  }, 240_000);
});
