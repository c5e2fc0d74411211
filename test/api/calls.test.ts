/** Seed 000's verification plan for calls: log a call, walk the status workflow, filters. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';
import { query, sql } from '../support/store';

let server: ApiServer;
let http: Http;
let agent1: Session;
let agent2: Session;
let supervisor: Session;
let org: string;
const calls = () => `/api/v1/organizations/${org}/calls`;

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [agent1, agent2, supervisor] = await Promise.all(
    ['agent1@demo.test', 'agent2@demo.test', 'supervisor@demo.test'].map((e) => http.login(e)),
  );
});
afterAll(() => stopAndClean(server));

describe('POST /calls', () => {
  it('creates a call record with the server starting its timer, normalising the number', async () => {
    const before = Date.now();
    const res = await http.post(calls(), { direction: 'inbound', phone_number: '07700 900555' }, agent1);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      organization_id: org,
      agent_id: agent1.user.id,
      agent_name: 'Alex Agent',
      direction: 'inbound',
      phone_number: '+447700900555',
      status: 'active',
      outcome: null,
      ended_at: null,
      duration_seconds: null,
    });
    expect(Date.parse(res.body.started_at)).toBeGreaterThanOrEqual(before - 1000);
    const fetched = await http.get(`${calls()}/${res.body.id}`, agent1);
    expect(fetched.body).toEqual(res.body);
  });

  it('links a patient and returns the patient name', async () => {
    const patients = await http.get(`/api/v1/organizations/${org}/patients?q=margaret`, agent1);
    expect(patients.status).toBe(200);
    const margaret = patients.body.items[0];
    const res = await http.post(
      calls(),
      { direction: 'outbound', phone_number: margaret.phone_number, patient_id: margaret.id },
      agent1,
    );
    expect(res.status).toBe(201);
    expect(res.body.patient_name).toBe('Margaret Hughes');
  });

  it('rejects invalid input with 422 and per-field details', async () => {
    const res = await http.post(calls(), { direction: 'sideways', phone_number: 'call me' }, agent1);
    expect(res.status).toBe(422);
    const err = errorOf(res);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(err.details!)).toEqual(expect.arrayContaining(['direction', 'phone_number']));
  });

  it('rejects a phone number that cannot exist', async () => {
    const res = await http.post(calls(), { direction: 'inbound', phone_number: '12' }, agent1);
    expect(res.status).toBe(422);
  });
});

describe('call status workflow', () => {
  it('logs a call and updates it to completed, which sets ended_at and the duration', async () => {
    const created = await http.post(calls(), { direction: 'inbound', phone_number: '+447700900556' }, agent1);
    const id = created.body.id;
    const held = await http.patch(`${calls()}/${id}`, { status: 'on_hold' }, agent1);
    expect(held.body.status).toBe('on_hold');
    expect(held.body.ended_at).toBeNull();
    const done = await http.patch(
      `${calls()}/${id}`,
      { status: 'completed', notes: 'Booked a follow-up', outcome: 'resolved' },
      agent1,
    );
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', notes: 'Booked a follow-up', outcome: 'resolved' });
    expect(done.body.ended_at).not.toBeNull();
    expect(done.body.duration_seconds).toBeGreaterThanOrEqual(0);
    expect(done.body.version).toBe(3);
  });

  it('refuses an invalid transition with 409 in the error format', async () => {
    const created = await http.post(calls(), { direction: 'inbound', phone_number: '+447700900557' }, agent1);
    await http.patch(`${calls()}/${created.body.id}`, { status: 'completed' }, agent1);
    const res = await http.patch(`${calls()}/${created.body.id}`, { status: 'active' }, agent1);
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('INVALID_STATUS_TRANSITION');
  });

  it('accepts the organization-specific disposition codes and refuses unknown ones', async () => {
    const created = await http.post(calls(), { direction: 'inbound', phone_number: '+447700900558' }, agent1);
    const custom = await http.patch(`${calls()}/${created.body.id}`, { outcome: 'prescription_query' }, agent1);
    expect(custom.status).toBe(200);
    const unknown = await http.patch(`${calls()}/${created.body.id}`, { outcome: 'made_up_code' }, agent1);
    expect(unknown.status).toBe(422);
    expect(errorOf(unknown).details).toHaveProperty('outcome');
  });

  it('wrap-up stamps ended_at, and completing afterwards keeps it', async () => {
    const created = await http.post(calls(), { direction: 'outbound', phone_number: '+447700900559' }, agent1);
    const wrap = await http.patch(`${calls()}/${created.body.id}`, { status: 'wrap_up' }, agent1);
    const done = await http.patch(`${calls()}/${created.body.id}`, { status: 'completed', outcome: 'resolved' }, agent1);
    expect(wrap.body.ended_at).not.toBeNull();
    expect(done.body.ended_at).toBe(wrap.body.ended_at);
  });
});

describe('GET /calls filters', () => {
  it("defaults to today's calls, and an agent sees only their own", async () => {
    const res = await http.get(calls(), agent2);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const c of res.body.items) {
      expect(c.agent_id).toBe(agent2.user.id);
      expect(c.started_at.slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
    }
  });

  it('filters by status, agent and date, for a supervisor', async () => {
    const missed = await http.get(`${calls()}?status=missed`, supervisor);
    expect(missed.body.items.length).toBeGreaterThan(0);
    expect(missed.body.items.every((c: { status: string }) => c.status === 'missed')).toBe(true);

    const byAgent = await http.get(`${calls()}?agent_id=${agent1.user.id}&limit=200&include_total=true`, supervisor);
    expect(byAgent.body.items.every((c: { agent_id: string }) => c.agent_id === agent1.user.id)).toBe(true);
    expect(byAgent.body.total).toBe(byAgent.body.items.length);

    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const old = await http.get(`${calls()}?date=${yesterday}`, supervisor);
    expect(old.body.items).toEqual([]);
  });

  it('pages with a stable order and a total', async () => {
    const all = await http.get(`${calls()}?limit=200&include_total=true`, supervisor);
    const page1 = await http.get(`${calls()}?limit=3&page=1&include_total=true`, supervisor);
    const page2 = await http.get(`${calls()}?limit=3&page=2`, supervisor);
    expect(page1.body.total).toBe(all.body.total);
    expect([...page1.body.items, ...page2.body.items].map((c: { id: string }) => c.id)).toEqual(
      all.body.items.slice(0, 6).map((c: { id: string }) => c.id),
    );
    const tooBig = await http.get(`${calls()}?limit=5000`, supervisor);
    expect(tooBig.status).toBe(400);
    expect(errorOf(tooBig).details).toHaveProperty('limit');
  });

  it("hides another agent's call behind 404", async () => {
    const mine = await http.post(calls(), { direction: 'inbound', phone_number: '+447700900560' }, agent1);
    const res = await http.get(`${calls()}/${mine.body.id}`, agent2);
    expect(res.status).toBe(404);
    const patch = await http.patch(`${calls()}/${mine.body.id}`, { notes: 'x' }, agent2);
    expect(patch.status).toBe(404);
  });
});

describe('GET /calls reads every call as GET /calls/{id} does', () => {
  // The list is read in one pass over its rows (on SQLite its JSON is written by the store,
  // src-server/domain/calls-list.ts); a call is read alone through the shared record mapping.
  // Both must say the same of every call, whatever its text, metadata and links.
  it('names, durations, links, text that JSON must escape and metadata of any shape', async () => {
    // keys of the call itself inside metadata, and a timestamp stored in another form: the list
    // reads a call's times out of its JSON text (domain/calls-list.ts) and must not be misled
    const lookalike = { duration_seconds: null, started_at: '2000-01-01T00:00:00.000Z', ended_at: null, id: 'not the id' };
    const patients = await http.get(`/api/v1/organizations/${org}/patients?q=margaret`, agent1);
    const margaret = patients.body.items[0];
    const awkward = 'quote " backslash \\ slash / tab \t newline \n bell \u0007 del \u007f line sep \u2028 é ü 日本 🎧';
    const made = [
      await http.post(calls(), {
        direction: 'outbound',
        phone_number: margaret.phone_number,
        patient_id: margaret.id,
        notes: awkward,
        metadata: { awkward, nested: { list: [1, 1.5, -2, 1e21, null, true, 'x'], empty: {} }, big: 1e300 },
      }, agent1),
      await http.post(calls(), { direction: 'inbound', phone_number: '+447700900570', metadata: lookalike }, agent1),
      await http.post(calls(), { direction: 'inbound', phone_number: '+447700900571', notes: '' }, agent2),
      await http.post(calls(), { direction: 'inbound', phone_number: '+447700900572' }, agent1),
      await http.post(calls(), { direction: 'inbound', phone_number: '+447700900573' }, agent1),
      await http.post(calls(), { direction: 'inbound', phone_number: '+447700900574', metadata: { nested: lookalike } }, agent1),
    ];
    for (const c of made) expect(c.status, JSON.stringify(c.body)).toBe(201);
    const [withPatient, completed, , corrupt, lostPatient, oddEnd] = made.map((c) => c.body.id as string);
    expect((await http.patch(`${calls()}/${completed}`, { status: 'completed', outcome: 'resolved' }, agent1)).status).toBe(200);
    expect((await http.patch(`${calls()}/${oddEnd}`, { status: 'completed', outcome: 'resolved' }, agent1)).status).toBe(200);
    expect((await http.patch(`${calls()}/${withPatient}`, { status: 'wrap_up' }, agent1)).status).toBe(200);
    // What no endpoint writes: stored metadata that is not an object, a patient that is gone.
    await query(server, sql`UPDATE calls SET metadata = ${'not json'} WHERE id = ${corrupt}`);
    await query(server, sql`UPDATE calls SET metadata = ${'[1,2]'}, patient_id = ${'01900000-0000-7000-8000-000000000000'} WHERE id = ${lostPatient}`);
    // an end stored without milliseconds, 90.5 s after the start (no endpoint writes this form)
    const oddStart = made[5]!.body.started_at as string;
    const oddEndAt = new Date(Date.parse(oddStart) + 90_500).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await query(server, sql`UPDATE calls SET ended_at = ${oddEndAt} WHERE id = ${oddEnd}`);

    for (const who of [supervisor, agent1, agent2]) {
      const listed: Record<string, unknown>[] = [];
      let cursor = '';
      do {
        const page = await http.get(`${calls()}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, who);
        expect(page.status).toBe(200);
        listed.push(...page.body.items);
        cursor = page.body.next_cursor ?? '';
      } while (cursor);
      const ids = listed.map((c) => c.id as string);
      if (who === supervisor) expect(ids).toEqual(expect.arrayContaining(made.map((c) => c.body.id)));
      for (const call of listed) {
        const alone = await http.get(`${calls()}/${call.id}`, who);
        expect(call).toEqual(alone.body);
      }
      const byId = new Map(listed.map((c) => [c.id, c]));
      if (who !== agent2) {
        expect(byId.get(withPatient)).toMatchObject({ patient_name: 'Margaret Hughes', agent_name: 'Alex Agent', notes: awkward, status: 'wrap_up' });
        expect((byId.get(withPatient)!.metadata as Record<string, unknown>).awkward).toBe(awkward);
        expect(byId.get(completed)).toMatchObject({ status: 'completed', outcome: 'resolved', duration_seconds: expect.any(Number), metadata: lookalike });
        expect(byId.get(oddEnd)).toMatchObject({ ended_at: oddEndAt, duration_seconds: Math.round((Date.parse(oddEndAt) - Date.parse(oddStart)) / 1000) });
        expect(byId.get(corrupt)).toMatchObject({ metadata: {}, patient_name: null, duration_seconds: null });
        expect(byId.get(lostPatient)).toMatchObject({ metadata: {}, patient_id: '01900000-0000-7000-8000-000000000000', patient_name: null });
      } else {
        expect(listed.every((c) => c.agent_id === agent2.user.id)).toBe(true);
      }
    }
  });
});

describe('PATCH /calls/{id} with nothing to change', () => {
  it('answers 422 instead of pretending to update', async () => {
    const created = await http.post(calls(), { direction: 'inbound', phone_number: '+447700900561' }, agent1);
    const res = await http.patch(`${calls()}/${created.body.id}`, {}, agent1);
    expect(res.status).toBe(422);
    expect(errorOf(res).code).toBe('VALIDATION_FAILED');
  });
});

describe('hostile metadata', () => {
  it('refuses metadata nested deeper than 32 levels with 422 instead of crashing', async () => {
    const deep = '{"a":'.repeat(6000) + '1' + '}'.repeat(6000);
    const res = await http.request('POST', calls(), {
      rawBody: `{"direction":"inbound","phone_number":"+447700900562","metadata":${deep}}`,
      headers: { 'content-type': 'application/json' },
      as: agent1,
    });
    expect(res.status).toBe(422);
    expect(errorOf(res).details).toHaveProperty('metadata');
    const ok = await http.post(calls(), { direction: 'inbound', phone_number: '+447700900562', metadata: { a: { b: { c: 1 } } } }, agent1);
    expect(ok.status).toBe(201);
  });
});
