/**
 * Webhooks end to end: a real receiver on 127.0.0.1, the real API process, seed 003's payload
 * format, HMAC signatures, retries with backoff from the durable queue, restarts and crashes.
 * Each test subscribes its own receiver path and deletes its webhooks afterwards.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WEBHOOK_EVENTS } from '../../src-shared/domain/enums';
import { WebhookPayload } from '../../src-shared/schemas/webhooks';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver';

const BACKOFF_BASE_MS = 200;
const MAX_ATTEMPTS = 4;
const TIMEOUT_MS = 1000;

let server: ApiServer;
let http: Http;
let receiver: WebhookReceiver;
let admin: Session;
let supervisor: Session;
let agent: Session;
let otherAdmin: Session;
let org: string;
const created: { org: string; id: string; as: Session }[] = [];

const hooks = (orgId = org) => `/api/v1/organizations/${orgId}/webhooks`;
const calls = () => `/api/v1/organizations/${org}/calls`;

beforeAll(async () => {
  [server, receiver] = await Promise.all([
    startApiServer({
      env: {
        WEBHOOK_BACKOFF_BASE_MS: String(BACKOFF_BASE_MS),
        WEBHOOK_BACKOFF_MAX_MS: '5000',
        WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
        // Far longer than any test waits: deliveries must go out because they were queued or
        // fell due, never because a poll happened to come round.
        WEBHOOK_POLL_MS: '60000',
        // the receiver is on 127.0.0.1 (test/api/webhook-targets.test.ts covers the refusal)
        WEBHOOK_ALLOW_PRIVATE_TARGETS: '1',
      },
    }),
    startWebhookReceiver(),
  ]);
  http = new Http(server.url);
  org = server.orgs.demo;
  [admin, supervisor, agent, otherAdmin] = await Promise.all(
    ['admin@demo.test', 'supervisor@demo.test', 'agent1@demo.test', 'admin@other.test'].map((e) => http.login(e)),
  );
});
afterEach(async () => {
  for (const hook of created.splice(0)) await http.delete(`${hooks(hook.org)}/${hook.id}`, hook.as);
});
afterAll(async () => {
  await receiver?.close();
  await stopAndClean(server);
});

async function subscribe(path: string, events: string[] = ['call.created', 'call.updated'], as = admin, orgId = org) {
  const res = await http.post(hooks(orgId), { url: receiver.url + path, events, description: path }, as);
  expect(res.status).toBe(201);
  created.push({ org: orgId, id: res.body.id, as });
  return res.body as { id: string; secret: string; events: string[] };
}

const newCall = (phone = '+447700900700') => http.post(calls(), { direction: 'inbound', phone_number: phone }, agent);

async function deliveries(hookId: string, query = '') {
  const res = await http.get(`${hooks()}/${hookId}/deliveries${query}`, admin);
  expect(res.status).toBe(200);
  return res.body.items as any[];
}

/** Waits until `path` has received `count` requests (answered or not) and returns them. */
async function received(path: string, count: number, timeout = 120_000): Promise<ReceivedRequest[]> {
  return vi.waitFor(
    () => {
      const got = receiver.at(path);
      if (got.length < count) throw new Error(`${path}: ${got.length}/${count} requests`);
      return got;
    },
    { timeout, interval: 20 },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('managing webhooks', () => {
  it('creates a subscription and shows its whsec_ signing secret only in the create answer', async () => {
    const res = await http.post(hooks(), { url: `${receiver.url}/manage`, events: ['call.created', 'call.created'] }, admin);
    expect(res.status).toBe(201);
    created.push({ org, id: res.body.id, as: admin });
    expect(res.body).toMatchObject({ organization_id: org, url: `${receiver.url}/manage`, events: ['call.created'], active: true, deleted_at: null });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{40,}=*$/);

    const list = await http.get(hooks(), admin);
    expect(list.status).toBe(200);
    const listed = list.body.items.find((h: { id: string }) => h.id === res.body.id);
    expect(listed).toMatchObject({ id: res.body.id, active: true });
    expect(listed).not.toHaveProperty('secret');
    expect(list.text).not.toContain(res.body.secret);
  });

  it('accepts exactly the eight events of seed 003 and refuses anything else with 422', async () => {
    const all = await http.post(hooks(), { url: `${receiver.url}/all`, events: [...WEBHOOK_EVENTS] }, admin);
    expect(all.status).toBe(201);
    created.push({ org, id: all.body.id, as: admin });
    expect(all.body.events).toEqual([...WEBHOOK_EVENTS]);

    const bad = await http.post(hooks(), { url: 'ftp://example.com/x', events: ['call.deleted'] }, admin);
    expect(bad.status).toBe(422);
    expect(Object.keys(errorOf(bad).details!)).toEqual(expect.arrayContaining(['url']));
    expect(Object.keys(errorOf(bad).details!).some((k) => k.startsWith('events'))).toBe(true);
    const none = await http.post(hooks(), { url: `${receiver.url}/x`, events: [] }, admin);
    expect(none.status).toBe(422);
  });

  it('is for admins only: supervisors and agents get 403 on every webhook endpoint', async () => {
    const hook = await subscribe('/admin-only');
    for (const who of [supervisor, agent]) {
      const attempts = [
        await http.post(hooks(), { url: `${receiver.url}/nope`, events: ['call.created'] }, who),
        await http.get(hooks(), who),
        await http.delete(`${hooks()}/${hook.id}`, who),
        await http.get(`${hooks()}/${hook.id}/deliveries`, who),
      ];
      for (const res of attempts) {
        expect(res.status).toBe(403);
        expect(errorOf(res).code).toBe('FORBIDDEN');
      }
    }
    const still = await http.get(hooks(), admin);
    expect(still.body.items.find((h: { id: string }) => h.id === hook.id).active).toBe(true);
  });

  it('creating or deleting one needs a signed-in admin: an admin-role API key may only list them', async () => {
    const key = await http.post(`/api/v1/organizations/${org}/api-keys`, { name: 'integration', role: 'admin' }, admin);
    expect(key.status).toBe(201);
    const asKey = { apiKey: key.body.key as string };
    const hook = await subscribe('/key-managed');

    const create = await http.post(hooks(), { url: `${receiver.url}/from-key`, events: ['call.created'] }, asKey);
    expect(create.status).toBe(403);
    expect(errorOf(create).code).toBe('FORBIDDEN');
    const remove = await http.delete(`${hooks()}/${hook.id}`, asKey);
    expect(remove.status).toBe(403);

    const listed = await http.get(hooks(), asKey);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((h: { id: string }) => h.id)).toContain(hook.id);
    expect((await http.get(`${hooks()}/${hook.id}/deliveries`, asKey)).status).toBe(200);
    const all = await http.get(hooks(), admin);
    expect(all.body.items.some((h: { url: string }) => h.url.endsWith('/from-key'))).toBe(false);
    expect(all.body.items.find((h: { id: string }) => h.id === hook.id).active).toBe(true);
  });

  it("hides another organization's webhooks behind 404", async () => {
    const hook = await subscribe('/foreign');
    expect((await http.get(hooks(), otherAdmin)).status).toBe(404);
    expect((await http.get(hooks(server.orgs.other), otherAdmin)).body.items.map((h: { id: string }) => h.id)).not.toContain(hook.id);
    expect((await http.get(`${hooks(server.orgs.other)}/${hook.id}/deliveries`, otherAdmin)).status).toBe(404);
    expect((await http.delete(`${hooks(server.orgs.other)}/${hook.id}`, otherAdmin)).status).toBe(404);
  });
});

describe('deliveries', () => {
  it('delivers call.created in the seed format, signed with the secret', async () => {
    const hook = await subscribe('/created');
    const call = await newCall('+447700900701');
    expect(call.status).toBe(201);

    const [req] = await received('/created', 1);
    expect(req!.method).toBe('POST');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['x-oncall-event']).toBe('call.created');
    // Standard Webhooks: verified with the reference library, as a receiver would
    const headers = req!.headers as Record<string, string>;
    expect(headers['webhook-id']).toBe(headers['x-oncall-delivery']);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(hook.secret).verify(req!.rawBody, headers)).toMatchObject({ event: 'call.created' });
    // It covers the exact bytes, the id and the timestamp: any change, or another secret, fails.
    const refuses = (body: string, h: Record<string, string>, secret = hook.secret) => () => new Webhook(secret).verify(body, h);
    expect(refuses(req!.rawBody.replace('call.created', 'call.updated'), headers)).toThrow(WebhookVerificationError);
    expect(refuses(req!.rawBody, { ...headers, 'webhook-id': 'another' })).toThrow(WebhookVerificationError);
    expect(refuses(req!.rawBody, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) })).toThrow(WebhookVerificationError);
    expect(refuses(req!.rawBody, headers, `whsec_${Buffer.from('another secret').toString('base64')}`)).toThrow(WebhookVerificationError);

    const payload = WebhookPayload.parse(req!.body);
    expect(payload).toMatchObject({
      event: 'call.created',
      data: {
        id: call.body.id,
        type: 'call',
        attributes: { id: call.body.id, phoneNumber: '+447700900701', status: 'active', organizationId: org },
      },
    });
    expect(Math.abs(Date.parse(payload.timestamp) - Date.parse(call.body.created_at))).toBeLessThan(1000);

    const log = await deliveries(hook.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      id: req!.headers['x-oncall-delivery'],
      webhook_id: hook.id,
      event: 'call.created',
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
      last_error: null,
      next_attempt_at: null,
    });
    expect(log[0].delivered_at).not.toBeNull();
  });

  it('delivers call.updated when a call is PATCHed, with the new state', async () => {
    await subscribe('/updated', ['call.updated']);
    const call = await newCall('+447700900702');
    const patched = await http.patch(`${calls()}/${call.body.id}`, { status: 'on_hold', notes: 'checking' }, agent);
    expect(patched.status).toBe(200);
    const [req] = await received('/updated', 1);
    expect(req!.body).toMatchObject({
      event: 'call.updated',
      data: { id: call.body.id, type: 'call', attributes: { status: 'on_hold', notes: 'checking' } },
    });
  });

  it('does not deliver events the webhook did not subscribe to', async () => {
    const hook = await subscribe('/only-updates', ['call.updated']);
    const call = await newCall('+447700900703');
    await http.patch(`${calls()}/${call.body.id}`, { notes: 'n' }, agent);
    await received('/only-updates', 1);
    await sleep(300); // several dispatcher polls: a call.created would have gone out by now
    expect(receiver.at('/only-updates').map((r) => r.headers['x-oncall-event'])).toEqual(['call.updated']);
    expect((await deliveries(hook.id)).map((d) => d.event)).toEqual(['call.updated']);
  });

  it("never delivers one organization's events to another's webhooks", async () => {
    await subscribe('/mine', ['call.created']);
    await subscribe('/theirs', ['call.created'], otherAdmin, server.orgs.other);
    await newCall('+447700900704');
    await received('/mine', 1);
    await sleep(300);
    expect(receiver.at('/theirs')).toHaveLength(0);
  });

  it('retries a failing receiver with exponential backoff until it succeeds', async () => {
    const hook = await subscribe('/flaky', ['call.created']);
    receiver.failNext('/flaky', 2, 503);
    await newCall('+447700900705');

    const reqs = await received('/flaky', 3);
    expect(reqs.map((r) => r.answeredStatus)).toEqual([503, 503, 200]);
    // One delivery, retried: same delivery id and body on every attempt.
    expect(new Set(reqs.map((r) => r.headers['x-oncall-delivery'])).size).toBe(1);
    expect(new Set(reqs.map((r) => r.rawBody)).size).toBe(1);
    // Waits of base, then 2 x base (a little slack for clock granularity).
    expect(reqs[1]!.receivedAt - reqs[0]!.receivedAt).toBeGreaterThanOrEqual(BACKOFF_BASE_MS - 10);
    expect(reqs[2]!.receivedAt - reqs[1]!.receivedAt).toBeGreaterThanOrEqual(2 * BACKOFF_BASE_MS - 10);

    await vi.waitFor(async () => expect((await deliveries(hook.id))[0].status).toBe('delivered'), { timeout: 120_000 });
    const [log] = await deliveries(hook.id);
    expect(log).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, last_error: null });
  });

  it('shows a pending retry in the delivery log, then gives up after the maximum attempts', async () => {
    const hook = await subscribe('/down', ['call.created']);
    receiver.failNext('/down', 1000, 500);
    const started = Date.now();
    await newCall('+447700900706');

    await received('/down', 1);
    const pending = await vi.waitFor(
      async () => {
        const [d] = await deliveries(hook.id, '?status=pending');
        expect(d?.attempts).toBeGreaterThanOrEqual(1);
        return d;
      },
      { timeout: 120_000 },
    );
    expect(pending).toMatchObject({ status: 'pending', last_status_code: 500, last_error: 'receiver answered 500' });
    expect(Date.parse(pending.next_attempt_at)).toBeGreaterThan(started);

    await vi.waitFor(async () => expect((await deliveries(hook.id, '?status=failed'))).toHaveLength(1), { timeout: 120_000 });
    const [failed] = await deliveries(hook.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_status_code: 500, next_attempt_at: null, delivered_at: null });
    expect(await deliveries(hook.id, '?status=delivered')).toHaveLength(0);
    await sleep(500);
    expect(receiver.at('/down')).toHaveLength(MAX_ATTEMPTS);
  });

  it('keeps a failing delivery across an API restart and delivers it exactly once afterwards', async () => {
    const hook = await subscribe('/restart', ['call.created']);
    receiver.failNext('/restart', 1000, 500);
    await newCall('+447700900707');
    await received('/restart', 1);
    await server.stop();
    const beforeRestart = receiver.at('/restart').length;
    receiver.failNext('/restart', 0);

    await server.restart();
    const reqs = await received('/restart', beforeRestart + 1);
    await sleep(400); // room for a duplicate to show up, if there were one
    const ok = receiver.at('/restart').filter((r) => r.answeredStatus === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0]!.headers['x-oncall-delivery']).toBe(reqs[0]!.headers['x-oncall-delivery']);
    const [log] = await deliveries(hook.id);
    expect(log).toMatchObject({ status: 'delivered', attempts: beforeRestart + 1 });
  });

  it('works through a backlog larger than one batch at once after a restart', async () => {
    // A receiver that hangs: every attempt times out, so nothing is delivered before the stop.
    // However slowly a loaded machine makes the calls below, no delivery may use up its
    // attempts while it waits: this test's server allows the most the configuration does (30);
    // the other tests keep MAX_ATTEMPTS.
    await server.restart({ WEBHOOK_MAX_ATTEMPTS: '30' });
    const hook = await subscribe('/backlog', ['call.created']);
    receiver.hold('/backlog');
    const count = 25; // far more than the endpoint's concurrency cap (4)
    for (let i = 0; i < count; i++) await newCall(`+4477009008${String(i).padStart(2, '0')}`);
    await received('/backlog', 1);
    await server.stop(); // waits for the attempts in flight to time out
    receiver.release('/backlog');
    await sleep(2 * BACKOFF_BASE_MS); // every retry is due by now

    await server.restart();
    const delivered = () => receiver.at('/backlog').filter((r) => r.answeredStatus === 200);
    // The idle poll is 60 s and the wait ends before it: each finished attempt frees a slot that
    // is filled at once, not at the next poll.
    await vi.waitFor(() => expect(delivered()).toHaveLength(count), { timeout: 120_000, interval: 20 });
    expect(new Set(delivered().map((r) => r.headers['x-oncall-delivery'])).size).toBe(count);
    await vi.waitFor(async () => expect(await deliveries(hook.id, '?status=delivered&limit=50')).toHaveLength(count), { timeout: 120_000 });
    await server.restart({ WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS) });
  });

  it('survives a crash in the middle of a delivery: the lease runs out and it is sent again', async () => {
    const hook = await subscribe('/crash', ['call.created']);
    receiver.hold('/crash');
    await newCall('+447700900708');
    const [first] = await received('/crash', 1);
    await server.stop('SIGKILL');
    receiver.release('/crash');

    await server.restart();
    // The claim's lease (timeout + 5 s) must expire before another instance may retry.
    const reqs = await received('/crash', 2);
    expect(reqs[1]!.headers['x-oncall-delivery']).toBe(first!.headers['x-oncall-delivery']);
    expect(reqs[1]!.rawBody).toBe(first!.rawBody);
    await vi.waitFor(async () => expect((await deliveries(hook.id))[0].status).toBe('delivered'), { timeout: 120_000 });
  });

  it('stops delivering once the webhook is deleted, failing what was pending', async () => {
    const hook = await subscribe('/deleted', ['call.created']);
    receiver.failNext('/deleted', 1000, 500);
    await newCall('+447700900709');
    await received('/deleted', 1);

    const del = await http.delete(`${hooks()}/${hook.id}`, admin);
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ id: hook.id, active: false });
    expect(del.body.deleted_at).not.toBeNull();
    expect(del.body).not.toHaveProperty('secret');
    const again = await http.delete(`${hooks()}/${hook.id}`, admin);
    expect(again.status).toBe(200);
    expect(again.body.deleted_at).toBe(del.body.deleted_at);

    // The failed attempt may still be finishing when the delete lands (the receiver answered
    // before the dispatcher wrote it down); its retry then finds the webhook deleted.
    await expect.poll(async () => (await deliveries(hook.id))[0]).toMatchObject({ status: 'failed', last_error: 'webhook deleted', next_attempt_at: null });
    const count = receiver.at('/deleted').length;
    await newCall('+447700900710');
    await sleep(BACKOFF_BASE_MS * 3);
    expect(receiver.at('/deleted')).toHaveLength(count);
    expect(await deliveries(hook.id)).toHaveLength(1);
    const listed = (await http.get(hooks(), admin)).body.items.find((h: { id: string }) => h.id === hook.id);
    expect(listed).toMatchObject({ active: false, deleted_at: del.body.deleted_at });
  });
});
