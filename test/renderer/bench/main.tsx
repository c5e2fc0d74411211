/**
 * The UI benchmark page (`npm run bench:ui`): the real renderer (App, stores, TanStack Virtual)
 * over an in-page FakeBridge holding 10,000 tasks, plus baselines measured the same way in the
 * same browser: the same rows rendered without virtualisation, and the app with an empty queue.
 * Query: ?mode=virtual|plain|empty&n=10000. Results land on `window.bench`.
 */
import { StrictMode, memo, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '../../../src-renderer/App';
import { installBridge } from '../../../src-renderer/bridge';
import { startLive } from '../../../src-renderer/stores/live';
import { useTasks } from '../../../src-renderer/stores/tasks';
import { useUi } from '../../../src-renderer/stores/ui';
import { TaskRowView } from '../../../src-renderer/views/tasks/TaskRow';
import { FakeBridge, makeTask, makeUser } from '../fake-bridge';
import '../../../src-renderer/styles/base.css';
import '../../../src-renderer/styles/layout.css';
import '../../../src-renderer/styles/views.css';

const params = new URLSearchParams(location.search);
const mode = params.get('mode') ?? 'virtual';
const n = mode === 'empty' ? 0 : Number(params.get('n') ?? 10_000);
const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;

const bridge = new FakeBridge();
const me = makeUser('Alex Agent');
const other = makeUser('Blair Agent');
bridge.users = [me, other];
bridge.signIn(me);
const base = Date.now();
for (let i = 0; i < n; i++) {
  bridge.putTask(
    makeTask({
      title: `Call back patient ${i} about results`,
      priority: PRIORITIES[i % 4],
      due_date: new Date(base + ((i * 7919) % 20_000) * 60_000 - 3_600_000).toISOString(),
      assignee_id: me.id,
      assignee_name: me.name,
    }),
  );
}
installBridge(bridge);
useUi.getState().navigate('tasks');

const nextPaint = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error('bench: condition not met');
    await new Promise((r) => setTimeout(r, 0));
  }
}

const PlainRow = memo(function PlainRow({ id }: { id: string }) {
  const task = useTasks((s) => s.byId[id]);
  return task ? <TaskRowView task={task} now={base} selected={false} onSelect={() => undefined} /> : null;
});

/** The baseline: every row in the DOM, same row component, same store. */
function PlainQueue() {
  const ids = useTasks((s) => s.ids);
  useEffect(() => startLive(), []);
  return (
    <div className="vlist" style={{ height: '100vh', overflow: 'auto', contain: 'none' }} role="list" aria-label="My task queue">
      {ids.map((id) => (
        <div key={id} role="listitem" style={{ height: 48 }}>
          <PlainRow id={id} />
        </div>
      ))}
    </div>
  );
}

const rows = () => document.querySelectorAll('[aria-label="My task queue"] [role="listitem"]');
const firstTitle = () => rows()[0]?.querySelector('.title')?.textContent ?? null;

async function run() {
  const t0 = performance.now();
  createRoot(document.getElementById('root')!).render(<StrictMode>{mode === 'plain' ? <PlainQueue /> : <App />}</StrictMode>);
  await until(() => (n === 0 ? document.querySelector('.empty') !== null && useTasks.getState().loaded : rows().length > 0));
  await nextPaint();
  const firstRender = performance.now() - t0;
  const domRows = rows().length;

  // A pull lands: the supervisor reassigned the top task to someone else.
  let reassign = 0;
  if (n > 0) {
    const top = firstTitle();
    const id = useTasks.getState().ids[0]!;
    const t = bridge.tasks.get(id)!;
    bridge.tasks.set(id, { ...t, assignee_id: other.id, assignee_name: other.name, version: t.version + 1, updated_at: new Date().toISOString() });
    const t1 = performance.now();
    bridge.emit('data.changed', { entities: ['task'] });
    await until(() => firstTitle() !== top);
    await nextPaint();
    reassign = performance.now() - t1;
  }

  // Scrolling, one step per frame: like a wheel (3 rows a frame) and like dragging the scrollbar
  // (the whole list in 60 frames, so every frame shows new rows). The slow frames show stutter.
  const scroller = document.querySelector<HTMLElement>('[aria-label="My task queue"]');
  const scroll = async (stepPx: (el: HTMLElement) => number, count: number) => {
    const frames: number[] = [];
    if (!scroller || n === 0) return { p95: 0, max: 0 };
    scroller.scrollTop = 0;
    await nextPaint();
    const step = stepPx(scroller);
    let last = performance.now();
    for (let i = 1; i <= count; i++) {
      scroller.scrollTop = step * i;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      frames.push(now - last);
      last = now;
    }
    frames.sort((a, b) => a - b);
    return { p95: frames[Math.ceil(frames.length * 0.95) - 1]!, max: frames.at(-1)! };
  };
  // Baseline for the frame figures: frames with nothing to do, on this machine, right now.
  const idle = await scroll(() => 0, 60);
  const wheel = await scroll(() => 3 * 48, 120);
  const drag = await scroll((el) => (el.scrollHeight - el.clientHeight) / 60, 60);
  return { mode, n, firstRender, reassign, domRows, idleP95: idle.p95, wheelP95: wheel.p95, dragP95: drag.p95, dragMax: drag.max };
}

declare global {
  interface Window {
    bench?: Promise<Awaited<ReturnType<typeof run>>>;
  }
}
window.bench = run();
