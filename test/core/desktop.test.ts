/**
 * The desktop around the phone in the core (issue 14), with the real core on a real SQLite file
 * and the shared dispatch the shells use: 'desktop.phoneState' reaches the shell only when valid,
 * global shortcuts are off by default, registered through the shell, kept across restarts, each
 * problem reported, and a registered one fires 'desktop.command' to the page. The shell port here
 * plays Electron's globalShortcut (the Electron binary cannot run on our machines).
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShellPort } from '../../src-main/core/api';
import { dispatch } from '../../src-main/core/dispatch';
import type { DesktopPhoneState } from '../../src-shared/ipc/desktop';
import { openCore, type TestCore } from '../support/desktop-core';

const ringing: DesktopPhoneState = {
  ringing: 1,
  calls: 0,
  muted: false,
  caller: 'Ada Patient (+447700900123)',
  missed: 2,
  agent: { state: 'available', reason: null },
  choices: [{ state: 'available', reason: null, label: 'Available' }],
};

/** Electron's globalShortcut, as far as the core sees it: accelerators in `taken` belong to another application. */
function fakeDesktop(taken: string[] = []) {
  const published: DesktopPhoneState[] = [];
  const registered = new Map<string, () => void>();
  const shell: ShellPort = {
    phoneState: (state) => (published.push(state), { notifies: true }),
    globalShortcuts: {
      register: (accelerator, fire) => !taken.includes(accelerator) && !registered.has(accelerator) && !!registered.set(accelerator, fire),
      unregisterAll: () => registered.clear(),
    },
  };
  return { shell, published, registered };
}

const cores: TestCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) {
    await c.close();
    rmSync(c.dataDir, { recursive: true, force: true });
  }
});
const open = async (...args: Parameters<typeof openCore>) => {
  const c = await openCore(...args);
  cores.push(c);
  return c;
};

describe("the page's phone state", () => {
  it('reaches the shell, which says it notifies; an invalid one is refused per field and never reaches it', async () => {
    const desktop = fakeDesktop();
    const { core } = await open({ shell: desktop.shell });
    expect(await dispatch(core.handlers, 'desktop.phoneState', ringing)).toEqual({ ok: true, result: { notifies: true } });
    expect(desktop.published).toEqual([ringing]);

    const bad = await dispatch(core.handlers, 'desktop.phoneState', { ...ringing, ringing: -1, agent: { state: 'asleep', reason: null }, extra: 1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const details = (bad as { error: { details: Record<string, string> } }).error.details;
    expect(Object.keys(details).sort()).toEqual(['_', 'agent.state', 'ringing'].sort());
    expect(desktop.published).toHaveLength(1);
  });

  it('in browser mode (no shell) is accepted and nothing notifies for the page', async () => {
    const { core } = await open();
    expect(await dispatch(core.handlers, 'desktop.phoneState', ringing)).toEqual({ ok: true, result: { notifies: false } });
    expect(await dispatch(core.handlers, 'desktop.shortcuts.get', {})).toEqual({ ok: true, result: { supported: false, settings: {}, registered: {}, problems: [] } });
  });
});

describe('global shortcuts', () => {
  it('are off by default, register through the shell, report problems, and fire commands to the page', async () => {
    const desktop = fakeDesktop(['Alt+F10']);
    const c = await open({ shell: desktop.shell });
    expect(await c.invoke('desktop.shortcuts.get', {})).toEqual({ supported: true, settings: {}, registered: {}, problems: [] });
    expect(desktop.registered.size).toBe(0);

    const status = await c.invoke('desktop.shortcuts.set', { answer: 'CommandOrControl+Shift+A', hangup: 'Alt+F10', mute: 'M' });
    expect(status.registered).toEqual({ answer: 'CommandOrControl+Shift+A' });
    expect(status.problems).toEqual([
      { action: 'hangup', accelerator: 'Alt+F10', reason: 'taken' },
      { action: 'mute', accelerator: 'M', reason: 'invalid' },
    ]);
    expect([...desktop.registered.keys()]).toEqual(['CommandOrControl+Shift+A']);

    desktop.registered.get('CommandOrControl+Shift+A')!();
    expect(c.events['desktop.command'].map((e) => e.payload)).toEqual([{ action: 'answer' }]);

    // A changed accelerator frees the old one.
    await c.invoke('desktop.shortcuts.set', { answer: 'CommandOrControl+Shift+P', mute: 'CommandOrControl+Shift+M' });
    expect([...desktop.registered.keys()].sort()).toEqual(['CommandOrControl+Shift+M', 'CommandOrControl+Shift+P']);
  });

  it('are kept per machine across restarts, and released when the core closes', async () => {
    const first = fakeDesktop();
    const c = await openCore({ shell: first.shell });
    await c.invoke('desktop.shortcuts.set', { hangup: 'CommandOrControl+Shift+H' });
    await c.close();
    expect(first.registered.size).toBe(0);

    const second = fakeDesktop();
    const again = await open({ dataDir: c.dataDir, shell: second.shell });
    expect([...second.registered.keys()]).toEqual(['CommandOrControl+Shift+H']);
    expect((await again.invoke('desktop.shortcuts.get', {})).registered).toEqual({ hangup: 'CommandOrControl+Shift+H' });
    second.registered.get('CommandOrControl+Shift+H')!();
    expect(again.events['desktop.command'].map((e) => e.payload)).toEqual([{ action: 'hangup' }]);
  });

  it('refuse settings that are not strings, per field', async () => {
    const { core } = await open({ shell: fakeDesktop().shell });
    const bad = await dispatch(core.handlers, 'desktop.shortcuts.set', { answer: 5, dial: 'Alt+D' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(Object.keys((bad as { error: { details: Record<string, string> } }).error.details).sort()).toEqual(['_', 'answer']);
  });
});
