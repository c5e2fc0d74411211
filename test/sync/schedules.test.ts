/**
 * Shifts through the real desktop core and the real API: the pull brings agents and supervisors
 * alike the organization's whole rota (agents see who is on call; only planners change it); a supervisor plans while the API is down (a local write that syncs
 * and reaches the agent's "My shifts"); an overlap the desktop can see is refused at once (409,
 * nothing queued), and one only the server can see (two planners offline) comes back as a
 * change that needs attention, with the desktop's copy rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { eventually, openCore, type TestCore } from '../support/desktop-core';
import { Http } from '../support/http';
import { withStore } from '../support/store';
import { up as publishRota } from '../../src-server/db/migrations/010_published_rota';

let server: ApiServer;
let agent: TestCore;
let supervisor: TestCore;
let admin: TestCore;
let agentId: string;
let agent2Id: string;

const DAY = 86_400_000;
/** A day well after the demo seed's shifts (today), at UTC hours. */
const dayAt = (days: number, hour: number) => new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY + hour * 3_600_000).toISOString();

beforeAll(async () => {
  server = await startApiServer();
  [agent, supervisor, admin] = await Promise.all([openCore(), openCore(), openCore()]);
  agentId = (await agent.signIn(server.url, 'agent1@demo.test')).user.id;
  await supervisor.signIn(server.url, 'supervisor@demo.test');
  await admin.signIn(server.url, 'admin@demo.test');
  await Promise.all([agent.invoke('sync.now', {}), supervisor.invoke('sync.now', {}), admin.invoke('sync.now', {})]);
  agent2Id = (await supervisor.invoke('users.list', {})).find((u) => u.email === 'agent2@demo.test')!.id;
});
afterAll(async () => {
  await Promise.all([agent?.close(), supervisor?.close(), admin?.close()]);
  await stopAndClean(server);
});

describe('shifts on the desktop', () => {
  it("mirrors the organization's whole rota on an agent's desktop as on a supervisor's; agents change none of it", async () => {
    const all = await supervisor.invoke('schedules.list', {});
    expect(new Set(all.map((s) => s.staffId))).toEqual(new Set([agentId, agent2Id]));
    const seen = await agent.invoke('schedules.list', {});
    expect(seen.map((s) => s.id).sort()).toEqual(all.map((s) => s.id).sort());
    const theirs = seen.find((s) => s.staffId === agent2Id)!;
    await expect(agent.invoke('schedule.update', { id: theirs.id, patch: { status: 'cancelled' } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await agent.invoke('sync.status', {})).pending).toBe(0);
  });

  it("a shift planned while the API is down syncs and reaches the agent's My shifts; an overlap is refused at once", async () => {
    await server.stop();
    const planned = await supervisor.invoke('schedule.create', {
      staffId: agentId,
      type: 'on_call',
      startTime: dayAt(3, 8),
      endTime: dayAt(3, 16),
      metadata: { location: 'Ward B', phone: '+447700900555' },
    });
    expect(planned).toMatchObject({ staffId: agentId, status: 'scheduled', startTime: dayAt(3, 8) });
    expect((await supervisor.invoke('sync.status', {})).pending).toBe(1);

    await expect(
      supervisor.invoke('schedule.create', { staffId: agentId, type: 'regular', startTime: dayAt(3, 15), endTime: dayAt(3, 20) }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { conflictingScheduleId: planned.id } });
    expect((await supervisor.invoke('sync.status', {})).pending).toBe(1);

    await server.restart();
    await eventually(async () => (await supervisor.invoke('sync.now', {})).pending === 0);
    const http = new Http(server.url);
    const sup = await http.login('supervisor@demo.test');
    expect((await http.get(`/v1/oncall/schedules/${planned.id}`, sup)).body).toMatchObject({ staffId: agentId, type: 'on_call', metadata: { location: 'Ward B' } });

    const arrived = await eventually(async () => {
      await agent.invoke('sync.now', {});
      return (await agent.invoke('schedules.list', { from: dayAt(3, 0), to: dayAt(4, 0) })).find((s) => s.id === planned.id);
    });
    expect(arrived).toMatchObject({ startTime: dayAt(3, 8), endTime: dayAt(3, 16) });

    // Moved and ended with handover notes on the rota: the agent's copy follows.
    await supervisor.invoke('schedule.update', { id: planned.id, patch: { startTime: dayAt(3, 9), status: 'completed', metadata: { handover_notes: 'Keys at the desk' } } });
    await supervisor.invoke('sync.now', {});
    await eventually(async () => {
      await agent.invoke('sync.now', {});
      const s = (await agent.invoke('schedules.list', { staff_id: agentId })).find((x) => x.id === planned.id);
      return s?.status === 'completed' && s.startTime === dayAt(3, 9) && s.metadata.handover_notes === 'Keys at the desk';
    });
  });

  it('two planners offline: the second overlapping shift is refused by the server (409) and needs attention', async () => {
    await server.stop();
    const first = await supervisor.invoke('schedule.create', { staffId: agent2Id, type: 'regular', startTime: dayAt(5, 8), endTime: dayAt(5, 16) });
    const second = await admin.invoke('schedule.create', { staffId: agent2Id, type: 'cover', startTime: dayAt(5, 12), endTime: dayAt(5, 20) });
    await server.restart();
    // Both desktops retry on their own: whichever reaches the server second is refused.
    await eventually(async () => {
      const [a, b] = await Promise.all([supervisor.invoke('sync.now', {}), admin.invoke('sync.now', {})]);
      return a.pending === 0 && b.pending === 0 && a.attention + b.attention === 1;
    }, 60_000);
    const supervisorLost = (await supervisor.invoke('sync.status', {})).attention === 1;
    const [loser, kept, refused] = supervisorLost ? [supervisor, second, first] : [admin, first, second];
    const [item] = await loser.invoke('sync.attention', {});
    expect(item).toMatchObject({ name: 'schedule.create', error: { code: 'CONFLICT' } });
    expect(item!.error.message).toMatch(/overlaps another shift/);
    const http = new Http(server.url);
    const sup = await http.login('supervisor@demo.test');
    const stored = await http.get(`/v1/oncall/schedules?staffId=${agent2Id}&startDate=${dayAt(5, 0)}&endDate=${dayAt(6, 0)}`, sup);
    expect(stored.body.items.map((s: { id: string }) => s.id)).toEqual([kept.id]);
    // The refused desktop no longer shows its shift; it has the one the server kept.
    await eventually(async () => {
      await loser.invoke('sync.now', {});
      const day = await loser.invoke('schedules.list', { staff_id: agent2Id, from: dayAt(5, 0), to: dayAt(6, 0) });
      return day.length === 1 && day[0]!.id === kept.id && !day.some((s) => s.id === refused.id);
    });
  });

  it('a desktop that pulled past its colleagues\' shifts under the old rule (own shifts only) gets the whole rota after the upgrade', async () => {
    const http = new Http(server.url);
    const agentSession = await http.login('agent1@demo.test');
    const pullPath = (cursor: number) => `/api/v1/organizations/${agentSession.user.organization_id}/sync/pull?client_id=${clientId}&cursor=${cursor}&limit=1000`;
    const clientId = crypto.randomUUID();
    let cursor = 0;
    for (let more = true; more; ) {
      const page = await http.get(pullPath(cursor), agentSession);
      expect(page.status).toBe(200);
      [cursor, more] = [page.body.cursor, page.body.has_more];
    }
    // The migration the upgrade runs: every shift moves up the change log past that cursor.
    await withStore(server, (db) => publishRota(db));
    const after = await http.get(pullPath(cursor), agentSession);
    const shifts = after.body.changes.filter((c: { entity: string }) => c.entity === 'schedule');
    const all = await supervisor.invoke('schedules.list', {});
    expect(shifts.map((c: { id: string }) => c.id).sort()).toEqual(all.map((s) => s.id).sort());
    expect(new Set(shifts.map((c: { data: { staffId: string } }) => c.data.staffId))).toEqual(new Set([agentId, agent2Id]));
  });
});
