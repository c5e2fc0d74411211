/**
 * The Electron shell's side of the phone (src-main/electron/phone-desk.ts) without Electron: what
 * the page publishes brings the window forward (never stealing focus from a call), shows one
 * notification with Answer / Decline while a call rings unseen and closes it when the ringing
 * stops, keeps the tray in step, tells the updater when the phone's activity changes, and turns
 * notification buttons and tray items into commands for the page. The ports record what the
 * Electron glue (desk-electron.ts) would do.
 */
import { describe, expect, it } from 'vitest';
import type { WindowFacts } from '../../src-main/electron/desktop-policy';
import { IDLE_DESK, PhoneDesk, type DeskPorts, type RingNotice } from '../../src-main/electron/phone-desk';
import type { DesktopCommand, DesktopPhoneState } from '../../src-shared/ipc/desktop';

function rig(facts: WindowFacts | null) {
  const log: string[] = [];
  const notices: { notice: RingNotice; on: Parameters<DeskPorts['notify']>[1]; open: boolean }[] = [];
  const commands: DesktopCommand[] = [];
  const trays: string[] = [];
  let activity = 0;
  const window = { facts };
  const desk = new PhoneDesk({
    window: () => window.facts,
    showAndFocus: () => log.push('show-and-focus'),
    showInactiveAndFlash: () => log.push('show-inactive-and-flash'),
    notify(notice, on) {
      const entry = { notice, on, open: true };
      notices.push(entry);
      return () => void (entry.open = false);
    },
    command: (c) => commands.push(c),
    tray: (model) => trays.push(model.tooltip),
    activityChanged: () => activity++,
    quit: () => log.push('quit'),
  });
  return { desk, log, notices, commands, trays, window, activity: () => activity };
}

const hidden = { visible: false, minimized: false, focused: false };
const front = { visible: true, minimized: false, focused: true };
const agent = { state: 'available' as const, reason: null };
const choices = [
  { state: 'available' as const, reason: null, label: 'Available' },
  { state: 'not_ready' as const, reason: 'Lunch', label: 'Not ready · Lunch' },
];
const idle: DesktopPhoneState = { ...IDLE_DESK, agent, choices };
const ring = (o: Partial<DesktopPhoneState> = {}): DesktopPhoneState => ({ ...idle, ringing: 1, caller: 'Ada Patient (+447700900123)', ...o });

describe('a call rings', () => {
  it('with the window hidden: it comes forward with focus, and a notification offers Answer / Decline', () => {
    const r = rig(hidden);
    r.desk.apply(idle);
    expect(r.desk.apply(ring())).toEqual({ notifies: true });
    expect(r.log).toEqual(['show-and-focus']);
    expect(r.notices.map((n) => n.notice)).toEqual([{ title: 'Incoming call', body: 'Ada Patient (+447700900123)', actions: ['Answer', 'Decline'] }]);

    r.notices[0]!.on.answer();
    r.notices[0]!.on.decline();
    expect(r.commands).toEqual([{ action: 'answer' }, { action: 'decline' }]);
    r.notices[0]!.on.click();
    expect(r.log.at(-1)).toBe('show-and-focus');

    // Answered: the notification goes away.
    r.desk.apply({ ...idle, calls: 1 });
    expect(r.notices[0]!.open).toBe(false);
  });

  it('during a call with the window behind: no focus taken, the taskbar flashes, "Call waiting" is notified', () => {
    const r = rig(hidden);
    r.desk.apply({ ...idle, calls: 1 });
    r.desk.apply(ring({ calls: 1 }));
    expect(r.log).toEqual(['show-inactive-and-flash']);
    expect(r.notices.map((n) => n.notice.title)).toEqual(['Call waiting']);
  });

  it('with the window in front: nothing moves and no notification (the ringing dialog is on screen)', () => {
    const r = rig(front);
    r.desk.apply(ring());
    expect(r.log).toEqual([]);
    expect(r.notices).toEqual([]);
  });

  it('a second call ringing replaces the first notification; the caller giving up closes it', () => {
    const r = rig(hidden);
    r.desk.apply(ring());
    r.desk.apply(ring({ ringing: 2, caller: '+447700900999' }));
    expect(r.notices.map((n) => [n.notice.body, n.open])).toEqual([
      ['Ada Patient (+447700900123)', false],
      ['+447700900999', true],
    ]);
    r.desk.apply({ ...idle, missed: 2 });
    expect(r.notices.every((n) => !n.open)).toBe(true);
  });
});

describe('the tray, the updater and the page going away', () => {
  it('follows the agent state and missed calls, and its items become commands for the page', () => {
    const r = rig(front);
    expect(r.trays).toEqual(['OnCall Desk · Signed out']);
    r.desk.apply(idle);
    r.desk.apply({ ...idle, missed: 1 });
    r.desk.apply({ ...idle, missed: 1 }); // unchanged: the menu is not rebuilt
    expect(r.trays).toEqual(['OnCall Desk · Signed out', 'OnCall Desk · Available', 'OnCall Desk · Available · 1 missed call']);

    r.desk.trayAction({ kind: 'set-state', state: 'not_ready', reason: 'Lunch' });
    r.desk.trayAction({ kind: 'open' });
    r.desk.trayAction({ kind: 'quit' });
    expect(r.commands).toEqual([{ action: 'set-state', state: 'not_ready', reason: 'Lunch' }]);
    expect(r.log).toEqual(['show-and-focus', 'quit']);
  });

  it('tells the updater when calls start and end (a deferred question may be asked), and quitting sees the calls', () => {
    const r = rig(front);
    r.desk.apply(ring());
    expect(r.desk.activity).toEqual({ calls: 0, ringing: 1 });
    r.desk.apply({ ...idle, calls: 1 });
    r.desk.apply({ ...idle, calls: 1, muted: true });
    expect(r.activity()).toBe(2);
    r.desk.apply(idle);
    expect(r.activity()).toBe(3);
    expect(r.desk.activity).toEqual({ calls: 0, ringing: 0 });
  });

  it('forgets what a page that reloads or crashes published: nothing rings, no notification stays', () => {
    const r = rig(hidden);
    r.desk.apply(ring({ calls: 1 }));
    r.desk.reset();
    expect(r.desk.activity).toEqual({ calls: 0, ringing: 0 });
    expect(r.notices.every((n) => !n.open)).toBe(true);
    expect(r.trays.at(-1)).toBe('OnCall Desk · Signed out');
  });
});
