/**
 * SQLite plans a statement with a bound LIMIT for that LIMIT's value, so it parses and plans it
 * again every time the parameter is bound: a cached statement with `limit ?` is prepared anew on
 * every run (src-server/db/literal-limit.ts; on the calls list a fifth of SQLite's time). This
 * drives the API, on a real port over a SQLite store, through the paths that read a bounded
 * number of rows (the lists by page and by cursor, a sync pull, a write that extends the audit
 * chain) and checks every statement it prepared: each LIMIT is written in, none is bound.
 */
import SQLite from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src-server/app';
import { loadConfig } from '../../src-server/config';
import { openDatabase, type Db } from '../../src-server/db/connection';
import { DEMO_PASSWORD, seedDemo } from '../../src-server/seed/demo';

const prepared: string[] = [];
const prepare = SQLite.prototype.prepare;
let dir: string;
let db: Db;
let app: Awaited<ReturnType<typeof buildApp>>['app'];
let base: string;
let org: string;
let token: string;

beforeAll(async () => {
  SQLite.prototype.prepare = function (this: SQLite.Database, source: string) {
    prepared.push(source);
    return prepare.call(this, source);
  } as typeof prepare;
  dir = mkdtempSync(join(tmpdir(), 'oncall-literal-limit-'));
  db = await openDatabase(join(dir, 'api.sqlite'));
  org = (await seedDemo(db)).organizationId;
  ({ app } = await buildApp({ db, config: loadConfig({ DATABASE_URL: join(dir, 'api.sqlite'), DEMO_SEED: '0', LOG_LEVEL: 'silent' }), logger: false }));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'supervisor@demo.test', password: DEMO_PASSWORD }),
  });
  token = ((await login.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  SQLite.prototype.prepare = prepare;
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}/api/v1/organizations/${org}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as { next_cursor?: string | null; items?: unknown[] } };
};

describe('LIMIT in the API’s SQL', () => {
  it('is written into every statement the lists, a pull and a write prepare, never bound', async () => {
    const created = await call('POST', '/calls', { phone_number: '+442079460001', direction: 'inbound', notes: 'limit check' });
    expect(created.status).toBe(201);
    const first = await call('GET', '/calls?limit=1&from=2000-01-01T00:00:00.000Z');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next_cursor).toBeTruthy();
    const next = await call('GET', `/calls?limit=1&from=2000-01-01T00:00:00.000Z&cursor=${first.body.next_cursor}`);
    expect(next.body.items).toHaveLength(1);
    for (const path of ['/calls?limit=5&page=2&from=2000-01-01T00:00:00.000Z', '/tasks?limit=2', '/patients?limit=3', '/audit?limit=4', `/sync/pull?client_id=${uuidv7()}&cursor=0&limit=7`]) {
      expect((await call('GET', path)).status, path).toBe(200);
    }
    const limited = prepared.filter((s) => /\blimit\b/i.test(s));
    // Not vacuous: the lists' own statements are among them, each with its page size plus one.
    for (const n of [2, 6, 3, 4, 5, 8]) expect(limited.some((s) => new RegExp(`\\blimit ${n}\\b`, 'i').test(s)), `limit ${n}`).toBe(true);
    expect(limited.filter((s) => /\blimit\s+\?/i.test(s))).toEqual([]);
  });
});
