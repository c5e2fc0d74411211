/**
 * Agent states (docs/agent-states.md): set through the sync push with the time they happened,
 * current state and history readable with the usual roles, late (offline) changes kept in the
 * history without overwriting a newer state, the organization's reasons enforced, and the
 * supervisor's pull carrying everyone's state.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { errorOf, Http, type Session } from '../support/http';

let server: ApiServer;
let http: Http;
let agent1: Session;
let agent2: Session;
let supervisor: Session;
let admin: Session;
let org: string;
const api = (path: string) => `/api/v1/organizations/${org}${path}`;
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

const seqs = new Map<string, number>();
const clients = new Map<string, string>();
async function setState(as: Session, args: Record<string, unknown>) {
  const client = clients.get(as.user.id) ?? uuidv7();
  clients.set(as.user.id, client);
  const seq = (seqs.get(client) ?? 0) + 1;
  seqs.set(client, seq);
  const res = await http.post(
    api('/sync/push'),
    { client_id: client, schema_version: 1, mutations: [{ seq, id: uuidv7(), name: 'agent_state.set', args: { id: as.user.id, ...args } }] },
    as,
  );
  expect(res.status).toBe(200);
  return res.body.results[0] as { status: string; error?: { code: string; details?: Record<string, string> } };
}

beforeAll(async () => {
  server = await startApiServer();
  http = new Http(server.url);
  org = server.orgs.demo;
  [agent1, agent2, supervisor, admin] = await Promise.all(
    ['agent1@demo.test', 'agent2@demo.test', 'supervisor@demo.test', 'admin@demo.test'].map((e) => http.login(e)),
  );
});
afterAll(() => stopAndClean(server));

describe('agent states', () => {
  it('an agent sets their own state; the current state and the history show it with its time', async () => {
    const at = minutesAgo(30);
    expect((await setState(agent1, { state: 'available', at })).status).toBe('applied');
    const current = await http.get(api('/agent-states'), agent1);
    expect(current.status).toBe(200);
    expect(current.body.items).toEqual([expect.objectContaining({ id: agent1.user.id, user_id: agent1.user.id, state: 'available', since: at, reason: null })]);
  });

  it('a not-ready state needs one of the organization’s reasons', async () => {
    const refused = await setState(agent1, { state: 'not_ready', at: minutesAgo(29) });
    expect(refused.status).toBe('rejected');
    expect(refused.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { reason: expect.any(String) } });
    const unknown = await setState(agent1, { state: 'not_ready', reason: 'Nap', at: minutesAgo(29) });
    expect(unknown.error?.details?.reason).toMatch(/Break, Lunch, Training, Meeting/);
    expect((await setState(agent1, { state: 'not_ready', reason: 'Lunch', at: minutesAgo(28) })).status).toBe('applied');
  });

  it('a call and its wrap-up remember the state before the call', async () => {
    const callId = uuidv7();
    await setState(agent2, { state: 'not_ready', reason: 'Training', at: minutesAgo(20) });
    await setState(agent2, { state: 'on_call', call_id: callId, at: minutesAgo(19) });
    await setState(agent2, { state: 'after_call_work', at: minutesAgo(18) });
    const row = (await http.get(api('/agent-states'), agent2)).body.items[0];
    expect(row).toMatchObject({ state: 'after_call_work', call_id: callId, previous_state: 'not_ready', previous_reason: 'Training' });
  });

  it('a change made offline and synced late joins the history but does not overwrite a newer state', async () => {
    await setState(agent2, { state: 'available', at: minutesAgo(10) });
    expect((await setState(agent2, { state: 'not_ready', reason: 'Break', at: minutesAgo(15) })).status).toBe('applied');
    expect((await http.get(api('/agent-states'), agent2)).body.items[0]).toMatchObject({ state: 'available' });
    const history = await http.get(api(`/agent-state-events?agent_id=${agent2.user.id}&from=${encodeURIComponent(minutesAgo(25))}`), supervisor);
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: { state: string }) => e.state)).toEqual(['not_ready', 'on_call', 'after_call_work', 'not_ready', 'available']);
    const ats = history.body.items.map((e: { at: string }) => e.at);
    expect([...ats].sort()).toEqual(ats);
  });

  it('roles: agents read only their own, supervisors everyone; nobody sets someone else’s state', async () => {
    const mine = await http.get(api('/agent-states'), agent1);
    expect(mine.body.items.map((s: { user_id: string }) => s.user_id)).toEqual([agent1.user.id]);
    const all = await http.get(api('/agent-states'), supervisor);
    expect(all.body.items.map((s: { user_id: string }) => s.user_id).sort()).toEqual([agent1.user.id, agent2.user.id].sort());
    const others = await http.get(api(`/agent-state-events?agent_id=${agent2.user.id}`), agent1);
    expect(others.status).toBe(403);
    expect(errorOf(others).code).toBe('FORBIDDEN');
    const ownOnly = await http.get(api('/agent-state-events'), agent1);
    expect(new Set(ownOnly.body.items.map((e: { user_id: string }) => e.user_id))).toEqual(new Set([agent1.user.id]));

    const client = uuidv7();
    const res = await http.post(
      api('/sync/push'),
      { client_id: client, schema_version: 1, mutations: [{ seq: 1, id: uuidv7(), name: 'agent_state.set', args: { id: agent2.user.id, state: 'available', at: minutesAgo(1) } }] },
      agent1,
    );
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', error: { code: 'FORBIDDEN' } });
    const bad = await http.get(api('/agent-state-events?from=yesterday'), supervisor);
    expect(bad.status).toBe(400);
    errorOf(bad);
  });

  it('admins set the reasons and the wrap-up limit; others may read them', async () => {
    const refused = await http.request('PUT', api('/agent-state-settings'), { as: supervisor, body: { not_ready_reasons: ['Break'], acw_limit_seconds: 60 } });
    expect(refused.status).toBe(403);
    errorOf(refused);
    const put = await http.request('PUT', api('/agent-state-settings'), { as: admin, body: { not_ready_reasons: ['Break', 'Coaching'], acw_limit_seconds: 45 } });
    expect(put.status).toBe(200);
    expect((await http.get(api('/agent-state-settings'), agent1)).body).toEqual({ not_ready_reasons: ['Break', 'Coaching'], acw_limit_seconds: 45 });
    expect((await setState(agent1, { state: 'not_ready', reason: 'Coaching', at: minutesAgo(1) })).status).toBe('applied');
    const invalid = await http.request('PUT', api('/agent-state-settings'), { as: admin, body: { not_ready_reasons: [], acw_limit_seconds: 45 } });
    expect(invalid.status).toBe(422);
    expect(errorOf(invalid).code).toBe('VALIDATION_FAILED');
  });

  it('the supervisor’s pull carries every agent’s state; an agent’s only their own', async () => {
    const sup = await http.get(api(`/sync/pull?client_id=${uuidv7()}&cursor=0`), supervisor);
    const states = sup.body.changes.filter((c: { entity: string }) => c.entity === 'agent_state');
    expect(states.map((c: { id: string }) => c.id).sort()).toEqual([agent1.user.id, agent2.user.id].sort());
    const own = await http.get(api(`/sync/pull?client_id=${uuidv7()}&cursor=0`), agent1);
    expect(own.body.changes.filter((c: { entity: string }) => c.entity === 'agent_state').map((c: { id: string }) => c.id)).toEqual([agent1.user.id]);
  });
});
