/** Sign-in, bearer tokens, refresh rotation, logout and expiry, as a client sees them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let admin: Session;
let org: string;
const login = (email: string, password = PASSWORD) => http.post('/api/v1/auth/login', { email, password });
const refresh = (token: string) => http.post('/api/v1/auth/refresh', { refresh_token: token });
const calls = () => `/api/v1/organizations/${org}/calls`;
const audit = (query: string) => http.get(`/api/v1/organizations/${org}/audit?${query}`, admin);

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  admin = await http.login('admin@demo.test');
});
afterAll(() => stopAndClean(server));

describe('POST /auth/login', () => {
  it('answers a token pair and the user for the right password', async () => {
    const res = await login('Agent1@Demo.test');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      user: { email: 'agent1@demo.test', role: 'agent', organization_id: org, name: 'Alex Agent' },
    });
    expect(res.body.access_token).toMatch(/^oca_/);
    expect(res.body.refresh_token).toMatch(/^ocr_/);
    expect(res.text).not.toContain('password');
    const me = await http.get(calls(), { token: res.body.access_token });
    expect(me.status).toBe(200);
  });

  it('answers 401 with the same message for a wrong password and an unknown email', async () => {
    const wrong = await login('agent1@demo.test', 'not-the-password');
    const unknown = await login('nobody@demo.test', 'not-the-password');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(errorOf(res).code).toBe('UNAUTHORIZED');
    }
    expect(errorOf(wrong).message).toBe(errorOf(unknown).message);
    expect(wrong.body).not.toHaveProperty('access_token');
  });

  it('validates the body with 422 and per-field details', async () => {
    const res = await http.post('/api/v1/auth/login', { email: 'not-an-email' });
    expect(res.status).toBe(422);
    expect(Object.keys(errorOf(res).details!)).toEqual(expect.arrayContaining(['email', 'password']));
  });

  it('records sign-ins and failed sign-ins in the audit log, with request id and address', async () => {
    const ok = await login('agent2@demo.test');
    const failed = await login('agent2@demo.test', 'guess');
    const userId = ok.body.user.id;

    const logins = await audit(`action=login&actor_id=${userId}`);
    expect(logins.status).toBe(200);
    expect(logins.body.items[0]).toMatchObject({
      actor_type: 'user',
      actor_id: userId,
      auth_method: 'password',
      action: 'login',
      entity: 'session',
      request_id: ok.headers.get('x-request-id'),
      ip: '127.0.0.1',
    });
    const failures = await audit(`action=login_failed&actor_id=${userId}`);
    expect(failures.body.items[0]).toMatchObject({
      actor_id: userId,
      action: 'login_failed',
      entity: 'user',
      entity_id: userId,
      request_id: failed.headers.get('x-request-id'),
    });
    // The entries never carry the credentials themselves.
    expect(logins.text).not.toContain(ok.body.access_token);
    expect(logins.text + failures.text).not.toContain('guess');
  });
});

describe('bearer tokens', () => {
  it('refuses protected routes without a credential, or with a token that does not exist', async () => {
    const none = await http.get(calls());
    expect(none.status).toBe(401);
    expect(errorOf(none).code).toBe('UNAUTHORIZED');
    const bogus = await http.get(calls(), { token: 'oca_this-token-was-never-issued' });
    expect(bogus.status).toBe(401);
  });

  it('answers 401 in the error format for a malformed Authorization header', async () => {
    for (const authorization of [`Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer', 'Bearer two tokens', admin.token]) {
      const res = await http.request('GET', calls(), { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(errorOf(res).code).toBe('UNAUTHORIZED');
    }
  });
});

describe('POST /auth/refresh', () => {
  it('rotates the pair: the new tokens work, the old refresh token answers 401 (and revokes the family)', async () => {
    const first = await http.login('supervisor@demo.test');
    const res = await refresh(first.refreshToken);
    expect(res.status).toBe(200);
    expect(res.body.access_token).not.toBe(first.token);
    expect(res.body.refresh_token).not.toBe(first.refreshToken);
    expect((await http.get(calls(), { token: res.body.access_token })).status).toBe(200);

    const reused = await refresh(first.refreshToken);
    expect(reused.status).toBe(401);
    expect(errorOf(reused).code).toBe('UNAUTHORIZED');
    // Rotation ends the old session, its access token included.
    expect((await http.get(calls(), first)).status).toBe(401);
    // The reuse revoked the whole family, the new pair included (test/api/sessions.test.ts).
    expect((await refresh(res.body.refresh_token)).status).toBe(401);

    const entries = await audit(`action=refresh&actor_id=${first.user.id}`);
    expect(entries.body.items[0]).toMatchObject({ auth_method: 'refresh_token', entity: 'session' });
  });

  it('refuses a refresh token that is unknown, or an access token passed as one', async () => {
    const session = await http.login('agent1@demo.test');
    expect((await refresh('ocr_0000000000000000000000000000')).status).toBe(401);
    expect((await refresh(session.token)).status).toBe(401);
  });
});

describe('POST /auth/logout', () => {
  it('revokes the session: its access and refresh tokens stop working, other sessions do not', async () => {
    const a = await http.login('agent2@demo.test');
    const b = await http.login('agent2@demo.test');
    const res = await http.post('/api/v1/auth/logout', undefined, a);
    expect(res.status).toBe(204);
    const after = await http.get(calls(), a);
    expect(after.status).toBe(401);
    expect(errorOf(after).code).toBe('UNAUTHORIZED');
    expect((await refresh(a.refreshToken)).status).toBe(401);
    expect((await http.get(calls(), b)).status).toBe(200);

    const entries = await audit(`action=logout&actor_id=${a.user.id}`);
    expect(entries.body.items[0]).toMatchObject({ auth_method: 'token', entity: 'session' });
  });
});

describe('access token expiry', () => {
  let shortLived: ApiServer;
  beforeAll(async () => {
    shortLived = await startApiServer({ env: { ACCESS_TOKEN_TTL_SECONDS: '1' } });
  });
  afterAll(() => stopAndClean(shortLived));

  it('answers 401 TOKEN_EXPIRED once the access token expires, and refresh recovers', async () => {
    const api = new Http(shortLived.url);
    const session = await api.login('agent1@demo.test');
    const path = `/api/v1/organizations/${shortLived.orgs.demo}/calls`;
    const answer = async (token: string) => {
      const res = await api.get(path, { token });
      return res.status === 200 ? 'ok' : `${res.status} ${errorOf(res).code}`;
    };
    expect(['ok', '401 TOKEN_EXPIRED']).toContain(await answer(session.token));
    // The token lives one second: wait for the outcome, not for a fixed time.
    await expect.poll(() => answer(session.token)).toBe('401 TOKEN_EXPIRED');

    // Refresh answers a working pair. A loaded machine can take longer than a token's one-second
    // life between two requests, so each round rotates the pair and tries the new token at once;
    // a pair that never works would fail every round.
    let refreshToken = session.refreshToken;
    const verdicts: string[] = [];
    for (let round = 0; round < 10 && !verdicts.includes('ok'); round++) {
      const renewed = await api.post('/api/v1/auth/refresh', { refresh_token: refreshToken });
      expect(renewed.status).toBe(200);
      expect(renewed.body.expires_in).toBe(1);
      refreshToken = renewed.body.refresh_token;
      verdicts.push(await answer(renewed.body.access_token));
    }
    expect(verdicts).toContain('ok');
    expect(verdicts.filter((v) => v !== 'ok' && v !== '401 TOKEN_EXPIRED')).toEqual([]);
  });
});
