/**
 * Sync pokes (docs/sync-protocol.md): a Server-Sent Events stream that tells a user's client to
 * pull when something they may see changed, and only then; heartbeats; clean shutdown.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { EventStream } from '../support/event-stream';
import { errorOf, Http, type Session } from '../support/http';

const HEARTBEAT_MS = 400;
/** a deadline for something that must arrive: generous, since a loaded machine only delays it (the wait ends as soon as it does) */
const ARRIVES_MS = 15_000;

let server: ApiServer;
let http: Http;
let agent1: Session;
let agent2: Session;
let supervisor: Session;
let org: string;
const api = (path: string) => `/api/v1/organizations/${org}${path}`;

const streams: EventStream[] = [];
async function streamOf(as: Session, path?: string) {
  const s = await EventStream.open(`${server.url}${path ?? api('/sync/events')}`, as.token, ARRIVES_MS);
  streams.push(s);
  return s;
}

async function pullCursor(as: Session, clientId: string, cursor: number) {
  const res = await http.get(api(`/sync/pull?client_id=${clientId}&cursor=${cursor}`), as);
  return res.body as { changes: Array<{ id: string; op: string; seq: number }>; cursor: number };
}

beforeAll(async () => {
  server = await startApiServer({ env: { SYNC_HEARTBEAT_MS: String(HEARTBEAT_MS) } });
  http = new Http(server.url);
  org = server.orgs.demo;
  [agent1, agent2, supervisor] = await Promise.all(
    ['agent1@demo.test', 'agent2@demo.test', 'supervisor@demo.test'].map((e) => http.login(e)),
  );
});
afterAll(async () => {
  for (const s of streams) s.close();
  await stopAndClean(server);
});

describe('the event stream', () => {
  it('is text/event-stream and pokes when a record the user sees changes', async () => {
    const stream = await streamOf(agent1);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const client = uuidv7();
    const { cursor } = await pullCursor(agent1, client, 0);
    const task = (await http.get('/api/v1/users/me/tasks', agent1)).body.items[0];
    await http.patch(api(`/tasks/${task.id}`), { priority: 'urgent' }, supervisor);

    expect(await stream.until(() => stream.pokes().length > 0, ARRIVES_MS)).toBe(true);
    const [poke] = stream.pokes();
    const pulled = await pullCursor(agent1, client, cursor);
    expect(pulled.changes).toMatchObject([{ id: task.id, op: 'upsert', seq: poke!.cursor }]);
  });

  it("does not poke an agent for another agent's records", async () => {
    const [s1, s2] = await Promise.all([streamOf(agent1), streamOf(agent2)]);
    await http.post(api('/calls'), { direction: 'inbound', phone_number: '+447700900950' }, agent2);
    // agent2's own stream hears about it, so the change has been announced by the time this holds
    expect(await s2.until(() => s2.pokes().length > 0, ARRIVES_MS)).toBe(true);
    expect(await s1.until(() => s1.pokes().length > 0, 500)).toBe(false);
  });

  it('pokes both agents when a task is reassigned from one to the other', async () => {
    const task = await http.post(api('/tasks'), { title: 'Return call', assignee_id: agent1.user.id }, supervisor);
    const [s1, s2] = await Promise.all([streamOf(agent1), streamOf(agent2)]);
    await http.patch(api(`/tasks/${task.body.id}`), { assignee_id: agent2.user.id }, supervisor);
    expect(await s1.until(() => s1.pokes().length > 0, ARRIVES_MS)).toBe(true);
    expect(await s2.until(() => s2.pokes().length > 0, ARRIVES_MS)).toBe(true);
  });

  it('pokes everyone in the organization for a patient change, and nobody in another organization', async () => {
    const otherAdmin = await http.login('admin@other.test');
    const [s1, other] = await Promise.all([
      streamOf(agent1),
      streamOf(otherAdmin, `/api/v1/organizations/${server.orgs.other}/sync/events`),
    ]);
    expect(other.response.status).toBe(200);
    const patient = (await http.get(api('/patients?q=sofia'), agent2)).body.items[0];
    await http.patch(api(`/patients/${patient.id}`), { notes: 'Hard of hearing' }, agent2);
    expect(await s1.until(() => s1.pokes().length > 0, ARRIVES_MS)).toBe(true);
    expect(await other.until(() => other.pokes().length > 0, 300)).toBe(false);
  });

  it('sends a comment heartbeat', async () => {
    const stream = await streamOf(agent2);
    expect(await stream.until(() => stream.comments.includes('heartbeat'), HEARTBEAT_MS * 3 + ARRIVES_MS)).toBe(true);
  });

  it('refuses a request without a token (401) and for another organization (404), in the error format', async () => {
    const anonymous = await http.get(api('/sync/events'));
    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous).code).toBe('UNAUTHORIZED');
    const other = await fetch(`${server.url}/api/v1/organizations/${server.orgs.other}/sync/events`, {
      headers: { authorization: `Bearer ${agent1.token}` },
    });
    expect(other.status).toBe(404);
    expect(((await other.json()) as any).error.code).toBe('NOT_FOUND');
  });

  it('ends open streams and lets the server stop promptly', async () => {
    const stream = await streamOf(agent1);
    await server.stop('SIGTERM');
    expect(server.process.exitCode).toBe(0);
    // The open stream was ended by the shutdown itself, not cut by the grace-period backstop.
    expect(server.logs.some((l) => l.includes('shutdown grace period over'))).toBe(false);
    expect(await stream.until(() => stream.ended, ARRIVES_MS)).toBe(true);
  });
});
