/**
 * One timestamp schema with a sane range for every input (src-shared/schemas/common.ts), and a
 * stored timestamp the API would no longer accept (an older version's, a hand repair's) never
 * takes a list or a desktop's sync pull down: the row is listed as stored.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-server/db/connection';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let supervisor: Session;
let admin: Session;
let agent1: Session;
const FAR_END = '9999-12-31T23:59:59-23:59'; // one minute short of year 10,000 in UTC
const FAR_START = '9999-12-31T20:00:00Z';

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  [supervisor, admin, agent1] = await Promise.all(['supervisor@demo.test', 'admin@demo.test', 'agent1@demo.test'].map((e) => http.login(e)));
});
afterAll(() => stopAndClean(server));

describe('timestamp inputs outside the accepted range', () => {
  it('a schedule ending after year 9999 (in UTC) is refused with 422 and nothing is stored', async () => {
    const before = await http.get('/v1/oncall/schedules?limit=200&includeTotal=true', supervisor);
    const res = await http.post(
      '/v1/oncall/schedules',
      { staffId: agent1.user.id, type: 'regular', startTime: FAR_START, endTime: FAR_END },
      supervisor,
    );
    expect(res.status).toBe(422);
    expect(errorOf(res).code).toBe('VALIDATION_FAILED');
    expect(Object.keys(errorOf(res).details ?? {})).toContain('endTime');
    const after = await http.get('/v1/oncall/schedules?limit=200&includeTotal=true', supervisor);
    expect(after.status).toBe(200);
    expect(after.body.total).toBe(before.body.total);
  });

  it.each([FAR_END, '0001-01-01T00:00:00Z', '1899-12-31T23:59:59Z'])('an API key expiring at %s is refused with 422', async (at) => {
    const res = await http.post(`/api/v1/organizations/${server.orgs.demo}/api-keys`, { name: 'far', expires_at: at }, admin);
    expect(res.status).toBe(422);
    expect(errorOf(res).details).toHaveProperty('expires_at');
    expect((await http.get(`/api/v1/organizations/${server.orgs.demo}/api-keys`, admin)).status).toBe(200);
  });

  it('a pushed call.create starting after year 9999 is rejected alone, and pull keeps working', async () => {
    const client = uuidv7();
    const res = await http.post(
      `/api/v1/organizations/${server.orgs.demo}/sync/push`,
      {
        client_id: client,
        schema_version: 1,
        mutations: [{ seq: 1, id: uuidv7(), name: 'call.create', args: { id: uuidv7(), direction: 'inbound', phone_number: '07700 900123', started_at: FAR_END } }],
      },
      agent1,
    );
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', error: { code: 'VALIDATION_FAILED' } });
    const pulled = await http.get(`/api/v1/organizations/${server.orgs.demo}/sync/pull?client_id=${client}&cursor=0`, agent1);
    expect(pulled.status).toBe(200);
  });

  it('in-range timestamps with any offset are still accepted and stored in UTC', async () => {
    const res = await http.post(
      '/v1/oncall/schedules',
      { staffId: agent1.user.id, type: 'regular', startTime: '2199-12-31T20:00:00+02:00', endTime: '2199-12-31T23:00:00+02:00' },
      supervisor,
    );
    expect(res.status).toBe(201);
    expect(res.body.endTime).toBe('2199-12-31T21:00:00.000Z');
  });
});

describe('a stored timestamp the API would refuse today', () => {
  const STORED = '+010000-01-01T23:58:59.000Z';

  it('is listed as stored: schedules, API keys and sync pull all answer 200', async () => {
    const created = await http.post(
      '/v1/oncall/schedules',
      { staffId: agent1.user.id, type: 'regular', startTime: '2030-01-01T09:00:00Z', endTime: '2030-01-01T17:00:00Z' },
      supervisor,
    );
    expect(created.status).toBe(201);
    const key = await http.post(`/api/v1/organizations/${server.orgs.demo}/api-keys`, { name: 'stored-far' }, admin);
    expect(key.status).toBe(201);

    const db = await openDatabase(server.dbPath);
    await db.updateTable('schedules').set({ end_time: STORED }).where('id', '=', created.body.id).execute();
    await db.updateTable('api_keys').set({ expires_at: STORED }).where('id', '=', key.body.id).execute();
    await db.destroy();

    const schedules = await http.get('/v1/oncall/schedules?limit=200&includeTotal=true', supervisor);
    expect(schedules.status).toBe(200);
    expect(schedules.body.items.find((s: { id: string }) => s.id === created.body.id)?.endTime).toBe(STORED);
    const one = await http.get(`/v1/oncall/schedules/${created.body.id}`, supervisor);
    expect(one.status).toBe(200);

    const keys = await http.get(`/api/v1/organizations/${server.orgs.demo}/api-keys`, admin);
    expect(keys.status).toBe(200);

    for (const who of [agent1, supervisor]) {
      const pulled = await http.get(`/api/v1/organizations/${server.orgs.demo}/sync/pull?client_id=${uuidv7()}&cursor=0&limit=2000`, who);
      expect(pulled.status).toBe(200);
    }
    const pulled = await http.get(`/api/v1/organizations/${server.orgs.demo}/sync/pull?client_id=${uuidv7()}&cursor=0&limit=2000`, agent1);
    expect(pulled.body.changes.some((c: { id: string }) => c.id === created.body.id)).toBe(true);
  });
});
