/**
 * Patients: numbers stored in E.164 whatever format they were typed in, search by name prefix
 * or by number, the screen-pop lookup, updates, validation and organization isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';
import { query, sql } from '../support/store';

let server: ApiServer;
let http: Http;
let org: string;
let agent1: Session;
let supervisor: Session;
let otherAdmin: Session;
const patients = () => `/api/v1/organizations/${org}/patients`;
const search = (query: string, as: Session = agent1) => http.get(`${patients()}?${query}`, as);
const names = (res: { body: { items: { full_name: string }[] } }) => res.body.items.map((p) => p.full_name);

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [agent1, supervisor, otherAdmin] = await Promise.all(
    ['agent1@demo.test', 'supervisor@demo.test', 'admin@other.test'].map((e) => http.login(e)),
  );
});
afterAll(() => stopAndClean(server));

describe('POST /patients', () => {
  it('lets an agent register a caller, storing national-format numbers in E.164', async () => {
    const res = await http.post(
      patients(),
      {
        first_name: 'Niamh',
        last_name: "O'Connor",
        phone_number: '07700 900321',
        alt_phone_number: '(0161) 496 0321',
        email: 'niamh@example.org',
        date_of_birth: '1958-04-12',
        mrn: 'MRN-0042',
      },
      agent1,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      organization_id: org,
      first_name: 'Niamh',
      last_name: "O'Connor",
      full_name: "Niamh O'Connor",
      phone_number: '+447700900321',
      alt_phone_number: '+441614960321',
      email: 'niamh@example.org',
      date_of_birth: '1958-04-12',
      mrn: 'MRN-0042',
      notes: '',
      version: 1,
    });
    const fetched = await http.get(`${patients()}/${res.body.id}`, supervisor);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
  });

  it('refuses invalid input with 422 and per-field details', async () => {
    const res = await http.post(patients(), { first_name: '', phone_number: 'call me', email: 'not-an-email' }, agent1);
    expect(res.status).toBe(422);
    expect(errorOf(res).code).toBe('VALIDATION_FAILED');
    expect(Object.keys(errorOf(res).details!)).toEqual(
      expect.arrayContaining(['first_name', 'last_name', 'phone_number', 'email']),
    );

    const impossible = await http.post(patients(), { first_name: 'A', last_name: 'B', phone_number: '123' }, agent1);
    expect(impossible.status).toBe(422);
    expect(errorOf(impossible).details).toHaveProperty('phone_number');
    const badAlt = await http.post(
      patients(),
      { first_name: 'A', last_name: 'B', phone_number: '07700 900322', alt_phone_number: '99' },
      agent1,
    );
    expect(badAlt.status).toBe(422);
    expect(errorOf(badAlt).details).toHaveProperty('alt_phone_number');
  });
});

describe('GET /patients search', () => {
  it('matches a name prefix of any word of the first or last name, case-insensitively', async () => {
    expect(names(await search('q=margaret'))).toEqual(['Margaret Hughes']);
    expect(names(await search('q=MARG'))).toEqual(['Margaret Hughes']);
    expect(names(await search('q=hug'))).toEqual(['Margaret Hughes']);
    expect(names(await search('q=margaret%20hu'))).toEqual(['Margaret Hughes']);
    expect(names(await search('q=argaret'))).toEqual([]); // inside a word is not a prefix
    expect(names(await search("q=o'c"))).toEqual(["Niamh O'Connor"]);
  });

  it('treats LIKE wildcards in the query as plain text', async () => {
    const percent = await search('q=%25');
    expect(percent.status).toBe(200);
    expect(percent.body.items).toEqual([]);
    expect((await search('q=_')).body.items).toEqual([]);
  });

  it('finds a caller by a number typed in any format, on the main or the alternate number', async () => {
    for (const typed of ['07700 900101', '+44 7700 900101', '0044 7700 900101', '(07700) 900-101', '+447700900101']) {
      const res = await search(`q=${encodeURIComponent(typed)}`);
      expect(names(res), typed).toEqual(['Margaret Hughes']);
    }
    expect(names(await search(`q=${encodeURIComponent('0161 496 0321')}`))).toEqual(["Niamh O'Connor"]);
    // a fragment is neither a number nor a name
    expect((await search('q=0770')).body.items).toEqual([]);
  });

  it('looks a caller up by exact number for the screen pop', async () => {
    const hit = await search(`phone=${encodeURIComponent('+447700900102')}`);
    expect(hit.status).toBe(200);
    expect(names(hit)).toEqual(['Peter Okafor']);
    expect(hit.body.next_cursor).toBeNull();
    expect((await search(`phone=${encodeURIComponent('+447700900999')}`)).body.items).toEqual([]);

    const bad = await search('phone=not-a-number');
    expect(bad.status).toBe(400);
    expect(errorOf(bad).details).toHaveProperty('phone');
  });

  it('lists everyone ordered by last name, first name, id, in pages with a total', async () => {
    const all = await search('limit=200&include_total=true');
    const keys = all.body.items.map((p: { last_name: string; first_name: string; id: string }) => [p.last_name, p.first_name, p.id]);
    const sorted = [...keys].sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
    expect(keys).toEqual(sorted);
    expect(all.body.total).toBe(all.body.items.length);
    expect(all.body.items[0].last_name).toBe('Adeyemi');

    const page2 = await search('limit=3&page=2&include_total=true');
    expect(page2.body.total).toBe(all.body.total);
    expect(page2.body.items.map((p: { id: string }) => p.id)).toEqual(
      all.body.items.slice(3, 6).map((p: { id: string }) => p.id),
    );
  });
});

describe('PATCH /patients/{id}', () => {
  it('updates the name (and what search finds), normalises a new number, and bumps the version', async () => {
    const created = await http.post(patients(), { first_name: 'Gwen', last_name: 'Davies', phone_number: '07700 900331' }, agent1);
    const id = created.body.id;
    const res = await http.patch(`${patients()}/${id}`, { first_name: 'Gwenllian', phone_number: '0044 7700 900332', notes: 'Prefers Welsh' }, agent1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      first_name: 'Gwenllian',
      full_name: 'Gwenllian Davies',
      phone_number: '+447700900332',
      notes: 'Prefers Welsh',
      version: 2,
    });
    expect(names(await search('q=gwenl'))).toEqual(['Gwenllian Davies']);
    expect(names(await search('q=07700900332'))).toEqual(['Gwenllian Davies']);
    expect((await search('q=07700900331')).body.items).toEqual([]);

    const cleared = await http.patch(`${patients()}/${id}`, { alt_phone_number: null }, supervisor);
    expect(cleared.status).toBe(200);
    expect(cleared.body.version).toBe(2); // nothing changed

    const bad = await http.patch(`${patients()}/${id}`, { phone_number: '123' }, agent1);
    expect(bad.status).toBe(422);
    expect(errorOf(bad).details).toHaveProperty('phone_number');
    const empty = await http.patch(`${patients()}/${id}`, {}, agent1);
    expect(empty.status).toBe(422);
    expect((await http.get(`${patients()}/${id}`, agent1)).body.phone_number).toBe('+447700900332');
  });

  it('writes audit entries with the field diffs', async () => {
    const created = await http.post(patients(), { first_name: 'Audit', last_name: 'Trail', phone_number: '07700 900341' }, agent1);
    await http.patch(`${patients()}/${created.body.id}`, { last_name: 'Trails' }, supervisor);
    const rows = await query<{ action: string; actor_id: string; changes: string }>(
      server,
      sql`select action, actor_id, changes from audit_log where entity = 'patient' and entity_id = ${created.body.id} order by id`,
    );
    expect(rows.map((r) => [r.action, r.actor_id])).toEqual([
      ['create', agent1.user.id],
      ['update', supervisor.user.id],
    ]);
    expect(JSON.parse(rows[1]!.changes)).toEqual({
      last_name: { before: 'Trail', after: 'Trails' },
      search_name: { before: 'audit trail', after: 'audit trails' },
    });
  });
});

describe('organization isolation', () => {
  it("answers 404 for another organization's patients on every endpoint", async () => {
    const demoMargaret = (await search('q=margaret')).body.items[0];
    const otherPatients = `/api/v1/organizations/${server.orgs.other}/patients`;
    const attempts = await Promise.all([
      http.get(`${patients()}?q=margaret`, otherAdmin),
      http.post(patients(), { first_name: 'X', last_name: 'Y', phone_number: '07700 900351' }, otherAdmin),
      http.get(`${patients()}/${demoMargaret.id}`, otherAdmin),
      http.patch(`${patients()}/${demoMargaret.id}`, { notes: 'hijacked' }, otherAdmin),
      http.get(`${otherPatients}/${demoMargaret.id}`, otherAdmin),
      http.patch(`${otherPatients}/${demoMargaret.id}`, { notes: 'hijacked' }, otherAdmin),
    ]);
    for (const res of attempts) {
      expect(res.status, res.text).toBe(404);
      expect(errorOf(res).code).toBe('NOT_FOUND');
    }
    // The other organization has its own Margaret Hughes, never ours.
    const theirs = await http.get(`${otherPatients}?q=margaret`, otherAdmin);
    expect(theirs.body.items.map((p: { id: string }) => p.id)).not.toContain(demoMargaret.id);
    expect((await http.get(`${patients()}/${demoMargaret.id}`, agent1)).body.notes).toBe('');
  });
});
