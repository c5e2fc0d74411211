/**
 * Several API instances on one PostgreSQL share the webhook queue (docs/webhooks.md): claims are
 * taken `FOR UPDATE SKIP LOCKED`, so every delivery is sent once although both instances claim
 * from the same rows at the same moments, and the per-organization and per-endpoint caps are
 * counted from the store, so they hold for the instances together. Two real API processes, one
 * database, a real receiver on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http, type Session } from '../support/http';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const ORG_CAP = 3;
const env = {
  WEBHOOK_TIMEOUT_MS: '120000',
  WEBHOOK_ORG_CONCURRENCY: String(ORG_CAP),
  WEBHOOK_ENDPOINT_CONCURRENCY: '2',
  WEBHOOK_BACKOFF_BASE_MS: '100',
  // both instances look at the queue all the time: their claims collide as often as they can
  WEBHOOK_POLL_MS: '20',
  WEBHOOK_ALLOW_PRIVATE_TARGETS: '1',
};

let first: ApiServer;
let second: ApiServer;
let receiver: WebhookReceiver;
let admin: Session;
const agents: { http: Http; session: Session }[] = [];

beforeAll(async () => {
  [first, receiver] = await Promise.all([startApiServer({ env }), startWebhookReceiver()]);
  second = await startApiServer({ env, dbPath: first.dbPath, orgs: first.orgs });
  const [a, b] = [new Http(first.url), new Http(second.url)];
  admin = await a.login('admin@demo.test');
  agents.push({ http: a, session: await a.login('agent1@demo.test') }, { http: b, session: await b.login('agent2@demo.test') });
});
afterAll(async () => {
  await receiver?.close();
  await stopAndClean(second, { keepStore: true });
  await stopAndClean(first);
});

const hooks = () => `/api/v1/organizations/${first.orgs.demo}/webhooks`;

async function subscribe(path: string) {
  const res = await new Http(first.url).post(hooks(), { url: receiver.url + path, events: ['call.created'] }, admin);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function newCalls(count: number) {
  for (let i = 0; i < count; i++) {
    const { http, session } = agents[i % 2]!;
    const res = await http.post(`/api/v1/organizations/${first.orgs.demo}/calls`, { direction: 'inbound', phone_number: `+4477009012${String(i).padStart(2, '0')}` }, session);
    expect(res.status).toBe(201);
  }
}

describe('two API instances on one queue', () => {
  it('send every delivery once', async () => {
    const ids = [await subscribe('/once-a'), await subscribe('/once-b')];
    await newCalls(40);
    const http = new Http(second.url);
    for (const id of ids) {
      await vi.waitFor(
        async () => {
          const res = await http.get(`${hooks()}/${id}/deliveries?status=delivered&limit=100`, admin);
          expect(res.body.items).toHaveLength(40);
        },
        { timeout: 120_000, interval: 100 },
      );
    }
    for (const path of ['/once-a', '/once-b']) {
      const got = receiver.at(path);
      expect(got).toHaveLength(40);
      expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(40);
    }
    for (const id of ids) await http.delete(`${hooks()}/${id}`, admin);
  });

  it("hold an organization's cap together, not each", async () => {
    const paths = ['/held-a', '/held-b', '/held-c'];
    for (const path of paths) receiver.hold(path);
    const ids = [];
    for (const path of paths) ids.push(await subscribe(path));
    await newCalls(4); // 12 deliveries; the endpoint caps alone would allow 6, a cap per instance 6

    const held = () => paths.flatMap((p) => receiver.at(p).filter((r) => r.answeredStatus === null));
    await vi.waitFor(() => expect(held()).toHaveLength(ORG_CAP), { timeout: 120_000, interval: 25 });
    // Another organization's deliveries, queued through both instances, go out one by one while
    // these hang: both instances claim again and again, and neither takes more of this
    // organization's (a held request stays held, so any excess would still be here).
    const otherHttp = [new Http(first.url), new Http(second.url)];
    const otherAdmin = await otherHttp[0]!.login('admin@other.test');
    const otherAgent = await otherHttp[1]!.login('agent1@other.test');
    const probe = await otherHttp[0]!.post(`/api/v1/organizations/${first.orgs.other}/webhooks`, { url: `${receiver.url}/probe`, events: ['call.created'] }, otherAdmin);
    expect(probe.status).toBe(201);
    for (let i = 0; i < 10; i++) {
      const res = await otherHttp[i % 2]!.post(`/api/v1/organizations/${first.orgs.other}/calls`, { direction: 'inbound', phone_number: `+4477009013${String(i).padStart(2, '0')}` }, otherAgent);
      expect(res.status).toBe(201);
      await vi.waitFor(() => expect(receiver.at('/probe').filter((r) => r.answeredStatus === 200)).toHaveLength(i + 1), { timeout: 120_000, interval: 10 });
    }
    expect(held()).toHaveLength(ORG_CAP);

    for (const path of paths) receiver.release(path);
    const http = new Http(first.url);
    for (const id of ids) {
      await vi.waitFor(
        async () => {
          const res = await http.get(`${hooks()}/${id}/deliveries?status=delivered&limit=100`, admin);
          expect(res.body.items).toHaveLength(4);
        },
        { timeout: 120_000, interval: 100 },
      );
    }
  });
});
