/**
 * Webhook deliveries are independent of each other (docs/webhooks.md, "Concurrency"): an endpoint
 * that never answers holds only its own slots, an organization never has more attempts in flight
 * than its cap, and an endpoint that keeps failing is disabled, says why, is audited, and can be
 * re-enabled by a signed-in admin. Real receivers on 127.0.0.1 and a real API process; a held
 * receiver stands for an endpoint that never answers (the attempt timeout is far longer than
 * any wait here), a closed port for one that is down.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const ORG_CAP = 4;
const ENDPOINT_CAP = 2;
const DISABLE_AFTER_FAILURES = 3;
const DISABLE_AFTER_MS = 1000;

let server: ApiServer;
let http: Http;
let receiver: WebhookReceiver;
let admin: Session;
let agent: Session;
let otherAdmin: Session;
let otherAgent: Session;
const created: { org: string; id: string; as: Session }[] = [];

const hooks = (org: string) => `/api/v1/organizations/${org}/webhooks`;
const demo = () => server.orgs.demo;
const other = () => server.orgs.other;

/** A loopback port nobody listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  [server, receiver] = await Promise.all([
    startApiServer({
      env: {
        // an attempt to a held receiver stays in flight for as long as any test waits
        WEBHOOK_TIMEOUT_MS: '120000',
        WEBHOOK_ORG_CONCURRENCY: String(ORG_CAP),
        WEBHOOK_ENDPOINT_CONCURRENCY: String(ENDPOINT_CAP),
        WEBHOOK_DISABLE_AFTER_FAILURES: String(DISABLE_AFTER_FAILURES),
        WEBHOOK_DISABLE_AFTER_MS: String(DISABLE_AFTER_MS),
        WEBHOOK_BACKOFF_BASE_MS: '100',
        WEBHOOK_BACKOFF_MAX_MS: '800',
        WEBHOOK_MAX_ATTEMPTS: '30',
        // deliveries go out because they were queued, fell due or a slot freed, never by a poll
        WEBHOOK_POLL_MS: '60000',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: '1',
      },
    }),
    startWebhookReceiver(),
  ]);
  http = new Http(server.url);
  [admin, agent, otherAdmin, otherAgent] = await Promise.all(
    ['admin@demo.test', 'agent1@demo.test', 'admin@other.test', 'agent1@other.test'].map((e) => http.login(e)),
  );
});
afterEach(async () => {
  for (const path of ['/slow', '/cap-a', '/cap-b', '/cap-c']) receiver.release(path);
  for (const hook of created.splice(0)) await http.delete(`${hooks(hook.org)}/${hook.id}`, hook.as);
});
afterAll(async () => {
  await receiver?.close();
  await stopAndClean(server);
});

async function subscribe(url: string, org = demo(), as = admin) {
  const res = await http.post(hooks(org), { url, events: ['call.created'] }, as);
  expect(res.status).toBe(201);
  created.push({ org, id: res.body.id, as });
  return res.body as { id: string };
}

let phone = 0;
async function newCall(as = agent, org = demo()) {
  const res = await http.post(`/api/v1/organizations/${org}/calls`, { direction: 'inbound', phone_number: `+4477009011${String(phone++ % 100).padStart(2, '0')}` }, as);
  expect(res.status).toBe(201);
}

async function webhook(id: string, org = demo(), as = admin) {
  const res = await http.get(`${hooks(org)}?limit=100`, as);
  expect(res.status).toBe(200);
  return res.body.items.find((h: { id: string }) => h.id === id);
}

async function deliveries(id: string, query = '') {
  const res = await http.get(`${hooks(demo())}/${id}/deliveries?limit=100${query}`, admin);
  expect(res.status).toBe(200);
  return res.body.items as any[];
}

const waitFor = <T>(fn: () => T | Promise<T>, timeout = 30_000) => vi.waitFor(fn, { timeout, interval: 25 });
const unanswered = (path: string) => receiver.at(path).filter((r) => r.answeredStatus === null);

describe('independent deliveries', () => {
  it("an endpoint that never answers delays neither its organization's other endpoints nor another organization", async () => {
    receiver.hold('/slow');
    const slow = await subscribe(`${receiver.url}/slow`);
    await subscribe(`${receiver.url}/fast`);
    const dead = await subscribe(`http://127.0.0.1:${await closedPort()}/down`);
    await subscribe(`${receiver.url}/theirs`, other(), otherAdmin);

    for (let i = 0; i < 5; i++) await newCall();
    // The slow endpoint holds its own slots (the endpoint cap) and no more ...
    await waitFor(() => expect(unanswered('/slow')).toHaveLength(ENDPOINT_CAP));
    // ... while the same organization's other endpoint gets all five, and the other organization
    // its own, with those attempts still hanging.
    await waitFor(() => expect(receiver.at('/fast').filter((r) => r.answeredStatus === 200)).toHaveLength(5));
    await newCall(otherAgent, other());
    await waitFor(() => expect(receiver.at('/theirs').filter((r) => r.answeredStatus === 200)).toHaveLength(1));
    // The endpoint that is down fails fast, is retried beside them, and ends up disabled.
    await waitFor(async () => expect((await webhook(dead.id)).disabled_at).not.toBeNull());
    expect(unanswered('/slow')).toHaveLength(ENDPOINT_CAP);
    expect(receiver.at('/slow')).toHaveLength(ENDPOINT_CAP);

    receiver.release('/slow');
    await waitFor(async () => expect(await deliveries(slow.id, '&status=delivered')).toHaveLength(5));
    expect(new Set(receiver.at('/slow').map((r) => r.headers['webhook-id'])).size).toBe(5);
  });

  it('keeps an organization within its cap of attempts in flight, whatever its number of endpoints', async () => {
    const paths = ['/cap-a', '/cap-b', '/cap-c'];
    const ids: string[] = [];
    for (const path of paths) {
      receiver.hold(path);
      ids.push((await subscribe(`${receiver.url}${path}`)).id);
    }
    await subscribe(`${receiver.url}/theirs-too`, other(), otherAdmin);
    for (let i = 0; i < 3; i++) await newCall(); // 9 deliveries, room for 6 by the endpoint cap

    const held = () => paths.flatMap((p) => unanswered(p));
    await waitFor(() => expect(held()).toHaveLength(ORG_CAP));
    // A later delivery of another organization is claimed and sent: the dispatcher is claiming,
    // and it claimed nothing more for this organization.
    await newCall(otherAgent, other());
    await waitFor(() => expect(receiver.at('/theirs-too').filter((r) => r.answeredStatus === 200)).toHaveLength(1));
    expect(held()).toHaveLength(ORG_CAP);
    for (const path of paths) expect(unanswered(path).length).toBeLessThanOrEqual(ENDPOINT_CAP);

    for (const path of paths) receiver.release(path);
    for (const id of ids) await waitFor(async () => expect(await deliveries(id, '&status=delivered')).toHaveLength(3));
  });
});

describe('an endpoint that keeps failing', () => {
  it('is disabled after the configured run of failures, says why, is audited and queues nothing more', async () => {
    const hook = await subscribe(`${receiver.url}/failing`);
    receiver.failNext('/failing', 10_000, 503);
    await newCall();

    const disabled = await waitFor(async () => {
      const h = await webhook(hook.id);
      expect(h.disabled_at).not.toBeNull();
      return h;
    });
    expect(disabled).toMatchObject({ active: false, deleted_at: null });
    expect(disabled.consecutive_failures).toBeGreaterThanOrEqual(DISABLE_AFTER_FAILURES);
    // failing for at least the configured time, by the server's own clock
    expect(Date.parse(disabled.disabled_at) - Date.parse(disabled.failing_since)).toBeGreaterThanOrEqual(DISABLE_AFTER_MS);
    expect(disabled.disabled_reason).toContain(`${disabled.consecutive_failures} failed attempts in a row since ${disabled.failing_since}`);
    expect(disabled.disabled_reason).toContain('receiver answered 503');

    // what was pending fails, saying why; nothing more is queued for it
    await waitFor(async () => expect(await deliveries(hook.id, '&status=pending')).toHaveLength(0));
    expect(await deliveries(hook.id)).toEqual([expect.objectContaining({ status: 'failed', last_error: 'webhook disabled', next_attempt_at: null })]);
    await newCall();
    expect(await deliveries(hook.id)).toHaveLength(1);

    const audit = await http.get(`/api/v1/organizations/${demo()}/audit?entity=webhook&entity_id=${hook.id}&action=disable`, admin);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      actor_type: 'system',
      action: 'disable',
      changes: { active: { before: true, after: false }, disabled_at: { before: null, after: disabled.disabled_at } },
    });
  });

  it('is re-enabled by a signed-in admin (not by a key), audited, and delivers again', async () => {
    const hook = await subscribe(`${receiver.url}/revived`);
    receiver.failNext('/revived', 10_000, 500);
    await newCall();
    await waitFor(async () => expect((await webhook(hook.id)).disabled_at).not.toBeNull());

    const key = await http.post(`/api/v1/organizations/${demo()}/api-keys`, { name: 'ops', role: 'admin' }, admin);
    expect(key.status).toBe(201);
    const byKey = await http.post(`${hooks(demo())}/${hook.id}/enable`, undefined, { apiKey: key.body.key });
    expect(byKey.status).toBe(403);
    expect(errorOf(byKey).code).toBe('FORBIDDEN');
    const byOther = await http.post(`${hooks(other())}/${hook.id}/enable`, undefined, otherAdmin);
    expect(byOther.status).toBe(404);

    const enabled = await http.post(`${hooks(demo())}/${hook.id}/enable`, undefined, admin);
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ id: hook.id, active: true, disabled_at: null, disabled_reason: null, consecutive_failures: 0, failing_since: null });
    const audit = await http.get(`/api/v1/organizations/${demo()}/audit?entity=webhook&entity_id=${hook.id}&action=enable`, admin);
    expect(audit.body.items).toEqual([expect.objectContaining({ actor_type: 'user', actor_id: admin.user.id, action: 'enable' })]);

    receiver.failNext('/revived', 0);
    const before = receiver.at('/revived').length;
    await newCall();
    await waitFor(() => expect(receiver.at('/revived').slice(before).map((r) => r.answeredStatus)).toEqual([200]));
    await waitFor(async () => expect(await deliveries(hook.id, '&status=delivered')).toHaveLength(1));
  });

  it('cannot be enabled once deleted', async () => {
    const hook = await subscribe(`${receiver.url}/gone`);
    expect((await http.delete(`${hooks(demo())}/${hook.id}`, admin)).status).toBe(200);
    const res = await http.post(`${hooks(demo())}/${hook.id}/enable`, undefined, admin);
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('CONFLICT');
  });
});
