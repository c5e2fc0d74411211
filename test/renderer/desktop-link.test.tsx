// @vitest-environment jsdom
/**
 * The page's half of the desktop around the phone (issue 14), with the real softphone running
 * (PhoneEngine + SIP.js against a SIP server stand-in, phone-env.ts): what the page publishes to
 * the shell ('desktop.phoneState': ringing, caller, calls, missed, the agent's state and choices),
 * what the shell's commands do ('desktop.command': a notification's Decline, a global shortcut's
 * hang up, a tray state), and the global shortcut settings with their problems reported.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useAgentState } from '../../src-renderer/agent-state/store';
import type { DesktopPhoneState } from '../../src-shared/ipc/desktop';
import type { FakeBridge } from './fake-bridge';
import { renderApp, settle, world } from './harness';
import { withSoftphone } from './phone-env';

const phoneReady = () => waitFor(() => expect(screen.getByTestId('phone-status').textContent).toBe('Phone: ready'), { timeout: 120_000 });
const published = (bridge: FakeBridge) => bridge.calledWith('desktop.phoneState') as DesktopPhoneState[];
const last = (bridge: FakeBridge) => published(bridge).at(-1)!;
const incoming = () => screen.findByRole('alertdialog', { name: 'Incoming call' }, { timeout: 60_000 });

describe('the page tells the shell about the phone', () => {
  it('publishes ringing with the caller, then a missed call until the window is in front again', async () => {
    const { bridge, agent } = world();
    const sip = await withSoftphone(bridge);
    await renderApp(bridge, agent);
    await phoneReady();
    await waitFor(() => expect(last(bridge).agent).toEqual({ state: 'available', reason: null }));
    expect(last(bridge)).toMatchObject({ ringing: 0, calls: 0, missed: 0, muted: false, caller: null });
    expect(last(bridge).choices.map((c) => c.label)).toEqual(['Available', 'Not ready · Break', 'Not ready · Lunch', 'Not ready · Training', 'Not ready · Meeting', 'Offline']);

    sip.ring('+447700900123');
    await incoming();
    await waitFor(() => expect(last(bridge)).toMatchObject({ ringing: 1, calls: 0, caller: '+447700900123' }));

    sip.cancel();
    await waitFor(() => expect(last(bridge)).toMatchObject({ ringing: 0, missed: 1, caller: null }));
    // Nothing changed: nothing more is sent (the shell is not flooded with equal states).
    const count = published(bridge).length;
    await settle(300);
    expect(published(bridge)).toHaveLength(count);

    act(() => void window.dispatchEvent(new Event('focus')));
    await waitFor(() => expect(last(bridge).missed).toBe(0));
  });

  it("carries out the shell's commands: Decline from the notification, hang up from a shortcut, a state from the tray", async () => {
    const { bridge, agent } = world();
    const sip = await withSoftphone(bridge);
    await renderApp(bridge, agent);
    await phoneReady();

    sip.ring('+447700900124');
    await incoming();
    act(() => bridge.emit('desktop.command', { action: 'decline' }));
    await waitFor(() => expect(sip.responses.some((code) => code === 486 || code === 603)).toBe(true), { timeout: 120_000 });
    await waitFor(() => expect(screen.queryByRole('alertdialog', { name: 'Incoming call' })).toBeNull());
    await waitFor(() => expect(last(bridge)).toMatchObject({ ringing: 0, missed: 0 }), { timeout: 120_000 });

    // A global "hang up" with only a ringing call declines it too.
    const before = sip.responses.length;
    sip.ring('+447700900125');
    await incoming();
    act(() => bridge.emit('desktop.command', { action: 'hangup' }));
    await waitFor(() => expect(sip.responses.slice(before).some((code) => code === 486 || code === 603)).toBe(true), { timeout: 120_000 });

    // "Answer" or "mute" with nothing to act on does nothing (no error in the phone).
    act(() => bridge.emit('desktop.command', { action: 'answer' }));
    act(() => bridge.emit('desktop.command', { action: 'mute' }));
    await settle(50);
    expect(screen.queryByRole('alert')).toBeNull();

    act(() => bridge.emit('desktop.command', { action: 'set-state', state: 'not_ready', reason: 'Lunch' }));
    await waitFor(() => expect(useAgentState.getState().mine).toMatchObject({ state: 'not_ready', reason: 'Lunch' }));
    await waitFor(() => expect(last(bridge).agent).toEqual({ state: 'not_ready', reason: 'Lunch' }));
    expect((screen.getByLabelText('Your state') as HTMLSelectElement).value).toBe('not_ready:Lunch');
  });

  it('leaves the ringing notification to a shell that shows its own, and publishes nothing rings once signed out', async () => {
    const { bridge, agent } = world();
    bridge.shell.notifies = true;
    const sip = await withSoftphone(bridge);
    const shown: string[] = [];
    class RecordingNotification {
      static permission = 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string) {
        shown.push(title);
      }
    }
    (globalThis as { Notification?: unknown }).Notification = RecordingNotification;
    try {
      await renderApp(bridge, agent);
      await phoneReady();
      await waitFor(() => expect(published(bridge).length).toBeGreaterThan(0));
      sip.ring('+447700900126');
      await incoming();
      await waitFor(() => expect(last(bridge).ringing).toBe(1));
      expect(shown).toEqual([]);
      sip.cancel();
      await waitFor(() => expect(last(bridge).ringing).toBe(0));

      fireEvent.click(screen.getByRole('button', { name: /sign out/i }));
      await waitFor(() => expect(last(bridge)).toEqual({ ringing: 0, calls: 0, muted: false, caller: null, missed: 0, agent: null, choices: [] }));
    } finally {
      delete (globalThis as { Notification?: unknown }).Notification;
    }
  });
});

describe('global shortcut settings', () => {
  const openSettings = async () => {
    fireEvent.click(screen.getByTestId('phone-status'));
    fireEvent.click(await screen.findByRole('tab', { name: 'Settings' }));
  };

  it('say they need the desktop app in browser mode', async () => {
    const { bridge, agent } = world();
    await withSoftphone(bridge);
    await renderApp(bridge, agent);
    await phoneReady();
    await openSettings();
    const section = await screen.findByRole('region', { name: 'Global shortcuts' });
    expect(section.textContent).toContain('needs the desktop app');
  });

  it('are off by default, and each one that cannot be registered says why', async () => {
    const { bridge, agent } = world();
    bridge.shell.globalShortcuts = true;
    bridge.shell.taken.add('Alt+F10');
    await withSoftphone(bridge);
    await renderApp(bridge, agent);
    await phoneReady();
    await openSettings();
    const form = await screen.findByRole('form', { name: 'Global shortcuts' });
    for (const label of ['Answer', 'Hang up', 'Mute / unmute']) expect((within(form).getByLabelText(label) as HTMLInputElement).value).toBe('');

    fireEvent.change(within(form).getByLabelText('Answer'), { target: { value: 'CommandOrControl+Shift+A' } });
    fireEvent.change(within(form).getByLabelText('Hang up'), { target: { value: 'Alt+F10' } });
    fireEvent.change(within(form).getByLabelText('Mute / unmute'), { target: { value: 'M' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save shortcuts' }));
    await waitFor(() => expect(within(form).getAllByRole('alert')).toHaveLength(2));
    const alerts = within(form).getAllByRole('alert').map((a) => a.textContent);
    expect(alerts).toEqual(['Alt+F10: another application already uses it', 'M: not a shortcut: use modifiers and a key, e.g. CommandOrControl+Shift+A']);
    expect(form.textContent).toContain('on: CommandOrControl+Shift+A');
    expect(bridge.calledWith('desktop.shortcuts.set').at(-1)).toEqual({ answer: 'CommandOrControl+Shift+A', hangup: 'Alt+F10', mute: 'M' });
  });
});
