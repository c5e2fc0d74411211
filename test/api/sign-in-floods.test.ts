/**
 * Sign-in under attack (docs/auth.md): password hashing is bounded (503 rather than an unbounded
 * queue), accounts lock for growing delays after failures, sign-in and refresh have their own
 * per-address limits, and stored hashes move to the current scrypt cost on the next sign-in.
 * Outcomes only: which answers come back, and that a correct sign-in still gets through.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-server/db/connection';
import { loadConfig } from '../../src-server/config';
import { scryptCostOf } from '../../src-server/http/secrets';
import { PASSWORD, startApiServer, stopAndClean, TEST_SCRYPT_N, type ApiServer } from '../support/api-server';

/** generous: the wait ends as soon as the outcome arrives */
const WITHIN_MS = 60_000;
const GENERAL_PER_MINUTE = 100;

let server: ApiServer;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A POST from a chosen loopback source address, as a client elsewhere would send it. */
function postFrom(localAddress: string, path: string, body: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      `${server.url}${path}`,
      { method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
const signIn = (from: string, email: string, password = PASSWORD) => postFrom(from, '/api/v1/auth/login', { email, password });

/** Signs in, coming back after a 503 (busy) as a client told to retry would; any other answer is final. */
async function signInPatiently(from: string, email: string): Promise<Answer> {
  const deadline = Date.now() + WITHIN_MS;
  for (;;) {
    const res = await signIn(from, email);
    if (res.status !== 503 || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  server = await startApiServer({
    env: {
      RATE_LIMIT_PER_MINUTE: String(GENERAL_PER_MINUTE),
      SIGNIN_RATE_LIMIT_PER_MINUTE: '150',
      PASSWORD_HASH_CONCURRENCY: '2',
      PASSWORD_HASH_QUEUE: '8',
      SIGNIN_FREE_FAILURES: '3',
    },
  });
});
afterAll(() => stopAndClean(server));

describe('a flood of wrong passwords from one address', () => {
  it('is answered 401/429/503 at once rather than queued, and a correct sign-in from elsewhere still succeeds', async () => {
    const flood = Array.from({ length: 300 }, (_, i) => signIn('127.0.0.1', `nobody${i}@demo.test`, 'wrong-password'));
    const correct = signInPatiently('127.0.0.2', 'agent1@demo.test');
    const answers = await Promise.all(flood);
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].every((s) => [401, 429, 503].includes(s))).toBe(true);
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThan(0);
    for (const a of answers.filter((x) => x.status !== 401)) {
      expect(a.body.error.code).toMatch(/^(RATE_LIMITED|SERVICE_UNAVAILABLE)$/);
      if (a.status === 503) expect(a.headers['retry-after']).toBeDefined();
    }
    expect((await correct).status).toBe(200);
  });
});

describe('per account', () => {
  it('locks after repeated failures with growing delays, from any address; the right password works once it passes', async () => {
    const email = 'agent2@demo.test';
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) expect((await signIn(`127.0.0.${10 + i}`, email, 'wrong')).status).toBe(401);
    for (let round = 0; round < 2; round++) {
      // wait out any lock, then fail once more: the lock that follows is longer each time
      let res = await signIn('127.0.0.20', email, 'wrong');
      const deadline = Date.now() + WITHIN_MS;
      while (res.status === 429 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        res = await signIn('127.0.0.20', email, 'wrong');
      }
      expect(res.status).toBe(401);
      const locked = await signIn('127.0.0.21', email); // even the right password waits
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('RATE_LIMITED');
      seen.push(Number(locked.body.error.details.retry_after_seconds));
      expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(seen[1]).toBeGreaterThan(seen[0]!);

    const deadline = Date.now() + WITHIN_MS;
    let ok = await signIn('127.0.0.21', email);
    while (ok.status === 429 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      ok = await signIn('127.0.0.21', email);
    }
    expect(ok.status).toBe(200);
    // a success clears the record: one more failure does not lock
    expect((await signIn('127.0.0.21', email, 'wrong')).status).toBe(401);
    expect((await signIn('127.0.0.21', email)).status).toBe(200);
  });
});

describe('sign-in and refresh have their own limits', () => {
  it('sign-ins exhausting an address do not lock its clients out of refresh', async () => {
    const session = await signInPatiently('127.0.0.30', 'supervisor@demo.test');
    expect(session.status).toBe(200);
    const burst = await Promise.all(
      Array.from({ length: GENERAL_PER_MINUTE + 10 }, (_, i) => signIn('127.0.0.30', `ghost${i}@demo.test`, 'wrong')),
    );
    expect(burst.some((a) => a.status !== 401)).toBe(true);
    const refreshed = await postFrom('127.0.0.30', '/api/v1/auth/refresh', { refresh_token: session.body.refresh_token });
    expect(refreshed.status).toBe(200);
  });
});

describe('scrypt cost', () => {
  it("is OWASP's N=2^17, r=8, p=1 unless configured", () => {
    expect(scryptCostOf(loadConfig({}))).toEqual({ N: 131072, r: 8, p: 1 });
  });

  it('a hash of a lower cost is replaced by the configured one on the next successful sign-in', async () => {
    const salt = randomBytes(16);
    const old = `scrypt$4096$8$1$${salt.toString('base64url')}$${scryptSync(PASSWORD, salt, 32, { N: 4096, r: 8, p: 1 }).toString('base64url')}`;
    const db = await openDatabase(server.dbPath);
    await db.updateTable('users').set({ password_hash: old }).where('email', '=', 'admin@demo.test').execute();
    expect((await signInPatiently('127.0.0.40', 'admin@demo.test')).status).toBe(200);
    const row = await db.selectFrom('users').select('password_hash').where('email', '=', 'admin@demo.test').executeTakeFirstOrThrow();
    await db.destroy();
    expect(row.password_hash).toMatch(new RegExp(`^scrypt\\$${TEST_SCRYPT_N}\\$8\\$1\\$`));
    expect((await signInPatiently('127.0.0.40', 'admin@demo.test')).status).toBe(200);
  });
});
