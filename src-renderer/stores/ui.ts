/** Which view is showing, which dialog is open, and short-lived notices. Mirrored to the URL hash. */
import { create } from 'zustand';

export const VIEWS = ['calls', 'patients', 'tasks', 'shifts', 'team', 'wallboard', 'rota'] as const;
export type View = (typeof VIEWS)[number];
export type DialogName = 'help' | 'logCall' | 'newTask' | 'attention' | null;

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
  /** one button on the notice, e.g. Undo */
  action?: { label: string; run: () => void };
}

interface UiState {
  view: View;
  dialog: DialogName;
  /** pre-filled values for the new-task dialog (e.g. from a patient card) */
  newTaskFor: { patient_id?: string | null; call_id?: string | null } | null;
  toasts: Toast[];
  /** bumped by the "/" shortcut; the current view's search field focuses itself */
  searchFocus: number;
  /** bumped by the "a" shortcut; the status bar's state picker focuses itself */
  stateFocus: number;
  focusState(): void;
  navigate(view: View): void;
  openDialog(dialog: Exclude<DialogName, null>, newTaskFor?: UiState['newTaskFor']): void;
  closeDialog(): void;
  toast(text: string, tone?: Toast['tone'], action?: Toast['action']): void;
  dismissToast(id: number): void;
  focusSearch(): void;
}

function viewFromHash(): View {
  const name = typeof location !== 'undefined' ? location.hash.replace(/^#\/?/, '') : '';
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : 'calls';
}

let nextToast = 1;

export const useUi = create<UiState>()((set, get) => ({
  view: viewFromHash(),
  dialog: null,
  newTaskFor: null,
  toasts: [],
  searchFocus: 0,
  stateFocus: 0,
  focusState() {
    set({ stateFocus: get().stateFocus + 1 });
  },
  navigate(view) {
    set({ view });
    if (typeof history !== 'undefined' && location.hash !== `#/${view}`) history.replaceState(null, '', `#/${view}`);
  },
  openDialog(dialog, newTaskFor = null) {
    set({ dialog, newTaskFor });
  },
  closeDialog() {
    set({ dialog: null, newTaskFor: null });
  },
  toast(text, tone = 'info', action) {
    const id = nextToast++;
    set({ toasts: [...get().toasts.slice(-3), { id, text, tone, ...(action ? { action } : {}) }] });
    // A notice with an action stays longer: there must be time to read it and press Undo.
    setTimeout(() => get().dismissToast(id), action ? 12_000 : 6000);
  },
  dismissToast(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
  focusSearch() {
    set({ searchFocus: get().searchFocus + 1 });
  },
}));
