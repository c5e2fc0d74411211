/** The SDK's Standard Webhooks check: a genuine delivery passes; a changed body, a wrong secret or a stale timestamp does not. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../../src-shared/sdk';

const secret = `whsec_${Buffer.from('a 32-byte key for the test suite').toString('base64')}`;
const body = JSON.stringify({ event: 'call.created', timestamp: '2026-12-03T02:00:00Z', data: { id: 'x', type: 'call', attributes: {} } });
const id = 'msg_2k9';
const now = new Date('2026-12-03T02:00:10Z');
const timestamp = String(Math.floor(now.getTime() / 1000) - 10);
/** Signed independently with node:crypto, as the Standard Webhooks spec describes. */
const signature = `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,bm90IGl0 ${signature}` };

describe('verifyWebhook', () => {
  it('accepts a genuine delivery (any of several signatures) and returns the payload', async () => {
    await expect(verifyWebhook(secret, headers, body, { now })).resolves.toMatchObject({ event: 'call.created' });
    await expect(verifyWebhook(secret, new Headers(headers), body, { now })).resolves.toMatchObject({ event: 'call.created' });
  });

  it('refuses a changed body, another secret, a stale timestamp and missing headers', async () => {
    await expect(verifyWebhook(secret, headers, body.replace('created', 'updated'), { now })).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(verifyWebhook(`whsec_${Buffer.from('another key').toString('base64')}`, headers, body, { now })).rejects.toThrow('no matching signature');
    await expect(verifyWebhook(secret, headers, body, { now: new Date(now.getTime() + 3_600_000) })).rejects.toThrow('tolerance');
    await expect(verifyWebhook(secret, { 'webhook-id': id }, body, { now })).rejects.toThrow('missing');
  });
});
