/**
 * Keyset pagination (`next_cursor` / `nextCursor`) and the total on request, through both
 * facades on a real API: a walk by cursor returns every row exactly once even while rows are
 * being inserted, keeps the filters, and a cursor the list did not issue is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Res, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let agent1: Session;
let supervisor: Session;
let org: string;
const calls = () => `/api/v1/organizations/${org}/calls`;
const patients = () => `/api/v1/organizations/${org}/patients`;
const ONCALL_CALLS = '/v1/oncall/calls';

type Item = { id: string };
const ids = (items: Item[]) => items.map((i) => i.id);

/** Follows the cursor from the first page to the last; `between` runs after each page. */
async function walk(url: string, as: Session, key: 'next_cursor' | 'nextCursor', between?: () => Promise<void>) {
  const pages: Res[] = [];
  for (let cursor: string | null = null; ; ) {
    const res: Res = await http.get(cursor ? `${url}&cursor=${encodeURIComponent(cursor)}` : url, as);
    expect(res.status, res.text).toBe(200);
    pages.push(res);
    cursor = res.body[key];
    if (cursor === null) break;
    expect(typeof cursor).toBe('string');
    await between?.();
  }
  return { pages, items: pages.flatMap((p) => p.body.items as Item[]) };
}

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [agent1, supervisor] = await Promise.all(['agent1@demo.test', 'supervisor@demo.test'].map((e) => http.login(e)));
  // 30 calls today across two statuses, so that pages of 7 end in the middle of each.
  for (let i = 0; i < 30; i++) {
    const res = await http.post(calls(), { direction: 'inbound', phone_number: `07700 900${String(200 + i)}`, status: i % 3 ? 'active' : 'pending' }, agent1);
    expect(res.status).toBe(201);
  }
});
afterAll(() => stopAndClean(server));

describe('next_cursor', () => {
  it('walks the same rows in the same order as one big page, and is null on the last page', async () => {
    const all = await http.get(`${calls()}?limit=200`, supervisor);
    expect(all.body.next_cursor).toBeNull();
    const { pages, items } = await walk(`${calls()}?limit=7`, supervisor, 'next_cursor');
    expect(ids(items)).toEqual(ids(all.body.items));
    expect(pages.length).toBe(Math.ceil(all.body.items.length / 7));
    expect(pages.slice(0, -1).every((p) => p.body.items.length === 7)).toBe(true);
  });

  it('returns every row exactly once while calls are logged concurrently (OFFSET pages would repeat rows)', async () => {
    const before = await http.get(`${calls()}?limit=200`, supervisor);
    const existing = ids(before.body.items);
    let done = false;
    const inserted: string[] = [];
    const inserter = (async () => {
      // New calls are the newest: they land at the head of the list, ahead of the walk.
      while (!done) {
        const res = await http.post(calls(), { direction: 'outbound', phone_number: '07700 900999' }, agent1);
        expect(res.status).toBe(201);
        inserted.push(res.body.id);
      }
    })();
    const { items } = await walk(`${calls()}?limit=5`, supervisor, 'next_cursor', () => new Promise((r) => setTimeout(r, 20)));
    done = true;
    await inserter;
    expect(inserted.length).toBeGreaterThan(0);
    const seen = ids(items);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of existing) expect(seen).toContain(id);
    expect(seen.filter((id) => !existing.includes(id)).every((id) => inserted.includes(id))).toBe(true);
  });

  it('returns every row exactly once while rows are inserted on both sides of the walk (patients by name)', async () => {
    const before = await walk(`${patients()}?limit=100`, supervisor, 'next_cursor');
    const existing = ids(before.items);
    let n = 0;
    const { items } = await walk(`${patients()}?limit=2`, supervisor, 'next_cursor', async () => {
      // One name sorting first, one sorting last: one behind the walk, one ahead of it.
      for (const last of ['Aaaron', 'Zzzyzx']) {
        const res = await http.post(patients(), { first_name: `Walk${n++}`, last_name: last, phone_number: '07700 900321' }, supervisor);
        expect(res.status).toBe(201);
      }
    });
    const seen = ids(items);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of existing) expect(seen).toContain(id);
    const names = items.map((p) => (p as Item & { last_name: string }).last_name);
    expect(names).not.toContain('Aaaron'); // all sort before the first page's position
    expect(names.filter((l) => l === 'Zzzyzx').length).toBeGreaterThan(0); // the ones ahead are reached
  });

  it('keeps the filters on every page', async () => {
    const all = await http.get(`${calls()}?status=pending&limit=200`, supervisor);
    expect(all.body.items.length).toBeGreaterThanOrEqual(10);
    const { items } = await walk(`${calls()}?status=pending&limit=3`, supervisor, 'next_cursor');
    expect(items.every((c) => (c as Item & { status: string }).status === 'pending')).toBe(true);
    expect(ids(items)).toEqual(ids(all.body.items));
    // an agent's walk stays within their own calls
    const mine = await walk(`${calls()}?limit=4`, agent1, 'next_cursor');
    expect(mine.items.every((c) => (c as Item & { agent_id: string }).agent_id === agent1.user.id)).toBe(true);
  });

  it('walks the task queue order, including undated tasks, through the cursor', async () => {
    const due = ['2031-01-03T09:00:00Z', null, '2031-01-01T09:00:00Z', null, '2031-01-02T09:00:00Z'];
    for (const [i, d] of due.entries()) {
      const res = await http.post(`/api/v1/organizations/${org}/tasks`, { title: `walk ${i}`, priority: 'low', due_date: d }, supervisor);
      expect(res.status).toBe(201);
    }
    const all = await http.get(`/api/v1/organizations/${org}/tasks?limit=200`, supervisor);
    const { items } = await walk(`/api/v1/organizations/${org}/tasks?limit=2`, supervisor, 'next_cursor');
    expect(ids(items)).toEqual(ids(all.body.items));
  });

  it('answers 400 in the error format for a cursor the list did not issue', async () => {
    const page = await http.get(`${calls()}?limit=2`, supervisor);
    const cursor: string = page.body.next_cursor;
    const tasksCursor: string = (await http.get(`/api/v1/organizations/${org}/tasks?limit=1`, supervisor)).body.next_cursor;
    const forged = Buffer.from(JSON.stringify(['calls', { $gt: '' }, 'x'])).toString('base64url');
    for (const bad of ['garbage!', 'e30', cursor.slice(0, -4), tasksCursor, forged, 'x'.repeat(600)]) {
      const res = await http.get(`${calls()}?limit=2&cursor=${encodeURIComponent(bad)}`, supervisor);
      expect(res.status, bad).toBe(400);
      expect(errorOf(res).code).toBe('BAD_REQUEST');
      expect(errorOf(res).details).toHaveProperty('cursor');
    }
  });
});

describe('total on request', () => {
  it('counts only for include_total=true, and the count matches the walk', async () => {
    const plain = await http.get(`${calls()}?limit=3`, supervisor);
    expect(plain.body).not.toHaveProperty('total');
    expect(plain.body).toMatchObject({ page: 1, limit: 3 });
    const counted = await http.get(`${calls()}?limit=3&include_total=true`, supervisor);
    const { items } = await walk(`${calls()}?limit=50`, supervisor, 'next_cursor');
    expect(counted.body.total).toBe(items.length);
    expect((await http.get(`${calls()}?include_total=yes`, supervisor)).status).toBe(400);
  });
});

describe("seed 003's facade", () => {
  it('pages by nextCursor and counts for includeTotal=true', async () => {
    const all = await http.get(`${ONCALL_CALLS}?limit=200&includeTotal=true`, supervisor);
    expect(all.body.total).toBe(all.body.items.length);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body).not.toHaveProperty('next_cursor');
    const { items } = await walk(`${ONCALL_CALLS}?limit=6`, supervisor, 'nextCursor');
    expect(ids(items)).toEqual(ids(all.body.items));
    const bad = await http.get(`${ONCALL_CALLS}?cursor=nope`, supervisor);
    expect(bad.status).toBe(400);
    expect(errorOf(bad).details).toHaveProperty('cursor');
  });
});
