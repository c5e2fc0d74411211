/**
 * Sync push (docs/sync-protocol.md): a desktop client's outbox applied in seq order, each
 * mutation exactly once, permanently invalid ones rejected without blocking the queue,
 * transient failures retried without losing or doubling anything.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PUSH_BATCH } from '../../src-shared/schemas/sync';
import { ROOT, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';
import { holdWriteLock, query, sql } from '../support/store';

let server: ApiServer;
let http: Http;
let agent1: Session;
let agent2: Session;
let supervisor: Session;
let org: string;
const api = (path: string) => `/api/v1/organizations/${org}${path}`;

interface Mutation {
  seq: number;
  id: string;
  name: string;
  args: Record<string, unknown>;
}
const mutation = (seq: number, name: string, args: Record<string, unknown>): Mutation => ({ seq, id: uuidv7(), name, args });
const push = (as: Session, clientId: string, mutations: Mutation[], extra: Record<string, unknown> = {}) =>
  http.post(api('/sync/push'), { client_id: clientId, schema_version: 2, mutations, ...extra }, as);
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [agent1, agent2, supervisor] = await Promise.all(
    ['agent1@demo.test', 'agent2@demo.test', 'supervisor@demo.test'].map((e) => http.login(e)),
  );
});
afterAll(() => stopAndClean(server));

describe('applying a batch', () => {
  const client = uuidv7();
  const callId = uuidv7();
  let batch: Mutation[];

  it('applies the mutations in order as the pushing user, with the times the client reports', async () => {
    const started = minutesAgo(10);
    const ended = minutesAgo(5);
    batch = [
      mutation(1, 'call.create', { id: callId, direction: 'inbound', phone_number: '07700 900777', started_at: started }),
      mutation(2, 'call.update', { id: callId, status: 'completed', outcome: 'resolved', notes: 'Booked', at: ended }),
    ];
    const res = await push(agent1, client, batch);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      last_mutation_seq: 2,
      results: [
        { seq: 1, status: 'applied' },
        { seq: 2, status: 'applied' },
      ],
    });

    const call = await http.get(api(`/calls/${callId}`), agent1);
    expect(call.body).toMatchObject({
      id: callId,
      agent_id: agent1.user.id,
      phone_number: '+447700900777',
      status: 'completed',
      outcome: 'resolved',
      notes: 'Booked',
      started_at: started,
      ended_at: ended,
      duration_seconds: 300,
      version: 2,
    });
  });

  it('writes each applied mutation to the audit log as the pushing user', async () => {
    const audit = await http.get(`/api/v1/organizations/${org}/audit?entity_id=${callId}`, supervisor);
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e: any) => [e.action, e.actor_id])).toEqual([
      ['update', agent1.user.id],
      ['create', agent1.user.id],
    ]);
  });

  it('answers a replayed batch (a lost response) with duplicates and changes nothing', async () => {
    const res = await push(agent1, client, batch);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      last_mutation_seq: 2,
      results: [
        { seq: 1, status: 'duplicate' },
        { seq: 2, status: 'duplicate' },
      ],
    });
    expect((await http.get(api(`/calls/${callId}`), agent1)).body.version).toBe(2);
  });

  it('treats a mutation id it has processed as a duplicate even under a new seq', async () => {
    const res = await push(agent1, client, [{ ...batch[1]!, seq: 3 }]);
    expect(res.body).toEqual({ last_mutation_seq: 3, results: [{ seq: 3, status: 'duplicate' }] });
    expect((await http.get(api(`/calls/${callId}`), agent1)).body.version).toBe(2);
  });

  it('refuses a gap in seq with 409 SEQUENCE_GAP naming the last processed seq', async () => {
    const res = await push(agent1, client, [mutation(5, 'call.update', { id: callId, notes: 'late' })]);
    expect(res.status).toBe(409);
    const err = errorOf(res);
    expect(err.code).toBe('SEQUENCE_GAP');
    expect(err.details).toEqual({ last_mutation_seq: 3 });
    expect((await http.get(api(`/calls/${callId}`), agent1)).body.notes).toBe('Booked');
  });

  it('answers an empty batch with where the client stands', async () => {
    const res = await push(agent1, client, []);
    expect(res.body).toEqual({ last_mutation_seq: 3, results: [] });
  });

  it('processes a batch that starts with already processed mutations from the first new one', async () => {
    const res = await push(agent1, client, [
      { ...batch[1]!, seq: 3 },
      mutation(4, 'call.update', { id: callId, notes: 'Booked for Thursday' }),
    ]);
    expect(res.body).toEqual({
      last_mutation_seq: 4,
      results: [
        { seq: 3, status: 'duplicate' },
        { seq: 4, status: 'applied' },
      ],
    });
    expect((await http.get(api(`/calls/${callId}`), agent1)).body.notes).toBe('Booked for Thursday');
  });

  it('records the outcome durably: after a restart a replay is still a duplicate', async () => {
    await server.restart();
    const res = await push(agent1, client, batch);
    expect(res.body.results.map((r: any) => r.status)).toEqual(['duplicate', 'duplicate']);
    const next = await push(agent1, client, [mutation(5, 'call.update', { id: callId, notes: 'after restart' })]);
    expect(next.body).toEqual({ last_mutation_seq: 5, results: [{ seq: 5, status: 'applied' }] });
    expect((await http.get(api(`/calls/${callId}`), agent1)).body.version).toBe(4);
  });
});

describe('a full batch', () => {
  it('is written together: each applied change audited once, in order, a refused one leaves nothing, one change row per record, the chain intact', async () => {
    const client = uuidv7();
    const ids = Array.from({ length: MAX_PUSH_BATCH / 2 }, () => uuidv7());
    const refused = new Set(ids.filter((_, i) => i % 50 === 7));
    const mutations = ids.flatMap((id, i) => [
      mutation(2 * i + 1, 'call.create', { id, direction: 'outbound', phone_number: '07700 900123' }),
      mutation(2 * i + 2, 'call.update', refused.has(id) ? { id, status: 'no-such-status' } : { id, status: 'completed', outcome: 'resolved' }),
    ]);
    const res = await push(agent2, client, mutations);
    expect(res.status).toBe(200);
    expect(res.body.last_mutation_seq).toBe(MAX_PUSH_BATCH);
    const statuses = res.body.results.map((r: { status: string }) => r.status);
    expect(statuses.filter((x: string) => x === 'rejected')).toHaveLength(refused.size);
    expect(statuses.filter((x: string) => x === 'applied')).toHaveLength(MAX_PUSH_BATCH - refused.size);

    const audited = await query<{ entity_id: string; action: string }>(
      server,
      sql`SELECT entity_id, action FROM audit_log WHERE entity = 'call' AND entity_id IN (${sql.join(ids)}) ORDER BY id`,
    );
    // in the order the mutations were applied
    expect(audited).toEqual(ids.flatMap((id) => (refused.has(id) ? [{ entity_id: id, action: 'create' }] : [{ entity_id: id, action: 'create' }, { entity_id: id, action: 'update' }])));
    const changeRows = await query<{ entity_id: string; n: number }>(
      server,
      sql`SELECT entity_id, count(*) AS n FROM changes WHERE entity = 'call' AND entity_id IN (${sql.join(ids)}) GROUP BY entity_id`,
    );
    expect(changeRows).toHaveLength(ids.length);
    expect(changeRows.every((r) => Number(r.n) === 1)).toBe(true);
    const done = await http.get(api(`/calls/${ids[0]}`), agent2);
    expect(done.body).toMatchObject({ status: 'completed', outcome: 'resolved', version: 2 });
    const kept = await http.get(api(`/calls/${[...refused][0]}`), agent2);
    expect(kept.body).toMatchObject({ status: 'active', version: 1 });

    const verified = await promisify(execFile)('npm', ['run', '--silent', 'audit:verify', '--', server.dbPath], { cwd: ROOT });
    expect(verified.stdout).toMatch(/audit chain intact: \d+ entries/);
  });
});

describe('a created row that breaks a constraint no rule checks', () => {
  // Created rows are written together at the batch's end. A constraint only the database knows
  // (here a unique index an operator added; on PostgreSQL also another instance's insert of the
  // same id) fails that write for the whole batch: the batch runs again row by row, so the one
  // mutation is refused and the others apply, instead of a 500 that the client retries for ever.
  it('is refused on its own, and the rest of the batch applies', async () => {
    await query(server, sql`CREATE UNIQUE INDEX probe_unique_notes ON calls (organization_id, notes) WHERE notes LIKE 'unique probe%'`);
    try {
      const client = uuidv7();
      const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
      const res = await push(agent1, client, [
        mutation(1, 'call.create', { id: a, direction: 'inbound', phone_number: '07700 900123', notes: 'unique probe' }),
        mutation(2, 'call.create', { id: b, direction: 'inbound', phone_number: '07700 900123', notes: 'unique probe' }),
        mutation(3, 'call.create', { id: c, direction: 'inbound', phone_number: '07700 900123', notes: 'another call' }),
        mutation(4, 'call.update', { id: a, status: 'completed' }),
      ]);
      expect(res.status).toBe(200);
      expect(res.body.last_mutation_seq).toBe(4);
      expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'rejected', 'applied', 'applied']);
      expect(res.body.results[1].error.code).toBe('CONFLICT');
      expect((await http.get(api(`/calls/${a}`), agent1)).body).toMatchObject({ status: 'completed', version: 2 });
      expect((await http.get(api(`/calls/${b}`), agent1)).status).toBe(404);
      expect((await http.get(api(`/calls/${c}`), agent1)).status).toBe(200);
    } finally {
      await query(server, sql`DROP INDEX probe_unique_notes`);
    }
  });
});

describe('rejected mutations', () => {
  it('rejects what can never apply with the error object, and still moves on', async () => {
    const client = uuidv7();
    const created = await http.post(api('/calls'), { direction: 'inbound', phone_number: '+447700900778' }, agent1);
    await http.patch(api(`/calls/${created.body.id}`), { status: 'completed' }, agent1);
    const othersCall = await http.post(api('/calls'), { direction: 'inbound', phone_number: '+447700900779' }, agent2);
    const seededTask = (await http.get('/api/v1/users/me/tasks', agent1)).body.items[0];
    const patientId = uuidv7();

    const res = await push(agent1, client, [
      mutation(1, 'call.update', { id: uuidv7(), notes: 'no such call' }),
      mutation(2, 'call.update', { id: created.body.id, status: 'active' }),
      mutation(3, 'call.create', { id: uuidv7(), direction: 'sideways', phone_number: 'call me' }),
      mutation(4, 'task.update', { id: seededTask.id, assignee_id: agent2.user.id }),
      mutation(5, 'call.update', { id: othersCall.body.id, notes: 'not my call' }),
      mutation(6, 'call.create', { id: created.body.id, direction: 'inbound', phone_number: '+447700900778' }),
      mutation(7, 'patient.create', { id: patientId, first_name: 'Nia', last_name: 'Evans', phone_number: '07700 900780' }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.last_mutation_seq).toBe(7);
    const [missing, transition, invalid, forbidden, othersCallRes, duplicateId, applied] = res.body.results;
    expect(missing).toMatchObject({ seq: 1, status: 'rejected', error: { code: 'NOT_FOUND' } });
    expect(transition).toMatchObject({ seq: 2, status: 'rejected', error: { code: 'INVALID_STATUS_TRANSITION' } });
    expect(invalid).toMatchObject({ seq: 3, status: 'rejected', error: { code: 'VALIDATION_FAILED' } });
    expect(Object.keys(invalid.error.details)).toEqual(expect.arrayContaining(['direction', 'phone_number']));
    expect(forbidden).toMatchObject({ seq: 4, status: 'rejected', error: { code: 'FORBIDDEN' } });
    // re-authorised as the pushing agent: another agent's call does not exist for them
    expect(othersCallRes).toMatchObject({ seq: 5, status: 'rejected', error: { code: 'NOT_FOUND' } });
    expect(duplicateId).toMatchObject({ seq: 6, status: 'rejected', error: { code: 'CONFLICT' } });
    expect(applied).toEqual({ seq: 7, status: 'applied' });

    expect((await http.get(api(`/tasks/${seededTask.id}`), supervisor)).body.assignee_id).toBe(agent1.user.id);
    expect((await http.get(api(`/calls/${othersCall.body.id}`), agent2)).body.notes).toBe('');
    expect((await http.get(api(`/patients/${patientId}`), agent1)).body.full_name).toBe('Nia Evans');
  });

  it('refuses an unsupported schema_version with 400 and processes nothing', async () => {
    const client = uuidv7();
    const res = await push(agent1, client, [mutation(1, 'call.update', { id: uuidv7(), notes: 'x' })], { schema_version: 99 });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('BAD_REQUEST');
    expect((await push(agent1, client, [])).body.last_mutation_seq).toBe(0);
  });

  it('refuses a batch whose seqs do not increase by one with 422', async () => {
    const res = await push(agent1, uuidv7(), [
      mutation(1, 'call.update', { id: uuidv7(), notes: 'a' }),
      mutation(3, 'call.update', { id: uuidv7(), notes: 'b' }),
    ]);
    expect(res.status).toBe(422);
    expect(errorOf(res).details).toHaveProperty(['mutations.1.seq']);
  });

  it('refuses an unknown mutator name with 422 naming the field', async () => {
    const res = await push(agent1, uuidv7(), [mutation(1, 'call.delete', { id: uuidv7() })]);
    expect(res.status).toBe(422);
    expect(Object.keys(errorOf(res).details!)).toContain('mutations.0.name');
  });
});

describe('clients and users', () => {
  it('binds a client id to the user who first pushed with it: anyone else gets 403', async () => {
    const client = uuidv7();
    const callId = uuidv7();
    await push(agent1, client, [mutation(1, 'call.create', { id: callId, direction: 'outbound', phone_number: '+447700900781' })]);
    const res = await push(agent2, client, [mutation(2, 'call.create', { id: uuidv7(), direction: 'outbound', phone_number: '+447700900782' })]);
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    const pulled = await http.get(api(`/sync/pull?client_id=${client}`), agent2);
    expect(pulled.status).toBe(403);
    expect((await push(agent1, client, [])).body.last_mutation_seq).toBe(1);
  });

  it('answers 404 for another organization', async () => {
    const res = await http.post(
      `/api/v1/organizations/${server.orgs.other}/sync/push`,
      { client_id: uuidv7(), schema_version: 1, mutations: [] },
      agent1,
    );
    expect(res.status).toBe(404);
  });

  it('applies a mutation once when the same batch is pushed twice at the same time', async () => {
    const client = uuidv7();
    const patientId = uuidv7();
    const batch = [
      mutation(1, 'patient.create', { id: patientId, first_name: 'Ada', last_name: 'Twice', phone_number: '+447700900783' }),
      mutation(2, 'patient.update', { id: patientId, notes: 'called twice' }),
    ];
    const [a, b] = await Promise.all([push(agent1, client, batch), push(agent1, client, batch)]);
    const statuses = [...a.body.results, ...b.body.results].map((r: any) => r.status).sort();
    expect(statuses).toEqual(['applied', 'applied', 'duplicate', 'duplicate']);
    expect((await http.get(api(`/patients/${patientId}`), agent1)).body.version).toBe(2);
  });
});

describe('each mutator', () => {
  it('task.create and task.update: an agent creates and works their own task', async () => {
    const client = uuidv7();
    const taskId = uuidv7();
    const res = await push(agent1, client, [
      mutation(1, 'task.create', { id: taskId, title: 'Call back about results', priority: 'high' }),
      mutation(2, 'task.update', { id: taskId, status: 'in_progress' }),
      mutation(3, 'task.update', { id: taskId, description: 'After 4pm' }),
    ]);
    expect(res.body.results.map((r: any) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const task = await http.get(api(`/tasks/${taskId}`), agent1);
    expect(task.body).toMatchObject({
      title: 'Call back about results',
      priority: 'high',
      status: 'in_progress',
      description: 'After 4pm',
      assignee_id: agent1.user.id,
      created_by: agent1.user.id,
      version: 3,
    });
  });

  it('patient.create and patient.update: only the fields sent change', async () => {
    const client = uuidv7();
    const patientId = uuidv7();
    const res = await push(agent2, client, [
      mutation(1, 'patient.create', {
        id: patientId,
        first_name: 'Rhys',
        last_name: 'Morgan',
        phone_number: '07700 900784',
        notes: 'Prefers mornings',
      }),
      mutation(2, 'patient.update', { id: patientId, last_name: 'Morgan-Jones' }),
    ]);
    expect(res.body.results.map((r: any) => r.status)).toEqual(['applied', 'applied']);
    const patient = await http.get(api(`/patients/${patientId}`), agent1);
    expect(patient.body).toMatchObject({
      full_name: 'Rhys Morgan-Jones',
      phone_number: '+447700900784',
      notes: 'Prefers mornings',
      version: 2,
    });
  });

  it('call.update carries only the changed fields: a concurrent supervisor edit of another field survives', async () => {
    const created = await http.post(api('/calls'), { direction: 'inbound', phone_number: '+447700900785' }, agent1);
    await http.patch(api(`/calls/${created.body.id}`), { priority: 'urgent' }, supervisor);
    const res = await push(agent1, uuidv7(), [mutation(1, 'call.update', { id: created.body.id, notes: 'Chest pain' })]);
    expect(res.body.results[0].status).toBe('applied');
    const call = await http.get(api(`/calls/${created.body.id}`), agent1);
    expect(call.body).toMatchObject({ priority: 'urgent', notes: 'Chest pain' });
  });
});

describe('merging with a concurrent reassignment', () => {
  it("keeps both the supervisor's reassignment and the agent's offline status change", async () => {
    const task = await http.post(api('/tasks'), { title: 'Chase referral', assignee_id: agent1.user.id }, supervisor);
    expect(task.status).toBe(201);
    const reassigned = await http.patch(api(`/tasks/${task.body.id}`), { assignee_id: agent2.user.id }, supervisor);
    expect(reassigned.body.assignee_id).toBe(agent2.user.id);

    // agent1 completed it offline, before learning of the reassignment (on version 1, the one it had)
    const res = await push(agent1, uuidv7(), [mutation(1, 'task.update', { id: task.body.id, status: 'completed', based_on: 1 })]);
    expect(res.body.results[0]).toEqual({ seq: 1, status: 'applied' });
    const merged = await http.get(api(`/tasks/${task.body.id}`), supervisor);
    expect(merged.body).toMatchObject({ assignee_id: agent2.user.id, status: 'completed' });
  });

  it('gives a former owner only the status: other fields, and agents who never owned it, are refused', async () => {
    const task = await http.post(api('/tasks'), { title: 'Book transport', assignee_id: agent1.user.id }, supervisor);
    await http.patch(api(`/tasks/${task.body.id}`), { assignee_id: agent2.user.id }, supervisor);

    const client = uuidv7();
    const res = await push(agent1, client, [
      mutation(1, 'task.update', { id: task.body.id, title: 'Renamed offline', based_on: 1 }),
      mutation(2, 'task.update', { id: task.body.id, status: 'in_progress', due_date: minutesAgo(-60), based_on: 1 }),
    ]);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected']);
    expect(res.body.results[0].error.code).toBe('NOT_FOUND');

    const other = await http.post(api('/tasks'), { title: 'Not yours', assignee_id: agent2.user.id }, supervisor);
    const stranger = await push(agent1, uuidv7(), [mutation(1, 'task.update', { id: other.body.id, status: 'completed', based_on: 1 })]);
    expect(stranger.body.results[0].status).toBe('rejected');
    const untouched = await http.get(api(`/tasks/${other.body.id}`), supervisor);
    expect(untouched.body.status).toBe('open');

    // Over REST the rule does not apply: an online client sees the current owner.
    const rest = await http.patch(api(`/tasks/${task.body.id}`), { status: 'completed' }, agent1);
    expect(rest.status).toBe(404);
  });

  it('bounds the former-owner rule by what the change was based on: only edits made before the reassignment was known', async () => {
    const task = await http.post(api('/tasks'), { title: 'Order supplies', assignee_id: agent1.user.id }, supervisor);
    await http.patch(api(`/tasks/${task.body.id}`), { priority: 'high' }, supervisor); // version 2, still agent1's
    await http.patch(api(`/tasks/${task.body.id}`), { assignee_id: agent2.user.id }, supervisor); // version 3: taken away
    await http.patch(api(`/tasks/${task.body.id}`), { title: 'Order supplies (ward 4)' }, supervisor); // version 4

    // A change made on version 3 or later was made after the reassignment: refused, as if unseen.
    const late = await push(agent1, uuidv7(), [
      mutation(1, 'task.update', { id: task.body.id, status: 'cancelled', based_on: 3 }),
      mutation(2, 'task.update', { id: task.body.id, status: 'cancelled', based_on: 4 }),
      // A client on the old protocol says nothing about it, so the rule does not cover it.
      mutation(3, 'task.update', { id: task.body.id, status: 'cancelled' }),
    ]);
    expect(late.body.results.map((r: { error?: { code: string } }) => r.error?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    expect((await http.get(api(`/tasks/${task.body.id}`), supervisor)).body.status).toBe('open');

    // Made on version 2, while it was still theirs: it stands beside the reassignment.
    const early = await push(agent1, uuidv7(), [mutation(1, 'task.update', { id: task.body.id, status: 'in_progress', based_on: 2 })]);
    expect(early.body.results[0]).toEqual({ seq: 1, status: 'applied' });
    expect((await http.get(api(`/tasks/${task.body.id}`), supervisor)).body).toMatchObject({ status: 'in_progress', assignee_id: agent2.user.id });
  });

  it('still answers a client on schema_version 1, and tells a newer unknown one to update', async () => {
    const v1 = await push(agent1, uuidv7(), [mutation(1, 'call.create', { id: uuidv7(), direction: 'inbound', phone_number: '+447700900787' })], { schema_version: 1 });
    expect(v1.body.results[0].status).toBe('applied');
    const future = await push(agent1, uuidv7(), [], { schema_version: 3 });
    expect(future.status).toBe(400);
    expect(errorOf(future).message).toMatch(/update the desktop app/);
  });
});

describe('transient failures', () => {
  it('answers 503 while the database is busy without consuming the seq, and applies on retry', async () => {
    const client = uuidv7();
    const callId = uuidv7();
    const create = mutation(1, 'call.create', { id: callId, direction: 'inbound', phone_number: '+447700900786' });
    expect((await push(agent1, client, [])).status).toBe(200);

    // Another writer (a backup, a migration) holds the write lock longer than the server waits.
    const release = await holdWriteLock(server);
    let res;
    try {
      res = await push(agent1, client, [create]);
    } finally {
      await release();
    }
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    const err = errorOf(res);
    expect(err.code).toBe('SERVICE_UNAVAILABLE');
    expect(err.details).toEqual({ last_mutation_seq: 0, results: [] });
    expect((await http.get(api(`/calls/${callId}`), agent1)).status).toBe(404);

    const retry = await push(agent1, client, [create]);
    expect(retry.body).toEqual({ last_mutation_seq: 1, results: [{ seq: 1, status: 'applied' }] });
    expect((await http.get(api(`/calls/${callId}`), agent1)).status).toBe(200);
  });
});
