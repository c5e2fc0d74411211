/**
 * Free-form `metadata` (calls, schedules, recordings, compliance) and `details` (compliance) are
 * merged on PATCH; the stored result is capped in size and key count (MAX_METADATA_BYTES,
 * MAX_METADATA_KEYS), 422 beyond, and the audit entries of such changes stay bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_METADATA_BYTES, MAX_METADATA_KEYS } from '../../src-shared/schemas/common';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let agent: Session;
let supervisor: Session;
let callId: string;
let shiftDays = 0;

/** `n` keys `${prefix}0..` each holding `size` characters. */
const keys = (n: number, prefix: string, size = 8) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'x'.repeat(size)]));

interface Target {
  name: string;
  field: 'metadata' | 'details';
  path: () => Promise<string>;
}
const targets: Target[] = [
  {
    name: 'call metadata',
    field: 'metadata',
    path: async () => {
      const res = await http.post('/v1/oncall/calls', { phoneNumber: '+447700900000', region: 'england' }, agent);
      return `/v1/oncall/calls/${res.body.id}`;
    },
  },
  {
    name: 'schedule metadata',
    field: 'metadata',
    path: async () => {
      // a day per shift: one person never holds two shifts at once (409)
      const day = `2030-03-${String(10 + shiftDays++).padStart(2, '0')}`;
      const res = await http.post(
        '/v1/oncall/schedules',
        { staffId: agent.user.id, type: 'regular', startTime: `${day}T09:00:00Z`, endTime: `${day}T17:00:00Z` },
        supervisor,
      );
      return `/v1/oncall/schedules/${res.body.id}`;
    },
  },
  {
    name: 'recording metadata',
    field: 'metadata',
    path: async () => {
      const res = await http.post('/v1/oncall/recordings', { callId, url: 'https://storage.example.com/r/1.mp3', duration: 30 }, agent);
      return `/v1/oncall/recordings/${res.body.id}`;
    },
  },
  {
    name: 'compliance details',
    field: 'details',
    path: async () => {
      const res = await http.post(
        '/v1/oncall/compliance',
        { callId, region: 'england', regulatoryBody: 'CQC', checkType: 'retention' },
        supervisor,
      );
      return `/v1/oncall/compliance/${res.body.id}`;
    },
  },
];

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  [agent, supervisor] = await Promise.all(['agent1@demo.test', 'supervisor@demo.test'].map((e) => http.login(e)));
  callId = (await http.post('/v1/oncall/calls', { phoneNumber: '+447700900001', region: 'england' }, agent)).body.id;
});
afterAll(() => stopAndClean(server));

describe.each(targets)('$name', ({ field, path }) => {
  // supervisors may write all four; agents neither schedules nor compliance
  const as = () => supervisor;

  it('refuses a PATCH whose merge would exceed the key count, and keeps what was stored', async () => {
    const url = await path();
    const first = keys(MAX_METADATA_KEYS - 10, 'a');
    expect((await http.patch(url, { [field]: first }, as())).status).toBe(200);
    const res = await http.patch(url, { [field]: keys(20, 'b') }, as());
    expect(res.status).toBe(422);
    expect(errorOf(res).code).toBe('VALIDATION_FAILED');
    expect(errorOf(res).details).toHaveProperty(field);
    const stored = await http.get(url, as());
    expect(Object.keys(stored.body[field])).toHaveLength(MAX_METADATA_KEYS - 10);
    // replacing keys that are already there does not grow it: still accepted
    expect((await http.patch(url, { [field]: keys(20, 'a', 12) }, as())).status).toBe(200);
  });

  it('refuses a PATCH whose merge would exceed the stored size', async () => {
    const url = await path();
    const chunk = Math.floor(MAX_METADATA_BYTES / 8);
    expect((await http.patch(url, { [field]: keys(5, 'p', chunk) }, as())).status).toBe(200);
    const res = await http.patch(url, { [field]: keys(5, 'q', chunk) }, as());
    expect(res.status).toBe(422);
    expect(errorOf(res).details).toHaveProperty(field);
    const stored = await http.get(url, as());
    expect(JSON.stringify(stored.body[field]).length).toBeLessThanOrEqual(MAX_METADATA_BYTES);
  });
});

describe('the flood from the security review', () => {
  it('one PATCH with 30,000 new keys (under the body limit) is refused', async () => {
    const url = await targets[0]!.path();
    const res = await http.patch(url, { metadata: keys(30_000, 'k', 1) }, agent);
    expect(res.status).toBe(422);
    expect(errorOf(res).details).toHaveProperty('metadata');
  });

  it('creates are held to the same limits', async () => {
    const res = await http.post('/v1/oncall/calls', { phoneNumber: '+447700900002', region: 'england', metadata: keys(MAX_METADATA_KEYS + 1, 'c') }, agent);
    expect(res.status).toBe(422);
  });

  it('audit entries of metadata changes stay small, and a small change is still recorded key by key', async () => {
    const url = await targets[0]!.path();
    const id = url.split('/').at(-1)!;
    const chunk = Math.floor(MAX_METADATA_BYTES / 8);
    for (const prefix of ['m', 'n', 'o']) {
      expect((await http.patch(url, { metadata: keys(2, prefix, chunk) }, agent)).status).toBe(200);
    }
    expect((await http.patch(url, { metadata: { assigned_staff: 'staff_123' } }, agent)).status).toBe(200);
    const entries = await http.get(`/api/v1/organizations/${server.orgs.demo}/audit?entity=call&entity_id=${id}&action=update`, supervisor);
    expect(entries.status).toBe(200);
    expect(entries.body.items).toHaveLength(4);
    for (const entry of entries.body.items) expect(JSON.stringify(entry.changes).length).toBeLessThan(8192);
    const latest = entries.body.items[0].changes.metadata;
    expect(JSON.stringify(latest.after)).toContain('staff_123');
  });
});
