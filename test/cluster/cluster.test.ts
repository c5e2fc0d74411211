/**
 * The production shape (scripts/lib/api-cluster.ts, what `npm run cluster` runs): a PostgreSQL
 * of its own, three real API processes, real HAProxy in front; desktops are real desktop cores
 * signed in through HAProxy. One cluster for the whole file, its parts killed and restarted:
 * - requests spread over the instances, and the audit log records the client behind HAProxy;
 * - a per-address limit holds across the instances (the requests go round robin);
 * - two agents write while instances are SIGKILLed / SIGTERMed and restarted one at a time, a
 *   supervisor's desktop pulls throughout: every write lands once and in order, every mirror
 *   equals the server (a fresh pull from a third instance included), no cursor ever moves back;
 * - PostgreSQL stopped: the API answers 503 with Retry-After in the error format and /ready is
 *   false; started again: the same processes serve again, without a restart.
 * Every loop is bounded; deadlines are generous (a loaded 2-core machine), nothing is timed.
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiCluster, type ApiCluster } from '../../scripts/lib/api-cluster';
import { freePort } from '../../scripts/lib/free-port';
import { seedTestDatabase, TEST_SCRYPT_N } from '../support/api-server';
import { openCore, type TestCore } from '../support/desktop-core';
import { Http, errorOf, type Session } from '../support/http';
import { auditTrail, CursorRecorder, expectExactlyOnceInOrder, expectMirrorsEqual, localView, serverView, until } from '../chaos/invariants';
import { logCalls, type WriteLog } from '../chaos/workload';

/** Sign-ins per address per hour; the test itself signs in from 127.0.0.1 well under it. */
const SIGNIN_PER_HOUR = 30;

let dir: string;
let cluster: ApiCluster;
let orgs: { demo: string; other: string };
let http: Http;
let admin: Session;
const cores: TestCore[] = [];
const recorders: CursorRecorder[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oncall-cluster-'));
  const [pgPort, proxyPort, ...apiPorts] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  cluster = await startApiCluster({
    dir,
    pgPort: pgPort!,
    proxyPort: proxyPort!,
    apiPorts,
    durable: false,
    seed: async (url) => void (orgs = await seedTestDatabase(url)),
    env: {
      PASSWORD_SCRYPT_N: TEST_SCRYPT_N,
      RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_PER_HOUR: '1000000',
      SIGNIN_RATE_LIMIT_PER_MINUTE: '1000',
      SIGNIN_RATE_LIMIT_PER_HOUR: String(SIGNIN_PER_HOUR),
      // a dead stream is noticed sooner when its instance dies
      SYNC_HEARTBEAT_MS: '2000',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
    },
  });
  http = new Http(cluster.url);
  admin = await http.login('admin@demo.test');
});

afterAll(async () => {
  recorders.forEach((r) => r.stop());
  await Promise.all(cores.map((c) => c.close()));
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A request over a connection from `localAddress` (any 127/8 address is this machine). */
function requestFrom(localAddress: string, method: string, path: string, body?: unknown, token?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }>((resolve, reject) => {
    const req = request(
      `${cluster.url}${path}`,
      {
        method,
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('behind HAProxy', () => {
  it('spreads requests over the instances, and the audit log records the client, not the balancer', async () => {
    // As the admin: the agents' audit trails are compared with their desktops' writes below.
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      const res = await requestFrom('127.0.0.3', 'POST', `/api/v1/organizations/${orgs.demo}/calls`, { direction: 'inbound', phone_number: '+447700900900' }, admin.token);
      expect(res.status).toBe(201);
      ids.push(res.body.id);
      expect(res.headers['x-request-id']).toBeTruthy();
    }
    // every instance served some of them (round robin)
    for (const instance of cluster.instances) {
      expect(instance.logs.some((l) => l.includes('"method":"POST"') && l.includes('/calls')), instance.name).toBe(true);
    }
    const audit = await http.get(`/api/v1/organizations/${orgs.demo}/audit?entity=call&entity_id=${ids[0]}&action=create`, admin);
    expect(audit.body.items[0].ip).toBe('127.0.0.3');
  });

  it('holds a per-address sign-in limit across the three instances', async () => {
    let answers: { status: number; remaining: string; reset: string }[] = [];
    // From an address of its own; again from another if the hour window rolled over meanwhile.
    for (const address of ['127.0.0.4', '127.0.0.5']) {
      answers = [];
      for (let i = 0; i < SIGNIN_PER_HOUR + 3; i++) {
        const res = await requestFrom(address, 'POST', '/api/v1/auth/login', { email: `nobody${i}@demo.test`, password: 'wrong-password' });
        answers.push({ status: res.status, remaining: String(res.headers['x-ratelimit-remaining']), reset: String(res.headers['x-ratelimit-reset']) });
        if (res.status === 429) {
          expect(res.headers['retry-after']).toBeTruthy();
          expect(errorOf(res as never).code).toBe('RATE_LIMITED');
        }
      }
      if (new Set(answers.map((a) => a.reset)).size === 1) break;
    }
    expect(new Set(answers.map((a) => a.reset)).size).toBe(1);
    expect(answers.map((a) => a.status)).toEqual([...Array(SIGNIN_PER_HOUR).fill(401), 429, 429, 429]);
    expect(answers.slice(0, SIGNIN_PER_HOUR).map((a) => Number(a.remaining))).toEqual(Array.from({ length: SIGNIN_PER_HOUR }, (_, i) => SIGNIN_PER_HOUR - 1 - i));
  });
});

describe('desktops syncing while instances die', () => {
  it('every write lands once and in order, and no pull skips a change', async () => {
    const [agent1, agent2, supervisor] = await Promise.all([openCore(), openCore(), openCore()]);
    cores.push(agent1, agent2, supervisor);
    await agent1.signIn(cluster.url, 'agent1@demo.test');
    await agent2.signIn(cluster.url, 'agent2@demo.test');
    await supervisor.signIn(cluster.url, 'supervisor@demo.test');
    for (const core of [agent1, agent2, supervisor]) recorders.push(new CursorRecorder(core.dataDir).start());

    const writes: Record<string, WriteLog> = { agent1: [], agent2: [] };
    const ROUNDS = 6;
    for (let round = 0; round < ROUNDS; round++) {
      const victim = cluster.instances[round % 3]!;
      const signal = round % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
      // Both agents write while one instance dies and comes back; their pushes land on the others.
      const writing = Promise.all([
        logCalls(agent1, 8, `a1.${round}`, writes.agent1!),
        logCalls(agent2, 8, `a2.${round}`, writes.agent2!),
      ]);
      await victim.stop(signal);
      await writing;
      await victim.start();
    }
    for (const [name, core] of [['agent1', agent1], ['agent2', agent2]] as const) {
      await until(async () => (await core.invoke('sync.status', {})).pending === 0, 180_000, `${name}'s outbox to drain`);
    }
    await Promise.all([agent1, agent2, supervisor].map((c) => c.invoke('sync.now', {})));

    // The third desktop never wrote: it followed by pulls (and pokes) throughout.
    const third = new Http(cluster.instances[2]!.url);
    const sessions = {
      agent1: await third.login('agent1@demo.test'),
      agent2: await third.login('agent2@demo.test'),
      supervisor: await third.login('supervisor@demo.test'),
    };
    for (const name of ['agent1', 'agent2'] as const) {
      expectExactlyOnceInOrder(await auditTrail(third, admin, orgs.demo, { actor_id: sessions[name].user.id, entity: 'call' }), writes[name]!, name);
    }
    const supervisorView = await serverView(third, sessions.supervisor, orgs.demo);
    expectMirrorsEqual(localView(supervisor.dataDir), supervisorView, 'supervisor');
    expectMirrorsEqual(localView(agent1.dataDir), await serverView(third, sessions.agent1, orgs.demo), 'agent1');
    expectMirrorsEqual(localView(agent2.dataDir), await serverView(third, sessions.agent2, orgs.demo), 'agent2');
    const written = [...writes.agent1!, ...writes.agent2!].filter((w) => w.startsWith('create call ')).map((w) => w.slice('create call '.length));
    expect(written.length).toBe(2 * ROUNDS * 8);
    expect(written.filter((id) => !supervisorView.call.has(id))).toEqual([]);
    recorders.forEach((r, i) => {
      r.stop();
      r.expectNeverBack(['agent1', 'agent2', 'supervisor'][i]!);
    });
  }, 600_000);
});

describe('PostgreSQL stopped and started again', () => {
  it('answers 503 with Retry-After meanwhile, /ready is false, and recovers without a restart', async () => {
    const agent = await http.login('agent1@demo.test');
    const pids = cluster.instances.map((i) => i.process!.pid);
    const logCall = () => http.post(`/api/v1/organizations/${orgs.demo}/calls`, { direction: 'inbound', phone_number: '+447700900901' }, agent);
    await cluster.stopDatabase();
    try {
      for (const instance of cluster.instances) {
        const ready = await new Http(instance.url).get('/ready');
        expect(ready.status, instance.name).toBe(503);
        expect(ready.body.checks.database).toBe(false);
        expect(ready.headers.get('retry-after')).toBe('1');
        const direct = await new Http(instance.url).post(`/api/v1/organizations/${orgs.demo}/calls`, { direction: 'inbound', phone_number: '+447700900901' }, agent);
        expect(direct.status, instance.name).toBe(503);
        expect(direct.headers.get('retry-after')).toBe('1');
        expect(errorOf(direct).code).toBe('SERVICE_UNAVAILABLE');
      }
      // Through the balancer: an instance's 503, or HAProxy's own once none is ready; the same format.
      const through = await logCall();
      expect(through.status).toBe(503);
      expect(through.headers.get('retry-after')).toBe('1');
      expect(errorOf(through).code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await cluster.startDatabase();
    }
    for (const instance of cluster.instances) {
      await until(async () => (await new Http(instance.url).get('/ready')).status === 200, 120_000, `${instance.name} ready again`);
    }
    await until(async () => (await logCall()).status === 201, 60_000, 'a write through the balancer');
    expect(cluster.instances.map((i) => i.process!.pid)).toEqual(pids);
  });
});
