/**
 * The SDK's retries and timeouts against a real local HTTP server scripted to answer 429 and
 * 503 with Retry-After (what a rate limiter, a proxy or a busy database answers): retried after
 * the wait the server asked for, a 503 on a non-idempotent request never resent (the server may
 * have acted), a wait longer than a minute left to the caller, a silent server timed out.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OnCallApiError, OnCallClient, OnCallNetworkError, RateLimitError, ServiceUnavailableError } from '../../src-shared/sdk';

/** What a call that must fail threw (typed for the assertions that follow). */
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as OnCallApiError,
  );

type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang';

let server: Server;
let baseUrl: string;
/** the next answers, in order; when empty: 200 with an empty page */
let script: Answer[] = [];
let seen: { method: string; url: string; at: number }[] = [];
const hanging: ServerResponse[] = [];

const RATE = { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '998', 'x-ratelimit-reset': '1767225600' };

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', at: Date.now() });
      const answer = script.shift() ?? { status: 200, body: { items: [], page: 1, limit: 50, nextCursor: null } };
      if (answer === 'hang') return void hanging.push(res);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...RATE, ...answer.headers });
      res.end(JSON.stringify(answer.body ?? { error: { code: answer.status === 429 ? 'RATE_LIMITED' : 'UNAVAILABLE', message: 'try later', details: {} } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  script = [];
  seen = [];
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const client = (options: { maxRetries?: number; timeoutMs?: number } = {}) =>
  new OnCallClient({ apiKey: 'ock_test_key', baseUrl, retryBaseMs: 10, ...options });

const CALL = { id: '0193a3c4-6a7b-7c8d-9e0f-a1b2c3d4e5f6', phoneNumber: '+447700900000', region: 'england', priority: 'normal', status: 'pending' };

describe('retries', () => {
  it('resends a GET after a 503, waiting the Retry-After the server asked for', async () => {
    script = [{ status: 503, headers: { 'retry-after': '1' } }, { status: 200, body: CALL }];
    await expect(client().calls.get(CALL.id)).resolves.toMatchObject({ id: CALL.id });
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET']);
    // A lower bound only: the client may wait longer on a busy machine, never less.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('resends a POST after a 429 (refused before anything ran), but never after a 503', async () => {
    script = [{ status: 429, headers: { 'retry-after': '0' } }, { status: 201, body: CALL }];
    await expect(client().calls.create({ phoneNumber: '+447700900000', region: 'england' })).resolves.toMatchObject({ id: CALL.id });
    expect(seen.map((s) => s.method)).toEqual(['POST', 'POST']);

    seen = [];
    script = [{ status: 503, headers: { 'retry-after': '0' } }, { status: 201, body: CALL }];
    const err = await rejection(client().calls.create({ phoneNumber: '+447700900000', region: 'england' }));
    expect(err).toBeInstanceOf(OnCallApiError);
    expect(err).toMatchObject({ status: 503, code: 'UNAVAILABLE', retryAfter: 0, details: {} });
    expect(seen).toHaveLength(1);
    script = [];
  });

  it('gives up after maxRetries and throws the last answer as a typed error', async () => {
    script = [503, 503, 503, 503].map((status) => ({ status, headers: { 'retry-after': '0' } }));
    const err = await rejection(client({ maxRetries: 2 }).schedules.list());
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err).toMatchObject({ name: 'ServiceUnavailableError', status: 503 });
    expect(seen).toHaveLength(3);
    script = [];
  });

  it('leaves a Retry-After beyond a minute to the caller, and sends nothing twice with maxRetries 0', async () => {
    script = [{ status: 429, headers: { 'retry-after': '3600' } }];
    const err = await rejection(client().recordings.list());
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: 3600 });
    expect(err.rateLimit).toEqual({ limit: 1000, remaining: 998, reset: 1767225600 });
    expect(seen).toHaveLength(1);

    seen = [];
    script = [{ status: 429, headers: { 'retry-after': '0' } }];
    await expect(client({ maxRetries: 0 }).compliance.list()).rejects.toMatchObject({ status: 429 });
    expect(seen).toHaveLength(1);
  });

  it('times out a silent server with OnCallNetworkError', async () => {
    script = ['hang'];
    const err = await rejection(client({ maxRetries: 0, timeoutMs: 300 }).calls.list());
    expect(err).toBeInstanceOf(OnCallNetworkError);
    expect(err.message).toContain('timed out');
  });

  it("exposes the latest answer's rate-limit headers", async () => {
    const c = client();
    expect(c.rateLimit).toBeUndefined();
    await c.calls.list({ region: 'england', status: 'active' });
    expect(c.rateLimit).toEqual({ limit: 1000, remaining: 998, reset: 1767225600 });
    expect(seen[0]!.url).toBe('/v1/oncall/calls?region=england&status=active');
  });
});
