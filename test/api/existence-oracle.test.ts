/**
 * Ids say nothing across organizations (issue 10, docs/auth.md "Roles"): creating a call, task
 * or patient with an id another organization already uses is answered exactly as with an id
 * nobody uses (it creates the caller's own record), and neither organization's record is
 * touched by the other's, through the sync push or REST. Before, the push answered CONFLICT,
 * telling the caller that the other organization had such a record.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let ours: Session; // a supervisor of the demo organization: the records' owner side
let theirs: Session; // an agent of the other organization: the prober
let theirSupervisor: Session;

const api = (org: string, path: string) => `/api/v1/organizations/${org}${path}`;
const push = (as: Session, org: string, name: string, args: Record<string, unknown>) =>
  http.post(api(org, '/sync/push'), { client_id: uuidv7(), schema_version: 2, mutations: [{ seq: 1, id: uuidv7(), name, args }] }, as);

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  [ours, theirs, theirSupervisor] = await Promise.all(['supervisor@demo.test', 'agent1@other.test', 'supervisor@other.test'].map((e) => http.login(e)));
});
afterAll(() => stopAndClean(server));

/** Records of the demo organization, made with REST; returns their ids. */
async function demoRecords() {
  const demo = server.orgs.demo;
  const patient = await http.post(api(demo, '/patients'), { first_name: 'Margaret', last_name: 'Private', phone_number: '+447700900555' }, ours);
  const call = await http.post(api(demo, '/calls'), { direction: 'inbound', phone_number: '+447700900556', notes: 'ours' }, ours);
  const task = await http.post(api(demo, '/tasks'), { title: 'ours' }, ours);
  for (const res of [patient, call, task]) expect(res.status).toBe(201);
  return { patient: patient.body.id as string, call: call.body.id as string, task: task.body.id as string };
}

const ARGS = {
  'call.create': { direction: 'outbound', phone_number: '+447700900557', notes: 'theirs' },
  'task.create': { title: 'theirs' },
  'patient.create': { first_name: 'Other', last_name: 'Person', phone_number: '+447700900558' },
} as const;
const ENTITY = { 'call.create': 'call', 'task.create': 'task', 'patient.create': 'patient' } as const;
const PATH = { call: '/calls', task: '/tasks', patient: '/patients' } as const;

describe("another organization's id", () => {
  it('is answered through the sync push exactly as an unused id: applied, as a record of the pusher', async () => {
    const existing = await demoRecords();
    const other = server.orgs.other;
    for (const name of ['call.create', 'task.create', 'patient.create'] as const) {
      const entity = ENTITY[name];
      const taken = await push(theirs, other, name, { ...ARGS[name], id: existing[entity] });
      const fresh = await push(theirs, other, name, { ...ARGS[name], id: uuidv7() });
      expect(fresh.body).toEqual({ last_mutation_seq: 1, results: [{ seq: 1, status: 'applied' }] });
      expect({ status: taken.status, body: taken.body }).toEqual({ status: fresh.status, body: fresh.body });

      // each organization reads its own record under that id, untouched by the other
      const mine = await http.get(api(other, `${PATH[entity]}/${existing[entity]}`), theirSupervisor);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ id: existing[entity], organization_id: other, version: 1 });
      const original = await http.get(api(server.orgs.demo, `${PATH[entity]}/${existing[entity]}`), ours);
      expect(original.status).toBe(200);
      expect(original.body).toMatchObject({ id: existing[entity], organization_id: server.orgs.demo, version: 1 });
    }
  });

  it("then reads and changes through REST reach only the caller's own record of that id", async () => {
    const existing = await demoRecords();
    const other = server.orgs.other;
    expect((await push(theirs, other, 'call.create', { ...ARGS['call.create'], id: existing.call })).body.results[0].status).toBe('applied');
    const patched = await http.patch(api(other, `/calls/${existing.call}`), { notes: 'changed by theirs' }, theirs);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ organization_id: other, notes: 'changed by theirs', version: 2 });
    const original = await http.get(api(server.orgs.demo, `/calls/${existing.call}`), ours);
    expect(original.body).toMatchObject({ notes: 'ours', version: 1 });
    // and each organization's list holds only its own
    const theirList = await http.get(api(other, `/calls?limit=200&from=${new Date(Date.now() - 3_600_000).toISOString()}`), theirSupervisor);
    expect(theirList.body.items.filter((c: { id: string }) => c.id === existing.call)).toEqual([expect.objectContaining({ organization_id: other })]);
  });

  it('still conflicts within one organization: its own ids are taken', async () => {
    const existing = await demoRecords();
    const again = await push(ours, server.orgs.demo, 'call.create', { ...ARGS['call.create'], id: existing.call });
    expect(again.body.results).toEqual([expect.objectContaining({ seq: 1, status: 'rejected', error: expect.objectContaining({ code: 'CONFLICT' }) })]);
  });
});
