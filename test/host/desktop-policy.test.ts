/**
 * The desktop around the phone (issue 14), decided without Electron: bringing the window forward
 * without stealing focus during a call, notifying when the window may not be seen, asking before
 * quitting with calls, the tray's model, and global shortcuts (off by default, conflicts reported).
 */
import { describe, expect, it } from 'vitest';
import { bringForward, quitNeedsConfirmation, shouldNotify, trayModel } from '../../src-main/electron/desktop-policy';
import { applyShortcuts, isValidAccelerator, type AgentStateChoice } from '../../src-shared/ipc/desktop';

const idle = { calls: 0, ringing: 0 };
const ringing = { calls: 0, ringing: 1 };
const inCall = { calls: 1, ringing: 0 };
const waiting = { calls: 1, ringing: 1 };
const hidden = { visible: false, minimized: false, focused: false };
const minimized = { visible: true, minimized: true, focused: false };
const behind = { visible: true, minimized: false, focused: false };
const front = { visible: true, minimized: false, focused: true };

describe('an incoming call', () => {
  it('brings the window forward with focus when no call is in progress', () => {
    for (const w of [hidden, minimized, behind]) expect(bringForward(w, idle, ringing)).toBe('show-and-focus');
    expect(bringForward(front, idle, ringing)).toBe('none');
  });

  it('never steals focus from a call in progress: shown inactive and flashing', () => {
    for (const w of [hidden, minimized, behind]) expect(bringForward(w, inCall, waiting)).toBe('show-inactive-and-flash');
    expect(bringForward(front, inCall, waiting)).toBe('none');
  });

  it('does nothing when no new call rings', () => {
    expect(bringForward(hidden, ringing, ringing)).toBe('none');
    expect(bringForward(hidden, ringing, inCall)).toBe('none');
  });

  it('notifies (Answer / Decline) whenever the window may not be seen', () => {
    expect([hidden, minimized, behind, front].map(shouldNotify)).toEqual([true, true, true, false]);
  });
});

describe('quitting', () => {
  it('asks first with a call ringing or in progress', () => {
    expect(quitNeedsConfirmation(idle)).toBe(false);
    expect(quitNeedsConfirmation(ringing)).toBe(true);
    expect(quitNeedsConfirmation(inCall)).toBe(true);
  });
});

describe('the tray', () => {
  const choices: AgentStateChoice[] = [
    { state: 'available', reason: null, label: 'Available' },
    { state: 'not_ready', reason: 'Break', label: 'Not ready · Break' },
  ];
  const available = { state: 'available' as const, reason: null };

  it("shows the agent's state, calls and missed calls, with change state / open / quit", () => {
    const model = trayModel({ agent: available, choices, ...inCall, missed: 2 });
    expect(model.tooltip).toBe('OnCall Desk · Available · on a call · 2 missed calls');
    expect(model.items.filter((i) => i.type === 'radio').map((i) => [i.label, i.checked])).toEqual([
      ['Available', true],
      ['Not ready · Break', false],
    ]);
    expect(model.items.find((i) => i.label === 'Not ready · Break')?.action).toEqual({ kind: 'set-state', state: 'not_ready', reason: 'Break' });
    expect(model.items.map((i) => i.action?.kind).filter(Boolean)).toEqual(['set-state', 'set-state', 'open', 'open', 'quit']);
    expect(model.items.at(-1)?.label).toMatch(/call is in progress/);
  });

  it('shows a state the phone owns (on a call) checked, but not as one to pick', () => {
    const model = trayModel({ agent: { state: 'on_call', reason: null }, choices, ...inCall, missed: 0 });
    expect(model.tooltip).toBe('OnCall Desk · On call · on a call');
    const radios = model.items.filter((i) => i.type === 'radio');
    expect(radios.map((i) => [i.label, i.checked, i.enabled, i.action?.kind])).toEqual([
      ['On call', true, false, undefined],
      ['Available', false, true, 'set-state'],
      ['Not ready · Break', false, true, 'set-state'],
    ]);
  });

  it('says plainly when signed out and idle', () => {
    const model = trayModel({ agent: null, choices, ...idle, missed: 0 });
    expect(model.tooltip).toBe('OnCall Desk · Signed out');
    expect(model.items.filter((i) => i.type === 'radio').every((i) => i.enabled === false)).toBe(true);
    expect(model.items.at(-1)?.label).toBe('Quit');
  });
});

describe('global shortcuts', () => {
  it('are off by default: nothing is registered', () => {
    const calls: string[] = [];
    expect(applyShortcuts({}, (a: string) => (calls.push(a), true))).toEqual({ registered: {}, problems: [] });
    expect(applyShortcuts({ answer: null, hangup: '', mute: '  ' }, (a: string) => (calls.push(a), true)).registered).toEqual({});
    expect(calls).toEqual([]);
  });

  it('registers the configured ones and reports invalid, duplicate and taken accelerators', () => {
    const taken = new Set(['CommandOrControl+Shift+M']);
    const outcome = applyShortcuts({ answer: 'CommandOrControl+Shift+A', hangup: 'Shift+Ctrl', mute: 'CommandOrControl+Shift+M' }, (a: string) => !taken.has(a));
    expect(outcome.registered).toEqual({ answer: 'CommandOrControl+Shift+A' });
    expect(outcome.problems).toEqual([
      { action: 'hangup', accelerator: 'Shift+Ctrl', reason: 'invalid' },
      { action: 'mute', accelerator: 'CommandOrControl+Shift+M', reason: 'taken' },
    ]);
    expect(applyShortcuts({ answer: 'Alt+F9', hangup: 'alt+f9' }, () => true).problems).toEqual([{ action: 'hangup', accelerator: 'alt+f9', reason: 'invalid' }]);
    expect(applyShortcuts({ answer: 'Alt+F9', hangup: 'Alt+F9' }, () => true).problems).toEqual([{ action: 'hangup', accelerator: 'Alt+F9', reason: 'duplicate' }]);
  });

  it('accept only modifier+key accelerators (a bare key would swallow typing everywhere)', () => {
    for (const ok of ['CommandOrControl+Shift+A', 'Alt+F9', 'Ctrl+Alt+Space', 'Super+Enter']) expect(isValidAccelerator(ok), ok).toBe(true);
    for (const bad of ['A', 'F9', 'Shift+Shift+A', 'Ctrl+', 'Hyper+A', 'Ctrl+Ä', '']) expect(isValidAccelerator(bad), bad).toBe(false);
  });
});
