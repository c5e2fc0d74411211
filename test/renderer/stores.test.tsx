// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { asBridgeError, installBridge } from '../../src-renderer/bridge';
import { friendlyMessage } from '../../src-renderer/lib/errors';
import { coalesce, mergeById } from '../../src-renderer/lib/records';
import { compareTasks } from '../../src-renderer/lib/task-order';
import { localDayRange } from '../../src-renderer/lib/time';
import { useSession } from '../../src-renderer/stores/session';
import { useTasks } from '../../src-renderer/stores/tasks';
import { makeTask } from './fake-bridge';
import { resetStores, world } from './harness';

describe('renderer stores and helpers', () => {
  it('a re-query keeps the same object for unchanged records, so their rows do not re-render', () => {
    const a = makeTask({ title: 'a' });
    const b = makeTask({ title: 'b' });
    const prev = mergeById({}, [a, b]);
    const bChanged = { ...b, title: 'b2', version: 2, updated_at: new Date(Date.now() + 1000).toISOString() };
    const next = mergeById(prev, [{ ...a }, bChanged]);
    expect(next[a.id]).toBe(prev[a.id]);
    expect(next[b.id]).toBe(bChanged);
  });

  it('coalesces a burst of refresh requests into at most one extra run', async () => {
    let runs = 0;
    let release!: () => void;
    const task = coalesce(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((r) => (release = r));
    });
    const first = task();
    void task();
    void task();
    void task();
    release();
    await first;
    expect(runs).toBe(2);
  });

  it('orders tasks by priority, then due date (none last), then age', () => {
    const t = (title: string, priority: 'low' | 'normal' | 'high' | 'urgent', due: string | null, created = '2026-01-01T00:00:00.000Z') =>
      makeTask({ title, priority, due_date: due, created_at: created });
    const list = [
      t('n-none', 'normal', null),
      t('n-late', 'normal', '2026-02-02T00:00:00.000Z'),
      t('low', 'low', '2020-01-01T00:00:00.000Z'),
      t('n-early', 'normal', '2026-02-01T00:00:00.000Z'),
      t('u', 'urgent', null),
      t('n-none-older', 'normal', null, '2025-01-01T00:00:00.000Z'),
    ];
    expect(list.sort(compareTasks).map((x) => x.title)).toEqual(['u', 'n-early', 'n-late', 'n-none-older', 'n-none', 'low']);
  });

  it('a local day range covers the whole last day', () => {
    const { from, to } = localDayRange('2026-03-01', '2026-03-02');
    expect(new Date(to).getTime() - new Date(from).getTime()).toBe(2 * 86_400_000 - 1);
  });

  it('normalises whatever a shell rejects with into {code, message, details}', () => {
    expect(asBridgeError({ code: 'FORBIDDEN', message: 'no' })).toMatchObject({ code: 'FORBIDDEN', message: 'no' });
    expect(asBridgeError({ error: { code: 'NOT_FOUND', message: 'gone', details: { id: 'x' } } })).toMatchObject({ code: 'NOT_FOUND', details: { id: 'x' } });
    expect(asBridgeError(new Error('boom'))).toMatchObject({ code: 'UNKNOWN', message: 'boom' });
    expect(friendlyMessage(asBridgeError({ code: 'UNKNOWN', message: 'fetch failed' }), { serverUrl: 'http://x' })).toContain("Can't reach the server at http://x");
  });

  it('hides a task reassigned away at once, before the next query', async () => {
    const { bridge, agent, agent2 } = world();
    bridge.signIn(agent);
    installBridge(bridge);
    resetStores();
    await useSession.getState().restore();
    const task = bridge.putTask(makeTask({ title: 'x', assignee_id: agent.id }));
    await useTasks.getState().load();
    expect(useTasks.getState().ids).toEqual([task.id]);
    useTasks.getState().put({ ...task, assignee_id: agent2.id, version: 2, updated_at: new Date(Date.now() + 1).toISOString() });
    expect(useTasks.getState().ids).toEqual([]);
    expect(useTasks.getState().openCount).toBe(0);
  });
});
