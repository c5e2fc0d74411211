/**
 * Seed 003's rate limits: X-RateLimit-* on every response, 429 RATE_LIMITED with Retry-After once
 * a credential's window is used up, counted per credential (token, API key) and per address for
 * unauthenticated traffic.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Res, type Session } from '../support/http';

function rateHeaders(res: Res) {
  return {
    limit: Number(res.headers.get('x-ratelimit-limit')),
    remaining: Number(res.headers.get('x-ratelimit-remaining')),
    reset: Number(res.headers.get('x-ratelimit-reset')),
  };
}

/** A GET sent from another loopback address, to be another client as far as the API can tell. */
function getFrom(localAddress: string, url: string): Promise<{ status: number; remaining: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, remaining: res.headers['x-ratelimit-remaining'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('X-RateLimit headers', () => {
  let server: ApiServer;
  let http: Http;
  beforeAll(async () => {
    server = await startApiServer();
    http = new Http(server.url);
  });
  afterAll(() => stopAndClean(server));

  it('are on every response: success, public routes, and every kind of error', async () => {
    const agent = await http.login('agent1@demo.test');
    const org = server.orgs.demo;
    const responses = {
      ok: await http.get(`/api/v1/organizations/${org}/calls`, agent),
      health: await http.get('/health'),
      login: await http.post('/api/v1/auth/login', { email: 'agent2@demo.test', password: 'demo-password' }),
      unauthorized: await http.get(`/api/v1/organizations/${org}/calls`),
      forbidden: await http.get(`/api/v1/organizations/${org}/audit`, agent),
      notFound: await http.get('/api/v1/no-such-route', agent),
      invalid: await http.post(`/api/v1/organizations/${org}/calls`, { direction: 'up' }, agent),
      badJson: await http.request('POST', `/api/v1/organizations/${org}/calls`, {
        rawBody: '{"direction":',
        headers: { 'content-type': 'application/json' },
        as: agent,
      }),
    };
    expect(Object.fromEntries(Object.entries(responses).map(([k, r]) => [k, r.status]))).toEqual({
      ok: 200,
      health: 200,
      login: 200,
      unauthorized: 401,
      forbidden: 403,
      notFound: 404,
      invalid: 422,
      badJson: 400,
    });
    const now = Date.now() / 1000;
    for (const [name, res] of Object.entries(responses)) {
      const h = rateHeaders(res);
      // sign-in has its own per-address limit (docs/auth.md), the rest the general one
      const limit = name === 'login' ? 60 : 1000;
      expect(h.limit, name).toBe(limit);
      expect(h.remaining, name).toBeGreaterThanOrEqual(0);
      expect(h.remaining, name).toBeLessThan(limit);
      // Unix seconds at which the minute window ends.
      expect(h.reset, name).toBeGreaterThan(now - 1);
      expect(h.reset, name).toBeLessThanOrEqual(Math.ceil(now) + 60);
    }
  });

  it('count down per credential', async () => {
    const agent = await http.login('supervisor@demo.test');
    const path = `/api/v1/organizations/${server.orgs.demo}/calls`;
    const first = rateHeaders(await http.get(path, agent));
    const second = rateHeaders(await http.get(path, agent));
    expect(second.remaining).toBe(first.remaining - 1);
  });
});

describe('with 5 requests per minute', () => {
  let server: ApiServer;
  let http: Http;
  let agent1: Session;
  let agent2: Session;
  let admin: Session;
  let apiKey: string;
  let apiKeyId: string;
  let path: string;

  beforeAll(async () => {
    server = await startApiServer({
      env: { RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_PER_HOUR: '1000', RATE_LIMIT_PER_DAY: '10000' },
    });
    http = new Http(server.url);
    path = `/api/v1/organizations/${server.orgs.demo}/calls`;
    // The windows are fixed minutes: start early in one so the whole sequence fits in it.
    const leftInMinute = 60_000 - (Date.now() % 60_000);
    if (leftInMinute < 25_000) await new Promise((r) => setTimeout(r, leftInMinute + 100));
    // Three sign-ins: 3 of this address's 5 unauthenticated requests.
    admin = await http.login('admin@demo.test');
    [agent1, agent2] = [await http.login('agent1@demo.test'), await http.login('agent2@demo.test')];
    const key = await http.post(`/api/v1/organizations/${server.orgs.demo}/api-keys`, { name: 'limited', role: 'agent' }, admin);
    apiKey = key.body.key;
    apiKeyId = key.body.id;
  });
  afterAll(() => stopAndClean(server));

  it('answers the 6th request in the window with 429 RATE_LIMITED, Retry-After and the headers', async () => {
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await http.get(path, agent1);
      expect(res.status).toBe(200);
      expect(rateHeaders(res).limit).toBe(5);
      remaining.push(rateHeaders(res).remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);

    const limited = await http.get(path, agent1);
    expect(limited.status).toBe(429);
    const err = errorOf(limited);
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.details).toMatchObject({ limit: 5 });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const h = rateHeaders(limited);
    expect(h).toMatchObject({ limit: 5, remaining: 0 });
    // Retry-After and X-RateLimit-Reset name the same moment: the end of this minute.
    expect(Math.abs(h.reset - (Date.now() / 1000 + retryAfter))).toBeLessThanOrEqual(2);
    expect(h.reset % 60).toBe(0);

    // Refused requests do not count: it stays refused, but no deeper in debt.
    expect((await http.get(path, agent1)).status).toBe(429);
  });

  it("limits per credential: another user's token and an API key still pass", async () => {
    const other = await http.get(path, agent2);
    expect(other.status).toBe(200);
    expect(rateHeaders(other).remaining).toBe(4);
    for (let i = 0; i < 5; i++) expect((await http.get(path, { apiKey })).status).toBe(200);
    const keyLimited = await http.get(path, { apiKey });
    expect(keyLimited.status).toBe(429);
    expect(errorOf(keyLimited).code).toBe('RATE_LIMITED');
    expect((await http.get(path, agent2)).status).toBe(200);

    // Only the five served requests count as uses of the key: refused ones write nothing.
    const uses = await http.get(`/api/v1/organizations/${server.orgs.demo}/audit?action=key_use&actor_id=${apiKeyId}&include_total=true`, admin);
    expect(uses.body.total).toBe(5);
  });

  it('limits unauthenticated requests per address, which a forged X-Forwarded-For does not change', async () => {
    // Sign-ins count against their own limit (test/api/sign-in-floods.test.ts), not this window:
    // five unauthenticated requests use it up.
    for (let i = 0; i < 5; i++) expect((await http.get('/health')).status).toBe(200);

    const limited = await http.get('/health');
    expect(limited.status).toBe(429);
    expect(errorOf(limited).code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).not.toBeNull();
    const forged = await http.request('GET', '/health', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(forged.status).toBe(429);
    // A bad credential is unauthenticated traffic from this address as well.
    expect((await http.get(path, { token: 'oca_not-a-real-token' })).status).toBe(429);

    // Another address has its own window, and signed-in users here are unaffected.
    const elsewhere = await getFrom('127.0.0.2', `${server.url}/health`);
    expect(elsewhere).toEqual({ status: 200, remaining: '4' });
    expect((await http.get(path, agent2)).status).toBe(200);
  });
});
