/**
 * Two API instances on one PostgreSQL database, each a real process on its own port, talked to
 * directly (test/cluster puts HAProxy in front). What one process's memory used to decide must
 * now hold across both:
 * - a change committed through instance A pokes a desktop whose event stream is on instance B,
 *   also after B's listening connection was cut (it reconnects, and pokes what it missed);
 * - the same push batch sent to both at once is applied once;
 * - X-Forwarded-For is believed only from TRUST_PROXY's addresses, so the audit log records the
 *   client behind the balancer, and a client cannot name its own address.
 */
import { request } from 'node:http';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { EventStream } from '../support/event-stream';
import { Http, type Session } from '../support/http';

/** Generous: a loaded CI machine; the test waits for outcomes, it does not time them. */
const ARRIVES_MS = 30_000;
const BALANCER = '127.0.0.2';

let a: ApiServer;
let b: ApiServer;
let httpA: Http;
let httpB: Http;
let agentOnA: Session;
let agentOnB: Session;
let supervisor: Session;
let org: string;
const streams: EventStream[] = [];
const api = (path: string) => `/api/v1/organizations/${org}${path}`;

beforeAll(async () => {
  a = await startApiServer();
  org = a.orgs.demo;
  b = await startApiServer({ dbPath: a.dbPath, orgs: a.orgs, env: { TRUST_PROXY: BALANCER } });
  httpA = new Http(a.url);
  httpB = new Http(b.url);
  [agentOnA, agentOnB, supervisor] = await Promise.all([httpA.login('agent1@demo.test'), httpB.login('agent1@demo.test'), httpA.login('supervisor@demo.test')]);
});

afterAll(async () => {
  for (const s of streams) s.close();
  await b?.stop();
  await stopAndClean(a);
});

async function openStream(server: ApiServer, as: Session): Promise<EventStream> {
  const stream = await EventStream.open(`${server.url}${api('/sync/events')}`, as.token, ARRIVES_MS);
  streams.push(stream);
  expect(stream.comments).toContain('connected');
  return stream;
}

async function createTaskFor(http: Http, assignee: string): Promise<{ id: string; seq: number }> {
  const res = await http.post(api('/tasks'), { title: `Call back ${uuidv7()}`, assignee_id: assignee }, supervisor);
  expect(res.status).toBe(201);
  const pulled = await http.get(api(`/sync/pull?client_id=${uuidv7()}&cursor=0&limit=5000`), agentOnA);
  const change = (pulled.body.changes as { id: string; seq: number }[]).find((c) => c.id === res.body.id)!;
  return { id: res.body.id, seq: change.seq };
}

describe('pokes cross instances', () => {
  it('a task assigned through instance A pokes the agent whose stream is on instance B', async () => {
    const stream = await openStream(b, agentOnB);
    const task = await createTaskFor(httpA, agentOnA.user.id);
    expect(await stream.until(() => stream.pokes().some((p) => p.cursor >= task.seq), ARRIVES_MS)).toBe(true);
  });

  it("still arrive after instance B's listening connection is cut", async () => {
    const stream = await openStream(b, agentOnB);
    const admin = new pg.Client({ connectionString: b.dbPath });
    await admin.connect();
    try {
      const cut = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '%poke-listener'",
      );
      expect(cut.rowCount).toBeGreaterThanOrEqual(2); // one listener per instance
    } finally {
      await admin.end();
    }
    const task = await createTaskFor(httpA, agentOnA.user.id);
    expect(await stream.until(() => stream.pokes().some((p) => p.cursor >= task.seq), ARRIVES_MS)).toBe(true);
    // and keep arriving once it listens again
    const later = await createTaskFor(httpA, agentOnA.user.id);
    expect(await stream.until(() => stream.pokes().some((p) => p.cursor >= later.seq), ARRIVES_MS)).toBe(true);
  });
});

describe('one push at a time per client across instances', () => {
  it('the same batch sent to both instances at once is applied once', async () => {
    const client = uuidv7();
    const patientId = uuidv7();
    const batch = [
      { seq: 1, id: uuidv7(), name: 'patient.create', args: { id: patientId, first_name: 'Ada', last_name: 'Twice', phone_number: '+447700900783' } },
      ...Array.from({ length: 29 }, (_, i) => ({ seq: i + 2, id: uuidv7(), name: 'patient.update', args: { id: patientId, notes: `note ${i + 1}` } })),
    ];
    const body = { client_id: client, schema_version: 2, mutations: batch };
    // The second waits for the first's per-client lock; on a loaded machine the wait can pass the
    // lock timeout and be answered 503 Retry-After, which a desktop resends as told.
    const push = async (http: Http, as: Session) => {
      for (let attempt = 1; ; attempt++) {
        const res = await http.post(api('/sync/push'), body, as);
        if (res.status !== 503 || attempt === 10) return res;
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
      }
    };
    const [onA, onB] = await Promise.all([push(httpA, agentOnA), push(httpB, agentOnB)]);
    expect([onA.status, onB.status]).toEqual([200, 200]);
    for (let i = 0; i < batch.length; i++) {
      const both = [onA.body.results[i].status, onB.body.results[i].status].sort();
      expect(both, `seq ${i + 1}`).toEqual(['applied', 'duplicate']);
    }
    const patient = await httpB.get(api(`/patients/${patientId}`), agentOnB);
    expect(patient.body).toMatchObject({ version: 30, notes: 'note 29' });
  });
});

describe('TRUST_PROXY', () => {
  /** Creates a call over a connection from `localAddress` (any 127/8 address is ours), returns the audited address. */
  async function createCallFrom(localAddress: string, forwardedFor: string): Promise<string | null> {
    const body = JSON.stringify({ direction: 'inbound', phone_number: '+447700900784' });
    const created = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${b.url}${api('/calls')}`,
        {
          method: 'POST',
          localAddress,
          agent: false,
          headers: { authorization: `Bearer ${agentOnB.token}`, 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(created.status).toBe(201);
    const call = JSON.parse(created.text) as { id: string };
    const audit = await httpA.get(api(`/audit?entity=call&entity_id=${call.id}&action=create`), supervisor);
    return audit.body.items[0].ip as string | null;
  }

  it('believes X-Forwarded-For from the balancer: the audit log records the client behind it', async () => {
    expect(await createCallFrom(BALANCER, '203.0.113.9')).toBe('203.0.113.9');
    // a chain: the client's own claim, then what the balancer saw; the balancer's entry wins
    expect(await createCallFrom(BALANCER, '198.51.100.1, 203.0.113.10')).toBe('203.0.113.10');
  });

  it('ignores X-Forwarded-For from anyone else', async () => {
    expect(await createCallFrom('127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
  });
});
