/**
 * The wallboard benchmark and screenshot page (`npm run bench:ui`): the real renderer (App, the
 * wallboard, the rota) over an in-page FakeBridge with N agents (?n=500), their states, today's
 * shifts and some calls. `?view=wallboard|rota|shifts` picks the view. It measures the first
 * render of the wallboard and the time from a pulled state change (the core's data.changed) to
 * the row on screen; results land on `window.wallboardBench`.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '../../../src-renderer/App';
import { installBridge } from '../../../src-renderer/bridge';
import { useUi } from '../../../src-renderer/stores/ui';
import { AGENT_STATES } from '../../../src-shared/domain/agent-state';
import type { AgentStateRead } from '../../../src-shared/schemas/agent-states';
import { FakeBridge, ORG, makeShift, makeUser } from '../fake-bridge';
import '../../../src-renderer/styles/base.css';
import '../../../src-renderer/styles/layout.css';
import '../../../src-renderer/styles/views.css';

const params = new URLSearchParams(location.search);
const n = Number(params.get('n') ?? 500);
const view = (params.get('view') ?? 'wallboard') as 'wallboard' | 'rota' | 'shifts';
/** `measure=0`: render only (the screenshots), no state changes */
const measure = params.get('measure') !== '0';
const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Esme', 'Femi', 'Grace', 'Hugo', 'Isla', 'Jon', 'Kemi', 'Liam', 'Maya', 'Noah', 'Orla', 'Priya'];
const LAST = ['Okafor', 'Smith', 'Patel', 'Jones', 'Khan', 'Evans', 'Murphy', 'Shah', 'Brown', 'Wilson'];
const REASONS = ['Break', 'Lunch', 'Training', 'Meeting'];

const bridge = new FakeBridge();
const supervisor = makeUser('Sam Supervisor', 'supervisor');
const agents = Array.from({ length: n }, (_, i) => makeUser(`${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= 160 ? ` ${i}` : ''}`));
bridge.users = [supervisor, ...agents];
bridge.signIn(supervisor);
const now = Date.now();
const day = new Date(now);
day.setHours(0, 0, 0, 0);
const at = (ms: number) => new Date(ms).toISOString();
const stateOf = (i: number): AgentStateRead => {
  const state = AGENT_STATES[i % 7 === 6 ? 4 : i % 4];
  return {
    id: agents[i]!.id, organization_id: ORG, user_id: agents[i]!.id, state,
    reason: state === 'not_ready' ? REASONS[i % REASONS.length]! : null,
    since: at(now - ((i * 37) % 1800) * 1000), previous_state: null, previous_reason: null, call_id: null, version: 1, updated_at: at(now),
  };
};
agents.forEach((a, i) => {
  bridge.agentStates.set(a.id, stateOf(i));
  // Early and late shifts across the week; every fifth agent has none today.
  for (let d = 0; d < 7; d++) {
    if ((i + d) % 5 === 4) continue;
    // An early shift that began three hours ago and a late one starting in two, every day.
    const hour = new Date(now).getHours() + (i % 2 ? 2 : -3);
    const start = day.getTime() + (d - ((day.getDay() + 6) % 7)) * 86_400_000 + hour * 3_600_000;
    const s = makeShift(a.id, at(start), at(start + 8 * 3_600_000), { type: i % 9 === 0 ? 'on_call' : 'regular', metadata: { location: i % 3 ? 'Main Building' : 'Ward B' } });
    bridge.schedules.set(s.id, s);
  }
});
installBridge(bridge);
useUi.getState().navigate(view);

const nextPaint = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error('bench: condition not met');
    await new Promise((r) => setTimeout(r, 0));
  }
}
const rowOf = (id: string) => document.querySelector<HTMLElement>(`[data-agent-id="${id}"]`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]!;

async function run() {
  const t0 = performance.now();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  if (view !== 'wallboard') {
    await until(() => document.querySelector('.rota-grid, .shift-list, .shifts .empty') !== null);
    await nextPaint();
    return { n, firstRender: performance.now() - t0, changeP50: 0, changeP95: 0, domRows: 0 };
  }
  await until(() => document.querySelectorAll('.wallboard-row').length > 0 && document.querySelector('[data-testid="shift-mark"]')?.textContent !== '');
  await nextPaint();
  const firstRender = performance.now() - t0;

  // A pulled state change of an agent whose row is on screen: core event to painted row.
  const changes: number[] = [];
  for (let k = 0; k < (measure ? 40 : 0); k++) {
    const row = document.querySelector<HTMLElement>('.wallboard-row')!;
    const id = row.dataset.agentId!;
    const before = row.textContent;
    const current = bridge.agentStates.get(id)!;
    const next: AgentStateRead = current.state === 'not_ready'
      ? { ...current, reason: current.reason === 'Lunch' ? 'Break' : 'Lunch', since: at(Date.now()), version: current.version + 1 }
      : { ...current, state: 'not_ready', reason: 'Lunch', since: at(Date.now()), version: current.version + 1 };
    bridge.agentStates.set(id, next);
    const t1 = performance.now();
    bridge.emit('data.changed', { entities: ['agent_state'] });
    await until(() => rowOf(id)?.textContent !== before);
    await nextPaint();
    changes.push(performance.now() - t1);
  }
  if (!changes.length) return { n, firstRender, changeP50: 0, changeP95: 0, domRows: 0 };
  return { n, firstRender, changeP50: pct(changes, 0.5), changeP95: pct(changes, 0.95), domRows: document.querySelectorAll('.wallboard-row').length };
}

declare global {
  interface Window {
    wallboardBench?: Promise<Awaited<ReturnType<typeof run>>>;
  }
}
window.wallboardBench = run();
