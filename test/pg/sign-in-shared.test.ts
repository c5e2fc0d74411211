/**
 * The per-account sign-in lock (docs/auth.md, "Per account") holds across API instances on one
 * PostgreSQL: failures counted on one instance lock the account on every other, and a success
 * on any of them clears the run. Two real API processes on one database.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PASSWORD, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http } from '../support/http';

const FREE_FAILURES = 3;
const env = { SIGNIN_FREE_FAILURES: String(FREE_FAILURES), SIGNIN_MAX_DELAY_SECONDS: '2' };

let first: ApiServer;
let second: ApiServer;
let a: Http;
let b: Http;

beforeAll(async () => {
  first = await startApiServer({ env });
  second = await startApiServer({ env, dbPath: first.dbPath, orgs: first.orgs });
  [a, b] = [new Http(first.url), new Http(second.url)];
});
afterAll(async () => {
  await stopAndClean(second, { keepStore: true });
  await stopAndClean(first);
});

const signIn = (via: Http, email: string, password = PASSWORD) => via.post('/api/v1/auth/login', { email, password });

describe('the account lock with two API instances', () => {
  it('counts failures on every instance together and locks the account on all of them', async () => {
    const email = 'agent2@demo.test';
    // the free failures, spread over both instances
    for (let i = 0; i < FREE_FAILURES; i++) expect((await signIn(i % 2 ? b : a, email, 'wrong')).status).toBe(401);
    // one more, on the second: the account is now locked on the first too, right password or not
    expect((await signIn(b, email, 'wrong')).status).toBe(401);
    const locked = await signIn(a, email);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await signIn(b, email)).status).toBe(429);

    // once the lock passes the right password works, and that clears the run everywhere
    await vi.waitFor(async () => expect((await signIn(a, email)).status).toBe(200), { timeout: 120_000, interval: 250 });
    expect((await signIn(b, email, 'wrong')).status).toBe(401);
    expect((await signIn(a, email)).status).toBe(200);
  });

  it('counts an unknown email the same way, so the lock reveals nothing', async () => {
    const email = 'nobody-here@demo.test';
    for (let i = 0; i <= FREE_FAILURES; i++) expect((await signIn(i % 2 ? b : a, email, 'wrong')).status).toBe(401);
    expect((await signIn(a, email, 'wrong')).status).toBe(429);
  });
});
