/**
 * Keyboard-first: one table of shortcuts drives both the key handler and the "?" help dialog,
 * so the documentation cannot drift from what the keys do. Single keys are ignored while the
 * focus is in a text field; chords ("g c") wait up to a second for their second key.
 */
import { useEffect } from 'react';
import { callCurrent } from './call-current';
import { useCalls } from './stores/calls';
import { usePatients } from './stores/patients';
import { useSession } from './stores/session';
import { useSync } from './stores/sync';
import { useTasks } from './stores/tasks';
import { useTeam } from './stores/team';
import { useUi } from './stores/ui';

export interface Shortcut {
  keys: string;
  label: string;
  run?: () => void;
  /** left out of an agent's help dialog */
  supervisorOnly?: boolean;
}

const isSupervisor = () => useSession.getState().session?.user.role !== 'agent';

function moveSelection(delta: number) {
  switch (useUi.getState().view) {
    case 'calls':
      return useCalls.getState().selectRelative(delta);
    case 'tasks':
      return useTasks.getState().selectRelative(delta);
    case 'patients':
      return usePatients.getState().selectRelative(delta);
    case 'team':
      return useTeam.getState().moveCursor(delta);
  }
}

function toggleCursorSelection() {
  const team = useTeam.getState();
  if (useUi.getState().view === 'team' && team.cursorId) team.toggle(team.cursorId);
}

export const SHORTCUTS: Shortcut[] = [
  { keys: 'g c', label: 'Go to Calls', run: () => useUi.getState().navigate('calls') },
  { keys: 'g p', label: 'Go to Patients', run: () => useUi.getState().navigate('patients') },
  { keys: 'g t', label: 'Go to My tasks', run: () => useUi.getState().navigate('tasks') },
  { keys: 'g s', label: 'Go to Shifts (My shifts, On call now)', run: () => useUi.getState().navigate('shifts') },
  { keys: 'g b', label: 'Go to Team board', run: () => isSupervisor() && useUi.getState().navigate('team'), supervisorOnly: true },
  { keys: 'g w', label: 'Go to Wallboard', run: () => isSupervisor() && useUi.getState().navigate('wallboard'), supervisorOnly: true },
  { keys: 'g r', label: 'Go to Rota', run: () => isSupervisor() && useUi.getState().navigate('rota'), supervisorOnly: true },
  { keys: 'n', label: 'Log a new call', run: () => useUi.getState().openDialog('logCall') },
  { keys: 't', label: 'New task', run: () => useUi.getState().openDialog('newTask') },
  { keys: 'c', label: "Call: the selected call back, the selected task's patient, the open patient", run: callCurrent },
  { keys: '/', label: 'Search or filter the current view', run: () => useUi.getState().focusSearch() },
  { keys: 'j', label: 'Next row', run: () => moveSelection(1) },
  { keys: 'k', label: 'Previous row', run: () => moveSelection(-1) },
  { keys: 'x', label: 'Select the current row (Team board)', run: toggleCursorSelection, supervisorOnly: true },
  { keys: 'a', label: 'Change your state (Available, Not ready…)', run: () => useUi.getState().focusState() },
  { keys: 's', label: 'Sync now', run: () => void useSync.getState().syncNow() },
  { keys: '?', label: 'Show keyboard shortcuts', run: () => useUi.getState().openDialog('help') },
  // Handled by the focused form or dialog itself; listed so the help is complete.
  { keys: 'ctrl+enter', label: 'Save the current form or notes' },
  { keys: 'esc', label: 'Close the dialog' },
];

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
}

/** Installs the global key handler while signed in. */
export function useGlobalShortcuts(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const byKeys = new Map(SHORTCUTS.filter((s) => s.run).map((s) => [s.keys, s.run!]));
    let prefix: string | null = null;
    let prefixTimer: ReturnType<typeof setTimeout> | undefined;

    const onKeyDown = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (isTyping(e.target) || useUi.getState().dialog !== null) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const combo = prefix ? `${prefix} ${key}` : key === '?' ? '?' : key;
      clearTimeout(prefixTimer);
      if (prefix) {
        prefix = null;
        const run = byKeys.get(combo);
        if (run) {
          e.preventDefault();
          run();
        }
        return;
      }
      if (key === 'g') {
        prefix = 'g';
        prefixTimer = setTimeout(() => (prefix = null), 1000);
        return;
      }
      const run = byKeys.get(combo);
      if (run) {
        e.preventDefault();
        run();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      clearTimeout(prefixTimer);
    };
  }, [enabled]);
}

/** For forms: ctrl+enter (cmd+enter on macOS) submits. */
export function isSaveChord(e: React.KeyboardEvent): boolean {
  return e.key === 'Enter' && (e.ctrlKey || e.metaKey);
}
