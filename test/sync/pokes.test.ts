/**
 * Pokes: a supervisor's reassignment reaches the agent's desktop through the event stream in
 * well under a second, as a `tasks.assigned` notification; a task reassigned away leaves the
 * agent's queue. After the API restarts the stream reconnects and pokes flow again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { startFaultProxy } from '../support/fault-proxy';
import { eventually, openCore, type TestCore } from '../support/desktop-core';

let server: ApiServer;
let supervisor: TestCore;
let agent: TestCore;
let agentId: string;
let otherAgentId: string;

beforeAll(async () => {
  server = await startApiServer();
  supervisor = await openCore();
  agent = await openCore();
  await supervisor.signIn(server.url, 'supervisor@demo.test');
  agentId = (await agent.signIn(server.url, 'agent1@demo.test')).user.id;
  await Promise.all([supervisor.invoke('sync.now', {}), agent.invoke('sync.now', {})]);
  otherAgentId = (await supervisor.invoke('users.list', {})).find((u) => u.email === 'agent2@demo.test')!.id;
});
afterAll(async () => {
  await agent?.close();
  await supervisor?.close();
  await stopAndClean(server);
});

/**
 * Reassigns and waits for the agent's desktop to be told. The agent's slow poll is minutes away,
 * so arriving at all within the (generous) deadline proves the poke did it; how fast is
 * bench:sync's question (poke-to-applied), not a test's.
 */
async function reassignAndWait(taskIds: string[], to: string) {
  const assigned = agent.next('tasks.assigned', (p) => p.tasks.some((t) => taskIds.includes(t.id)));
  await supervisor.invoke('tasks.reassign', { ids: taskIds, assignee_id: to });
  const event = await assigned;
  return { tasks: event.payload.tasks };
}

describe('reassignment', () => {
  it("arrives on the agent's desktop without it asking", async () => {
    for (let i = 0; i < 3; i++) {
      const task = await supervisor.invoke('task.create', { title: `Follow-up ${i}`, assignee_id: otherAgentId });
      await supervisor.invoke('sync.now', {});
      const { tasks } = await reassignAndWait([task.id], agentId);
      expect(tasks.map((t) => t.id)).toEqual([task.id]);
      expect(tasks[0]).toMatchObject({ assignee_id: agentId, title: `Follow-up ${i}` });
    }
    expect((await agent.invoke('tasks.mine', {})).length).toBeGreaterThanOrEqual(3);
  });

  it("a task reassigned away leaves the agent's queue without a notification", async () => {
    const [task] = await agent.invoke('tasks.mine', {});
    const before = agent.events['tasks.assigned'].length;
    await supervisor.invoke('tasks.reassign', { ids: [task!.id], assignee_id: otherAgentId });
    await eventually(async () => (await agent.invoke('tasks.get', { id: task!.id })) === null);
    expect(agent.events['tasks.assigned'].length).toBe(before);
  });

  it("reaches an up-to-date agent's desktop with the poke itself: it applies the changes without pulling", async () => {
    // agent2's desktop talks to the API through a proxy that logs its requests.
    const proxy = await startFaultProxy({ target: server.url });
    const agent2 = await openCore();
    try {
      await agent2.signIn(proxy.url, 'agent2@demo.test');
      await agent2.invoke('sync.now', {});
      for (let round = 0; round < 2; round++) {
        const task = await supervisor.invoke('task.create', { title: `Poked ${round}`, assignee_id: agentId });
        await eventually(async () => (await supervisor.invoke('sync.now', {})).pending === 0);
        // Idle (a cycle in progress leaves a poke to its own pull); in round 0 the event stream
        // may still be opening, so only round 1 is sure to meet an idle desktop with a stream.
        await agent2.invoke('sync.now', {});
        const before = proxy.log.length;
        const assigned = agent2.next('tasks.assigned', (p) => p.tasks.some((t) => t.id === task.id));
        await supervisor.invoke('tasks.reassign', { ids: [task.id], assignee_id: otherAgentId });
        await assigned;
        if (round === 1) expect(proxy.log.slice(before).filter((e) => e.kind === 'pull')).toEqual([]);
        expect(await agent2.invoke('tasks.get', { id: task.id })).toMatchObject({ assignee_id: otherAgentId, title: `Poked ${round}` });
      }
    } finally {
      await agent2.close();
      await proxy.close();
    }
  });

  it('agents may not reassign: refused locally with a clear error, nothing queued', async () => {
    const [task] = await agent.invoke('tasks.mine', {});
    await expect(agent.invoke('tasks.reassign', { ids: [task!.id], assignee_id: otherAgentId })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/supervisors/),
    });
    expect((await agent.invoke('sync.status', {})).pending).toBe(0);
  });

  it('an idle desktop shows the outage by itself: the lost stream makes it check the API', async () => {
    await agent.invoke('sync.now', {});
    expect((await agent.invoke('sync.status', {})).online).toBe(true);
    const offline = agent.next('sync.status', (s) => !s.online && s.state === 'offline');
    // Nobody touches the desktop: no write, no sync now; the slow poll is minutes away.
    await server.stop();
    expect((await offline).payload.online).toBe(false);
    const online = agent.next('sync.status', (s) => s.online && s.state === 'idle');
    await server.restart();
    expect((await online).payload.online).toBe(true);
  });

  it('news flows again after the API restarts (the stream reconnects, and pulls on reconnect)', async () => {
    await server.restart();
    const task = await supervisor.invoke('task.create', { title: 'After restart', assignee_id: otherAgentId });
    await eventually(async () => (await supervisor.invoke('sync.now', {})).pending === 0);
    // Nothing else makes the agent's desktop pull: no local writes, and the slow poll is minutes away.
    const { tasks } = await reassignAndWait([task.id], agentId);
    expect(tasks.map((t) => t.id)).toEqual([task.id]);
  });
});
