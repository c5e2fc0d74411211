/**
 * The page's half of the desktop around the phone (docs/shells.md): it publishes the phone's and
 * the agent's state to the shell whenever it changes ('desktop.phoneState'), counts the calls
 * missed since the agent last had the window in front, and carries out what the agent did outside
 * the page ('desktop.command': a global shortcut, a notification's Answer / Decline, a tray state).
 */
import type { DesktopCommand, DesktopPhoneState } from '../../../src-shared/ipc/desktop';
import { invoke, on } from '../../bridge';
import { useAgentState } from '../../agent-state/store';
import type { PhoneEngine } from '../engine';
import { usePhone } from '../store';
import { deskPhoneState, newlyMissed, phoneCommandFor } from './desk-state';

let shellNotifies = false;

/** Whether the shell shows its own ringing notification (Electron): the page then shows none. */
export const shellShowsRinging = () => shellNotifies;

function run(engine: PhoneEngine, command: DesktopCommand): void {
  if (command.action === 'set-state') {
    void useAgentState.getState().set(command.state, command.reason);
    return;
  }
  const todo = phoneCommandFor(command.action, engine.snapshot);
  if (!todo) return;
  void usePhone.getState().run((e) => {
    if (todo.kind === 'answer') return e.answer(todo.id);
    if (todo.kind === 'decline') return e.decline(todo.id);
    if (todo.kind === 'hangup') return e.hangup(todo.id);
    if (todo.kind === 'mute') e.setMuted(todo.id, todo.muted);
  });
}

/** Runs while the phone runs; returns the stop function. */
export function startDesktopLink(engine: PhoneEngine): () => void {
  let missed = 0;
  let recent = engine.snapshot.recent;
  let sent = '';
  let stopped = false;

  const publish = (state: DesktopPhoneState) => {
    const text = JSON.stringify(state);
    if (text === sent) return;
    sent = text;
    invoke('desktop.phoneState', state)
      .then((info) => {
        if (!stopped) shellNotifies = info.notifies;
      })
      .catch(() => {
        // A shell without the desktop methods (an older host): the page notifies by itself.
        shellNotifies = false;
      });
  };
  const update = () => {
    const phone = engine.snapshot;
    if (phone.recent !== recent) {
      missed += newlyMissed(recent, phone.recent);
      recent = phone.recent;
    }
    const { mine, settings } = useAgentState.getState();
    publish(deskPhoneState(phone, mine, settings, missed));
  };
  // The agent is looking at the window: the missed calls are seen (they stay in the call log).
  const seen = () => {
    if (missed === 0) return;
    missed = 0;
    update();
  };

  const offs = [
    engine.subscribe(update),
    useAgentState.subscribe((s, before) => {
      if (s.mine !== before.mine || s.settings !== before.settings) update();
    }),
    on('desktop.command', (command) => run(engine, command)),
  ];
  window.addEventListener('focus', seen);
  update();
  return () => {
    stopped = true;
    offs.forEach((off) => off());
    window.removeEventListener('focus', seen);
    // Signed out: nothing rings, no agent state.
    publish({ ringing: 0, calls: 0, muted: false, caller: null, missed: 0, agent: null, choices: [] });
    shellNotifies = false;
  };
}
