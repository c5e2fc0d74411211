/**
 * The SDK against the real API: an API key alone reaches seed 000's org-scoped resources (the
 * organization learnt from GET /auth/whoami), lists walk every page as async iterators in both
 * envelopes, errors arrive typed with the API's code, details and request id, and a webhook the
 * server signs is accepted by `verifyWebhook` while a tampered one is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, OnCallApiError, OnCallClient, ValidationError, verifyWebhook, WebhookVerificationError } from '../../src-shared/sdk';
import { PASSWORD, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { eventually } from '../support/desktop-core';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/** What a call that must fail threw (typed for the assertions that follow). */
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as OnCallApiError,
  );

let server: ApiServer;
let receiver: WebhookReceiver;
let admin: OnCallClient;
let apiKey: string;

beforeAll(async () => {
  [server, receiver] = await Promise.all([startApiServer({ env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: '1' } }), startWebhookReceiver()]);
  admin = new OnCallClient({ baseUrl: server.url });
  await admin.auth.login({ email: 'admin@demo.test', password: PASSWORD });
  apiKey = (await admin.apiKeys.create({ name: 'sdk test', role: 'supervisor' })).key;
});
afterAll(async () => {
  await receiver?.close();
  if (server) await stopAndClean(server);
});

describe('OnCallClient with an API key alone', () => {
  it('learns its organization from the key and works with the org-scoped resources', async () => {
    const client = new OnCallClient({ apiKey, baseUrl: server.url });
    await expect(client.auth.whoami()).resolves.toMatchObject({ type: 'api_key', organization_id: server.orgs.demo, role: 'supervisor', name: 'sdk test' });
    await expect(admin.auth.whoami()).resolves.toMatchObject({ type: 'user', organization_id: server.orgs.demo, role: 'admin' });
    const patient = await client.patients.create({ first_name: 'Ada', last_name: 'Byron', phone_number: '07700 900881' });
    expect(patient.organization_id).toBe(server.orgs.demo);
    const task = await client.tasks.create({ title: 'Ring Ada back', patient_id: patient.id });
    expect((await client.tasks.list({ patient_id: patient.id })).items.map((t) => t.id)).toEqual([task.id]);
    expect((await client.audit.list({ entity: 'task', entity_id: task.id })).items[0]).toMatchObject({ actor_type: 'api_key', action: 'create' });
    // A key has no user: the user's own routes still refuse it, typed.
    await expect(client.users.me.tasks()).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});

describe('pagination', () => {
  it("walks every page of seed 003's and seed 000's lists as async iterators", async () => {
    const client = new OnCallClient({ apiKey, baseUrl: server.url });
    const tag = `page-walk-${Date.now()}`;
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(await client.calls.create({ phoneNumber: `+4477009002${10 + i}`, region: 'wales', priority: 'low', metadata: { tag } }));
    }
    const walked = [];
    for await (const call of client.calls.iterate({ region: 'wales', limit: 2 })) walked.push(call.id);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual(expect.arrayContaining(created.map((c) => c.id)));
    expect((await client.calls.list({ region: 'wales', limit: 2 })).items).toHaveLength(2);

    const logged = [];
    for await (const call of client.callLog.iterate({ limit: 2 })) logged.push(call.id);
    expect(new Set(logged).size).toBe(logged.length);
    expect(logged).toEqual(expect.arrayContaining(created.map((c) => c.id)));
  });
});

describe('typed errors', () => {
  it("carry the API's status, code, camelCase details and request id", async () => {
    const client = new OnCallClient({ apiKey, baseUrl: server.url });
    const err = await rejection(client.calls.create({ phoneNumber: '12', region: 'england' }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toBeInstanceOf(OnCallApiError);
    expect(err).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
    expect(err.details).toHaveProperty('phoneNumber');
    expect(err.requestId).toEqual(expect.any(String));
    expect(err.rateLimit).toMatchObject({ limit: expect.any(Number) });

    // A misspelt filter is refused, never ignored (seed 003's regulatoryBody, not regulatory_body).
    const misspelt = await rejection(client.compliance.list({ regulatory_body: 'CQC' } as never));
    expect(misspelt).toMatchObject({ status: 400 });
    expect(JSON.stringify(misspelt.details)).toContain('regulatoryBody');

    await expect(new OnCallClient({ apiKey: 'ock_nope_nope', baseUrl: server.url }).calls.list()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await expect(client.recordings.get('00000000-0000-7000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('verifyWebhook', () => {
  it('accepts a delivery the API signed and refuses it once tampered with', async () => {
    const hook = await admin.webhooks.create({ url: `${receiver.url}/sdk`, events: ['call.created'] });
    const client = new OnCallClient({ apiKey, baseUrl: server.url });
    const call = await client.calls.create({ phoneNumber: '+447700900299', region: 'scotland' });
    const delivery = await eventually(() => receiver.at('/sdk').find((r) => r.body?.data?.id === call.id), 60_000);
    const payload = await verifyWebhook<{ event: string; data: { id: string } }>(hook.secret, delivery.headers, delivery.rawBody);
    expect(payload).toMatchObject({ event: 'call.created', data: { id: call.id } });
    await expect(verifyWebhook(hook.secret, delivery.headers, delivery.rawBody.replace('scotland', 'england'))).rejects.toBeInstanceOf(WebhookVerificationError);
    const stale = { ...delivery.headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 3600) };
    await expect(verifyWebhook(hook.secret, stale, delivery.rawBody)).rejects.toThrow('tolerance');
  });
});
