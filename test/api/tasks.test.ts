/**
 * Seed 000's tasks: "Create and complete a task", full CRUD, my tasks, every filter, the order,
 * paging, the status machine, least-privilege permissions, cancel-by-DELETE, organization
 * isolation and the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';
import { query, sql } from '../support/store';

let server: ApiServer;
let http: Http;
let org: string;
let admin: Session;
let supervisor: Session;
let agent1: Session;
let agent2: Session;
let otherAdmin: Session;
const tasks = () => `/api/v1/organizations/${org}/tasks`;
const task = (id: string) => `${tasks()}/${id}`;
const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((t) => t.id);

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [admin, supervisor, agent1, agent2, otherAdmin] = await Promise.all(
    ['admin@demo.test', 'supervisor@demo.test', 'agent1@demo.test', 'agent2@demo.test', 'admin@other.test'].map((e) =>
      http.login(e),
    ),
  );
});
afterAll(() => stopAndClean(server));

async function createTask(body: Record<string, unknown>, as: Session = supervisor) {
  const res = await http.post(tasks(), { title: 'A task', ...body }, as);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function newPatient(lastName: string) {
  const res = await http.post(
    `/api/v1/organizations/${org}/patients`,
    { first_name: 'Fixture', last_name: lastName, phone_number: '07700 900999' },
    supervisor,
  );
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

async function auditOf(entityId: string): Promise<{ action: string; actor_id: string; auth_method: string; changes: any }[]> {
  const rows = await query<{ action: string; actor_id: string; auth_method: string; changes: string }>(
    server,
    sql`select action, actor_id, auth_method, changes from audit_log where entity = 'task' and entity_id = ${entityId} order by id`,
  );
  return rows.map((r) => ({ ...r, changes: JSON.parse(r.changes) }));
}

describe('the verification plan: create and complete a task', () => {
  it('an agent creates a task for themselves, works it and completes it', async () => {
    const due = new Date(Date.now() + 3_600_000).toISOString();
    const created = await http.post(
      tasks(),
      { title: 'Call back about results', description: 'After 4pm', priority: 'high', due_date: due },
      agent1,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      organization_id: org,
      title: 'Call back about results',
      description: 'After 4pm',
      assignee_id: agent1.user.id,
      assignee_name: 'Alex Agent',
      created_by: agent1.user.id,
      priority: 'high',
      status: 'open',
      due_date: due,
      completed_at: null,
      version: 1,
    });

    const started = await http.patch(task(created.body.id), { status: 'in_progress' }, agent1);
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('in_progress');
    const before = Date.now();
    const done = await http.patch(task(created.body.id), { status: 'completed' }, agent1);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', version: 3 });
    expect(Date.parse(done.body.completed_at)).toBeGreaterThanOrEqual(before - 1000);

    const fetched = await http.get(task(created.body.id), agent1);
    expect(fetched.body).toEqual(done.body);
    const mine = await http.get('/api/v1/users/me/tasks?status=completed', agent1);
    expect(ids(mine)).toContain(created.body.id);
  });
});

describe('CRUD', () => {
  it('creates with links to a patient and a call, reads, updates and cancels with DELETE keeping the row', async () => {
    const patient = await newPatient('Crud');
    const call = await http.post(`/api/v1/organizations/${org}/calls`, { direction: 'inbound', phone_number: '07700 900999' }, agent2);
    const created = await createTask({
      title: 'Send leaflet',
      assignee_id: agent2.user.id,
      patient_id: patient,
      call_id: call.body.id,
      due_date: '2030-06-01T10:00:00+02:00',
    });
    expect(created).toMatchObject({
      assignee_id: agent2.user.id,
      assignee_name: 'Blair Agent',
      created_by: supervisor.user.id,
      patient_id: patient,
      call_id: call.body.id,
      priority: 'normal',
      description: '',
      due_date: '2030-06-01T08:00:00.000Z', // stored in UTC whatever offset was sent
    });

    const updated = await http.patch(
      task(created.id),
      { title: 'Post leaflet', description: 'Large print', due_date: null },
      agent2,
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ title: 'Post leaflet', description: 'Large print', due_date: null, version: 2 });

    const cancelled = await http.delete(task(created.id), agent2);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: created.id, status: 'cancelled', version: 3 });

    const kept = await http.get(task(created.id), supervisor);
    expect(kept.status).toBe(200);
    expect(kept.body.status).toBe('cancelled');
    const listed = await http.get(`${tasks()}?status=cancelled&patient_id=${patient}`, supervisor);
    expect(ids(listed)).toEqual([created.id]);

    // Idempotent: cancelling again answers the same task, unchanged.
    const again = await http.delete(task(created.id), agent2);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(cancelled.body);
  });

  it('refuses invalid bodies with 422 naming the fields', async () => {
    const missing = await http.post(tasks(), { priority: 'sometime' }, supervisor);
    expect(missing.status).toBe(422);
    expect(Object.keys(errorOf(missing).details!)).toEqual(expect.arrayContaining(['title', 'priority']));

    const badDate = await http.post(tasks(), { title: 'x', due_date: 'tomorrow' }, supervisor);
    expect(badDate.status).toBe(422);
    expect(errorOf(badDate).details).toHaveProperty('due_date');
    // valid text, but in UTC it falls in year 10000
    const tooLate = await http.post(tasks(), { title: 'x', due_date: '9999-12-31T23:00:00-14:00' }, supervisor);
    expect(tooLate.status).toBe(422);
    expect(errorOf(tooLate).details).toHaveProperty('due_date');
    const tooLateFilter = await http.get(`${tasks()}?due_to=9999-12-31T23:00:00-14:00`, supervisor);
    expect(tooLateFilter.status).toBe(400);

    const t = await createTask({});
    const empty = await http.patch(task(t.id), {}, supervisor);
    expect(empty.status).toBe(422);
    const badStatus = await http.patch(task(t.id), { status: 'done' }, supervisor);
    expect(badStatus.status).toBe(422);
    expect(errorOf(badStatus).details).toHaveProperty('status');
  });

  it('refuses links to users, patients and calls that are not in the organization with 422 naming the field', async () => {
    const otherPatients = await http.get(`/api/v1/organizations/${server.orgs.other}/patients?q=margaret`, otherAdmin);
    const foreignPatient = otherPatients.body.items[0].id;
    const cases: [Record<string, unknown>, string][] = [
      [{ assignee_id: otherAdmin.user.id }, 'assignee_id'],
      [{ assignee_id: '01890000-0000-7000-8000-000000000000' }, 'assignee_id'],
      [{ patient_id: foreignPatient }, 'patient_id'],
      [{ call_id: '01890000-0000-7000-8000-000000000000' }, 'call_id'],
    ];
    for (const [body, field] of cases) {
      const res = await http.post(tasks(), { title: 'Linked', ...body }, supervisor);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(errorOf(res).details).toHaveProperty(field);
    }
  });
});

describe('GET /users/me/tasks', () => {
  it("returns exactly the caller's assigned tasks, with the filters", async () => {
    const res = await http.get('/api/v1/users/me/tasks?limit=200', agent2);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(2); // the seed gives agent2 two
    expect(res.body.items.every((t: { assignee_id: string }) => t.assignee_id === agent2.user.id)).toBe(true);
    const all = await http.get(`${tasks()}?assignee_id=${agent2.user.id}&limit=200`, supervisor);
    expect(ids(res).sort()).toEqual(ids(all).sort());

    const urgent = await http.get('/api/v1/users/me/tasks?priority=urgent', agent2);
    expect(urgent.body.items.map((t: { title: string }) => t.title)).toContain('Follow up missed call from Ravi Sharma');
    expect(urgent.body.items.every((t: { priority: string }) => t.priority === 'urgent')).toBe(true);
  });

  it('does not include tasks the caller created for someone else', async () => {
    const t = await createTask({ title: 'Made by supervisor for agent1', assignee_id: agent1.user.id });
    const mine = await http.get('/api/v1/users/me/tasks?limit=200', supervisor);
    expect(ids(mine)).not.toContain(t.id);
  });
});

describe('filters, order and paging', () => {
  let patient: string;
  const made: Record<string, string> = {};

  beforeAll(async () => {
    patient = await newPatient('Ordering');
    // One patient isolates this set from the rest of the organization's tasks.
    const specs: [string, string, string | null][] = [
      ['A', 'low', '2030-01-01T09:00:00Z'],
      ['B', 'urgent', null],
      ['C', 'urgent', '2030-01-05T09:00:00Z'],
      ['D', 'high', '2030-01-02T09:00:00Z'],
      ['E', 'normal', '2030-01-03T09:00:00Z'],
      ['F', 'urgent', '2030-01-05T09:00:00Z'], // same priority and due date as C: id breaks the tie
    ];
    for (const [name, priority, due] of specs) {
      const t = await createTask({ title: name, priority, due_date: due, patient_id: patient, assignee_id: agent1.user.id });
      made[name] = t.id;
    }
  });
  const byName = (...names: string[]) => names.map((n) => made[n]);

  it('orders by priority (urgent first), then due date with undated last, then id', async () => {
    const res = await http.get(`${tasks()}?patient_id=${patient}&include_total=true`, supervisor);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(byName('C', 'F', 'B', 'D', 'E', 'A'));
    expect(res.body.total).toBe(6);
  });

  it('pages through that order with a stable total', async () => {
    const pages = await Promise.all([1, 2, 3, 4].map((p) => http.get(`${tasks()}?patient_id=${patient}&limit=2&page=${p}&include_total=true`, supervisor)));
    expect(pages.map((p) => p.body.total)).toEqual([6, 6, 6, 6]);
    expect(pages.flatMap(ids)).toEqual(byName('C', 'F', 'B', 'D', 'E', 'A'));
    expect(pages[3]!.body.items).toEqual([]);
    expect(pages[0]!.body).toMatchObject({ page: 1, limit: 2 });
  });

  it('filters by priority, status, assignee, due range, patient and call', async () => {
    const q = (query: string) => http.get(`${tasks()}?patient_id=${patient}&${query}`, supervisor);
    expect(ids(await q('priority=urgent'))).toEqual(byName('C', 'F', 'B'));

    await http.patch(task(made.E!), { status: 'completed' }, agent1);
    expect(ids(await q('status=completed'))).toEqual(byName('E'));
    expect(ids(await q('status=open'))).toEqual(byName('C', 'F', 'B', 'D', 'A'));

    await http.patch(task(made.A!), { assignee_id: agent2.user.id }, supervisor);
    expect(ids(await q(`assignee_id=${agent2.user.id}`))).toEqual(byName('A'));

    // due_from inclusive, due_to exclusive; undated tasks fall outside any range.
    expect(ids(await q('due_from=2030-01-02T09:00:00Z&due_to=2030-01-05T09:00:00Z'))).toEqual(byName('D', 'E'));
    expect(ids(await q('due_from=2030-01-05T10:00:00%2B01:00'))).toEqual(byName('C', 'F'));
    expect(ids(await q('due_to=2030-01-02T00:00:00Z'))).toEqual(byName('A'));

    const call = await http.post(`/api/v1/organizations/${org}/calls`, { direction: 'outbound', phone_number: '07700 900998' }, supervisor);
    const linked = await createTask({ title: 'From a call', call_id: call.body.id });
    const byCall = await http.get(`${tasks()}?call_id=${call.body.id}`, supervisor);
    expect(ids(byCall)).toEqual([linked.id]);
  });

  it('answers 400 naming a malformed filter', async () => {
    const res = await http.get(`${tasks()}?status=finished&due_from=soon`, supervisor);
    expect(res.status).toBe(400);
    expect(Object.keys(errorOf(res).details!)).toEqual(expect.arrayContaining(['status', 'due_from']));
  });
});

describe('the status machine', () => {
  it('sets completed_at on completion, clears it on reopen, and refuses invalid transitions with 409', async () => {
    const t = await createTask({ assignee_id: agent1.user.id });
    const done = await http.patch(task(t.id), { status: 'completed' }, agent1);
    expect(done.body.completed_at).not.toBeNull();

    const skip = await http.patch(task(t.id), { status: 'in_progress' }, agent1);
    expect(skip.status).toBe(409);
    expect(errorOf(skip).code).toBe('INVALID_STATUS_TRANSITION');
    expect(errorOf(skip).details).toHaveProperty('status');
    const cannotCancelDone = await http.delete(task(t.id), agent1);
    expect(cannotCancelDone.status).toBe(409);

    const reopened = await http.patch(task(t.id), { status: 'open' }, agent1);
    expect(reopened.body).toMatchObject({ status: 'open', completed_at: null });

    await http.patch(task(t.id), { status: 'cancelled' }, agent1);
    const revived = await http.patch(task(t.id), { status: 'open' }, agent1);
    expect(revived.status).toBe(409);
    expect(errorOf(revived).code).toBe('INVALID_STATUS_TRANSITION');
    expect((await http.get(task(t.id), agent1)).body.status).toBe('cancelled');
  });

  it('treats the current status as no change', async () => {
    const t = await createTask({});
    const same = await http.patch(task(t.id), { status: 'open' }, supervisor);
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);
  });
});

describe('permissions', () => {
  const seeded = async (title: string) => {
    const res = await http.get(`${tasks()}?limit=200`, supervisor);
    return res.body.items.find((t: { title: string }) => t.title === title);
  };

  it("an agent sees only tasks assigned to or created by them; others' answer 404", async () => {
    const list = await http.get(`${tasks()}?limit=200`, agent1);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const t of list.body.items) expect([t.assignee_id, t.created_by]).toContain(agent1.user.id);

    const theirs = await seeded('Send clinic leaflet to Sofia Lindqvist'); // agent2's
    expect(ids(list)).not.toContain(theirs.id);
    expect((await http.get(task(theirs.id), agent1)).status).toBe(404);
    expect((await http.patch(task(theirs.id), { status: 'in_progress' }, agent1)).status).toBe(404);
    expect((await http.delete(task(theirs.id), agent1)).status).toBe(404);
    expect((await http.get(task(theirs.id), supervisor)).body.status).toBe('open');

    const filtered = await http.get(`${tasks()}?assignee_id=${agent2.user.id}`, agent1);
    expect(filtered.body.items).toEqual([]);
  });

  it('an agent creates tasks only for themselves', async () => {
    const forOther = await http.post(tasks(), { title: 'For Blair', assignee_id: agent2.user.id }, agent1);
    expect(forOther.status).toBe(403);
    expect(errorOf(forOther).code).toBe('FORBIDDEN');
    const forNull = await http.post(tasks(), { title: 'For nobody', assignee_id: null }, agent1);
    expect(forNull.status).toBe(201);
    expect(forNull.body.assignee_id).toBe(agent1.user.id);
  });

  it('an agent cannot reassign or reprioritise, but may work their task', async () => {
    const t = await createTask({ assignee_id: agent1.user.id, priority: 'normal' });
    for (const body of [{ assignee_id: agent2.user.id }, { priority: 'urgent' }, { status: 'completed', priority: 'low' }]) {
      const res = await http.patch(task(t.id), body, agent1);
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(errorOf(res).message).toBe('only supervisors reassign or reprioritise');
    }
    const unchanged = await http.get(task(t.id), agent1);
    expect(unchanged.body).toMatchObject({ status: 'open', priority: 'normal', assignee_id: agent1.user.id, version: 1 });

    // Sending back the values it already has is not a reassignment (sync clients send whole rows).
    const work = await http.patch(
      task(t.id),
      { status: 'in_progress', title: 'Renamed', due_date: '2030-02-01T00:00:00Z', priority: 'normal', assignee_id: agent1.user.id },
      agent1,
    );
    expect(work.status).toBe(200);
    expect(work.body).toMatchObject({ status: 'in_progress', title: 'Renamed', due_date: '2030-02-01T00:00:00.000Z' });
  });

  it('a supervisor reassigns and reprioritises any task; the new assignee sees it, the old one no longer', async () => {
    const t = await createTask({ title: 'To be reassigned', assignee_id: agent1.user.id });
    const res = await http.patch(task(t.id), { assignee_id: agent2.user.id, priority: 'urgent' }, supervisor);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ assignee_id: agent2.user.id, assignee_name: 'Blair Agent', priority: 'urgent' });
    expect((await http.get(task(t.id), agent2)).status).toBe(200);
    expect((await http.get(task(t.id), agent1)).status).toBe(404);
    expect(ids(await http.get('/api/v1/users/me/tasks?limit=200', agent2))).toContain(t.id);

    const unassigned = await http.patch(task(t.id), { assignee_id: null }, admin);
    expect(unassigned.body).toMatchObject({ assignee_id: null, assignee_name: null });
    expect((await http.get(task(t.id), agent2)).status).toBe(404);
  });

  it('a reassigned task stays visible to the agent who created it', async () => {
    const mine = await createTask({ title: 'Created by agent1' }, agent1);
    await http.patch(task(mine.id), { assignee_id: agent2.user.id }, supervisor);
    const still = await http.get(task(mine.id), agent1);
    expect(still.status).toBe(200);
    expect(still.body.assignee_id).toBe(agent2.user.id);
  });

  it('a supervisor can only assign to active users of the organization', async () => {
    const t = await createTask({});
    const foreign = await http.patch(task(t.id), { assignee_id: otherAdmin.user.id }, supervisor);
    expect(foreign.status).toBe(422);
    expect(errorOf(foreign).details).toHaveProperty('assignee_id');
  });
});

describe('API keys (act with their role, own nothing)', () => {
  const newKey = async (role: string) => {
    const res = await http.post(`/api/v1/organizations/${org}/api-keys`, { name: `${role} integration`, role }, admin);
    expect(res.status, res.text).toBe(201);
    return { apiKey: res.body.key as string };
  };

  it('have no "my tasks"', async () => {
    const res = await http.get('/api/v1/users/me/tasks', await newKey('supervisor'));
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
  });

  it("an agent-role key sees and creates only unowned tasks, never an agent's", async () => {
    const key = await newKey('agent');
    const agentsTask = await createTask({ assignee_id: agent1.user.id });
    expect((await http.get(task(agentsTask.id), key)).status).toBe(404);
    expect((await http.post(tasks(), { title: 'For Alex', assignee_id: agent1.user.id }, key)).status).toBe(403);

    const created = await http.post(tasks(), { title: 'From the CRM' }, key);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ assignee_id: null, created_by: null });
    const list = await http.get(`${tasks()}?limit=200`, key);
    expect(ids(list)).toContain(created.body.id);
    for (const t of list.body.items) expect([t.assignee_id, t.created_by]).toEqual([null, null]);
  });

  it('a supervisor-role key reassigns like a supervisor, and the audit names the key', async () => {
    const key = await newKey('supervisor');
    const t = await createTask({ assignee_id: agent1.user.id });
    const res = await http.patch(task(t.id), { assignee_id: agent2.user.id }, key);
    expect(res.status).toBe(200);
    expect(res.body.assignee_id).toBe(agent2.user.id);
    const last = (await auditOf(t.id)).at(-1)!;
    expect(last.auth_method).toBe('api_key');
    expect(last.changes).toEqual({ assignee_id: { before: agent1.user.id, after: agent2.user.id } });
  });
});

describe('organization isolation', () => {
  it("answers 404 on every endpoint for another organization's tasks, and changes nothing", async () => {
    const t = await createTask({ title: 'Demo only', assignee_id: agent1.user.id });
    const otherTasks = `/api/v1/organizations/${server.orgs.other}/tasks`;
    const attempts = [
      http.get(tasks(), otherAdmin),
      http.post(tasks(), { title: 'Intruder' }, otherAdmin),
      http.get(task(t.id), otherAdmin),
      http.patch(task(t.id), { status: 'completed' }, otherAdmin),
      http.delete(task(t.id), otherAdmin),
      // the right organization in the path, but the task belongs to another one
      http.get(`${otherTasks}/${t.id}`, otherAdmin),
      http.patch(`${otherTasks}/${t.id}`, { status: 'completed' }, otherAdmin),
      http.delete(`${otherTasks}/${t.id}`, otherAdmin),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status, res.text).toBe(404);
      expect(errorOf(res).code).toBe('NOT_FOUND');
      expect(res.text).not.toContain('Demo only');
    }
    const own = await http.get(`${otherTasks}?limit=200`, otherAdmin);
    expect(ids(own)).not.toContain(t.id);
    expect((await http.get(task(t.id), supervisor)).body).toMatchObject({ status: 'open', version: 1 });
  });

  it('refuses requests without a credential', async () => {
    const res = await http.get(tasks());
    expect(res.status).toBe(401);
    expect((await http.get('/api/v1/users/me/tasks')).status).toBe(401);
  });
});

describe('audit trail', () => {
  it('records create, update and cancel with the actor and field diffs', async () => {
    const t = await createTask({ title: 'Audited' }, agent1);
    await http.patch(task(t.id), { status: 'in_progress', title: 'Audited twice' }, agent1);
    await http.patch(task(t.id), { priority: 'high' }, supervisor);
    await http.delete(task(t.id), agent1);
    await http.delete(task(t.id), agent1); // already cancelled: nothing to record

    const entries = await auditOf(t.id);
    expect(entries.map((e) => e.action)).toEqual(['create', 'update', 'update', 'update']);
    expect(entries.map((e) => e.actor_id)).toEqual([agent1.user.id, agent1.user.id, supervisor.user.id, agent1.user.id]);
    expect(entries[0]!.auth_method).toBe('token');
    expect(entries[0]!.changes.title).toEqual({ before: null, after: 'Audited' });
    expect(entries[1]!.changes).toEqual({
      status: { before: 'open', after: 'in_progress' },
      title: { before: 'Audited', after: 'Audited twice' },
    });
    expect(entries[2]!.changes).toEqual({ priority: { before: 'normal', after: 'high' } });
    expect(entries[3]!.changes).toEqual({ status: { before: 'in_progress', after: 'cancelled' } });
  });
});
