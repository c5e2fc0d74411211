/**
 * Seed 003's per-credential rate limit holds across API instances on one PostgreSQL: a
 * credential spreading its requests over three instances (round robin, as a balancer does) is
 * counted once, gets 429 RATE_LIMITED with Retry-After exactly when its window is used up, and
 * every answer's X-RateLimit-* headers count down as if one process had served them all. Three
 * real API processes on one database, talked to directly (test/cluster puts HAProxy in front).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Res } from '../support/http';

const PER_MINUTE = 30;
const env = { RATE_LIMIT_PER_MINUTE: String(PER_MINUTE), RATE_LIMIT_PER_HOUR: '100000', RATE_LIMIT_PER_DAY: '1000000' };

const servers: ApiServer[] = [];
const via: Http[] = [];

beforeAll(async () => {
  const first = await startApiServer({ env });
  servers.push(first);
  servers.push(...(await Promise.all([1, 2].map(() => startApiServer({ env, dbPath: first.dbPath, orgs: first.orgs })))));
  via.push(...servers.map((s) => new Http(s.url)));
});
afterAll(async () => {
  for (const s of servers.slice(1)) await stopAndClean(s, { keepStore: true });
  await stopAndClean(servers[0]);
});

const headers = (res: Res) => ({
  status: res.status,
  limit: res.headers.get('x-ratelimit-limit'),
  remaining: Number(res.headers.get('x-ratelimit-remaining')),
  reset: res.headers.get('x-ratelimit-reset'),
});

describe('one credential, three instances', () => {
  it('is counted once: 429 right after the limit, headers counting down across instances', async () => {
    const calls = `/api/v1/organizations/${servers[0]!.orgs.demo}/calls`;
    let answers: ReturnType<typeof headers>[] = [];
    let limited: Res | undefined;
      // A credential of its own per attempt; another one if the minute window rolled over meanwhile.
    for (const email of ['agent1@demo.test', 'agent2@demo.test', 'admin@demo.test']) {
      const session = await via[0]!.login(email);
      answers = [];
      for (let i = 0; i < PER_MINUTE + 3; i++) {
        const res = await via[i % 3]!.get(calls, session);
        answers.push(headers(res));
        if (res.status === 429) limited ??= res;
      }
      if (new Set(answers.map((a) => a.reset)).size === 1) break;
      limited = undefined;
    }
    expect(new Set(answers.map((a) => a.reset)).size).toBe(1);
    expect(answers.map((a) => a.status)).toEqual([...Array(PER_MINUTE).fill(200), 429, 429, 429]);
    expect(answers.map((a) => a.remaining)).toEqual([...Array.from({ length: PER_MINUTE }, (_, i) => PER_MINUTE - 1 - i), 0, 0, 0]);
    expect(new Set(answers.map((a) => a.limit))).toEqual(new Set([String(PER_MINUTE)]));
    expect(errorOf(limited!).code).toBe('RATE_LIMITED');
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited!.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    // The three refusals came from the three instances (round robin). Only this credential is
    // refused: another one is served everywhere.
    const other = await via[1]!.login('supervisor@demo.test');
    for (const http of via) expect((await http.get(calls, other)).status).toBe(200);
  });
});
