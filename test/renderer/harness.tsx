/**
 * Test harness for component tests: installs a FakeBridge, resets every store to its first
 * state, gives jsdom a viewport for the virtualised lists, and renders the real App.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach } from 'vitest';
import { installBridge } from '../../src-renderer/bridge';
import { App } from '../../src-renderer/App';
import { usePhone } from '../../src-renderer/phone/store';
import { useAgentState } from '../../src-renderer/agent-state/store';
import { useCalls } from '../../src-renderer/stores/calls';
import { usePatientLookup } from '../../src-renderer/stores/patient-lookup';
import { usePatients } from '../../src-renderer/stores/patients';
import { useReference } from '../../src-renderer/stores/reference';
import { useSession } from '../../src-renderer/stores/session';
import { useSync } from '../../src-renderer/stores/sync';
import { useTasks } from '../../src-renderer/stores/tasks';
import { useTeam } from '../../src-renderer/stores/team';
import { useUi } from '../../src-renderer/stores/ui';
import { useShifts } from '../../src-renderer/schedules/store';
import { FakeBridge, makeUser } from './fake-bridge';

const stores = [useAgentState, useCalls, usePatients, useReference, useSession, useSync, useTasks, useTeam, useUi, usePhone, usePatientLookup, useShifts] as const;
const initial = stores.map((s) => s.getState());

// jsdom has no layout: give scroll containers a height so TanStack Virtual renders a window.
export const VIEWPORT_HEIGHT = 600;
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => VIEWPORT_HEIGHT });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });

export function resetStores(): void {
  stores.forEach((s, i) => (s as { setState(v: unknown, replace: true): void }).setState(initial[i], true));
}

afterEach(() => {
  cleanup();
  installBridge(null);
  resetStores();
  localStorage.clear();
  history.replaceState(null, '', '#/');
});

export interface World {
  bridge: FakeBridge;
  agent: ReturnType<typeof makeUser>;
  agent2: ReturnType<typeof makeUser>;
  supervisor: ReturnType<typeof makeUser>;
}

export function world(): World {
  const bridge = new FakeBridge();
  const agent = makeUser('Ada Agent');
  const agent2 = makeUser('Ben Agent');
  const supervisor = makeUser('Sue Supervisor', 'supervisor');
  bridge.users = [agent, agent2, supervisor];
  return { bridge, agent, agent2, supervisor };
}

/** Renders the app with `bridge` installed; signed in as `as` when given. */
export async function renderApp(bridge: FakeBridge, as?: ReturnType<typeof makeUser>) {
  if (as) bridge.signIn(as);
  installBridge(bridge);
  resetStores();
  const result = render(<App />);
  // Let session.current and the first loads settle.
  await act(async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  });
  return result;
}

/** Flushes pending promises and timers-at-zero inside act(). */
export async function settle(ms = 0) {
  await act(async () => {
    await new Promise((r) => setTimeout(r, ms));
  });
}

/** The current value of the form control labelled `label`. */
export function valueOf(label: string | RegExp): string {
  return (screen.getByLabelText(label) as HTMLInputElement).value;
}
