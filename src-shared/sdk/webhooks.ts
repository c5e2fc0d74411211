/**
 * Verifies a webhook delivery the Standard Webhooks way (docs/webhooks.md): the signature is
 * HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<raw body>` with the secret's key (the
 * base64 after `whsec_`), sent as `v1,<base64>` (several, space-separated, during a secret
 * rotation); a timestamp outside the tolerance is refused so a captured delivery cannot be
 * replayed later. WebCrypto only, so it runs in Node 20+ and browsers alike.
 */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

export interface WebhookHeaders {
  get?(name: string): string | null;
  [name: string]: unknown;
}

export interface VerifyOptions {
  /** seconds a delivery's timestamp may be away from now; default 300 */
  toleranceSeconds?: number;
  /** for tests: the current time */
  now?: Date;
}

const encoder = new TextEncoder();

function header(headers: WebhookHeaders | Headers, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? String(value[0]) : typeof value === 'string' ? value : undefined;
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The `v1,<base64>` signature of a payload (what the sender computes). */
export async function signWebhook(secret: string, id: string, timestamp: number | string, body: string): Promise<string> {
  const raw = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = await crypto.subtle.importKey('raw', base64ToBytes(raw) as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${bytesToBase64(new Uint8Array(mac))}`;
}

/**
 * Checks a delivery and returns its parsed JSON payload; throws WebhookVerificationError when
 * a header is missing, the timestamp is outside the tolerance or no signature matches.
 * `body` must be the raw text received, before any JSON parsing.
 */
export async function verifyWebhook<T = unknown>(
  secret: string,
  headers: WebhookHeaders | Headers,
  body: string,
  options: VerifyOptions = {},
): Promise<T> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature');
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('invalid webhook-timestamp');
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - Number(timestamp)) > tolerance) throw new WebhookVerificationError('webhook-timestamp outside the tolerance');
  const expected = (await signWebhook(secret, id, timestamp, body)).slice('v1,'.length);
  const matches = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .some((s) => constantTimeEqual(s.slice('v1,'.length), expected));
  if (!matches) throw new WebhookVerificationError('no matching signature');
  return JSON.parse(body) as T;
}
