/**
 * Overwrite notices at the protocol level (docs/sync-protocol.md, "Same field: who lost is
 * told"): a pushed update made on an older version that replaces a field another user set since
 * leaves that user a notice in the pull that covers it, once; nothing for REST writes, for the
 * winner, for one's own earlier value, or on a fresh pull.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let agent: Session;
let supervisor: Session;
let org: string;
const api = (path: string) => `/api/v1/organizations/${org}${path}`;
const seqs = new Map<string, number>();
const push = (as: Session, clientId: string, name: string, args: Record<string, unknown>) => {
  const seq = (seqs.get(clientId) ?? 0) + 1;
  seqs.set(clientId, seq);
  return http.post(api('/sync/push'), { client_id: clientId, schema_version: 2, mutations: [{ seq, id: uuidv7(), name, args }] }, as);
};
const pull = async (as: Session, clientId: string, cursor: number) => {
  const res = await http.get(api(`/sync/pull?client_id=${clientId}&cursor=${cursor}&limit=5000`), as);
  expect(res.status).toBe(200);
  return res.body as { cursor: number; notices: { entity: string; entity_id: string; name: string; fields: Record<string, unknown> }[] };
};
const versionOf = async (taskId: string) => (await http.get(api(`/tasks/${taskId}`), supervisor)).body.version as number;

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [agent, supervisor] = await Promise.all(['agent1@demo.test', 'supervisor@demo.test'].map((e) => http.login(e)));
});
afterAll(() => stopAndClean(server));

describe('a pushed change made on an older version', () => {
  const agentClient = uuidv7();
  const supervisorClient = uuidv7();
  const taskId = uuidv7();
  let supervisorCursor = 0;

  it('tells the user whose newer value it replaced, once, in the pull that covers it', async () => {
    expect((await push(agent, agentClient, 'task.create', { id: taskId, title: 'Chase referral' })).body.results[0].status).toBe('applied');
    const v1 = await versionOf(taskId);
    supervisorCursor = (await pull(supervisor, supervisorClient, 0)).cursor;

    await push(supervisor, supervisorClient, 'task.update', { id: taskId, due_date: '2026-12-03T09:00:00.000Z', based_on: v1 });
    const own = await pull(supervisor, supervisorClient, supervisorCursor);
    expect(own.notices).toEqual([]);
    supervisorCursor = own.cursor;

    // The agent's change was made on v1, before the supervisor's: it lands later and wins.
    const res = await push(agent, agentClient, 'task.update', { id: taskId, due_date: '2026-12-01T09:00:00.000Z', based_on: v1 });
    expect(res.body.results[0].status).toBe('applied');
    const told = await pull(supervisor, supervisorClient, supervisorCursor);
    expect(told.notices).toMatchObject([
      {
        entity: 'task',
        entity_id: taskId,
        name: 'task.update',
        fields: { due_date: { yours: '2026-12-03T09:00:00.000Z', theirs: '2026-12-01T09:00:00.000Z' } },
      },
    ]);
    expect((await pull(supervisor, supervisorClient, told.cursor)).notices, 'delivered once').toEqual([]);
    expect((await pull(supervisor, uuidv7(), 0)).notices, 'a fresh pull brings the state, not the news').toEqual([]);
    expect((await pull(agent, agentClient, supervisorCursor)).notices, 'the winner hears nothing').toEqual([]);
    supervisorCursor = told.cursor;
  });

  it('reports nothing for a change made on the current version, a REST write, or a field nobody else set', async () => {
    const current = await versionOf(taskId);
    await push(supervisor, supervisorClient, 'task.update', { id: taskId, due_date: '2026-12-04T09:00:00.000Z', based_on: current });
    const patched = await http.patch(api(`/tasks/${taskId}`), { due_date: '2026-12-05T09:00:00.000Z' }, supervisor);
    expect(patched.status).toBe(200);
    // Made on an old version, but the only field it sets (status) was never set by anyone since.
    await push(agent, agentClient, 'task.update', { id: taskId, status: 'in_progress', based_on: current });
    expect((await pull(supervisor, supervisorClient, supervisorCursor)).notices).toEqual([]);
    expect((await pull(agent, agentClient, supervisorCursor)).notices).toEqual([]);
  });
});
