/** Who is signed in, to which server. The sign-in form's typed values live in the form, not here. */
import { create } from 'zustand';
import type { LoginArgs, SessionInfo } from '../../src-shared/ipc/contract';
import { type InvokeError, invoke } from '../bridge';

export type SessionPhase = 'starting' | 'signed_out' | 'signed_in';

interface SessionState {
  phase: SessionPhase;
  session: SessionInfo | null;
  signingIn: boolean;
  /** restores a session the main process still holds (app restart, page reload) */
  restore(): Promise<void>;
  /** resolves to the error to show, or null when signed in */
  login(args: LoginArgs): Promise<InvokeError | null>;
  logout(): Promise<void>;
}

const REMEMBERED_SERVER = 'oncall.serverUrl';
const REMEMBERED_EMAIL = 'oncall.email';

export function rememberedSignIn(): { serverUrl: string; email: string } {
  try {
    return {
      serverUrl: localStorage.getItem(REMEMBERED_SERVER) ?? '',
      email: localStorage.getItem(REMEMBERED_EMAIL) ?? '',
    };
  } catch {
    return { serverUrl: '', email: '' };
  }
}

function remember(serverUrl: string, email: string) {
  try {
    localStorage.setItem(REMEMBERED_SERVER, serverUrl);
    localStorage.setItem(REMEMBERED_EMAIL, email);
  } catch {
    // Storage can be disabled; remembering is a convenience, signing in must not fail for it.
  }
}

export const useSession = create<SessionState>()((set) => ({
  phase: 'starting',
  session: null,
  signingIn: false,
  async restore() {
    try {
      const session = await invoke('session.current', {});
      set({ session, phase: session ? 'signed_in' : 'signed_out' });
    } catch {
      set({ session: null, phase: 'signed_out' });
    }
  },
  async login(args) {
    set({ signingIn: true });
    try {
      const session = await invoke('session.login', args);
      remember(session.serverUrl || args.serverUrl, args.email);
      set({ session, phase: 'signed_in', signingIn: false });
      return null;
    } catch (err) {
      set({ signingIn: false });
      return err as InvokeError;
    }
  },
  async logout() {
    try {
      // Signed out is Offline on the wallboard: queue it and give it one chance to go out now.
      await invoke('agent_state.set', { state: 'offline' })
        .then(() => invoke('sync.now', {}))
        .catch(() => undefined);
      await invoke('session.logout', {});
    } finally {
      set({ session: null, phase: 'signed_out' });
    }
  },
}));

export const useMe = () => useSession((s) => s.session?.user ?? null);
export const useIsSupervisor = () => useSession((s) => s.session?.user.role === 'supervisor' || s.session?.user.role === 'admin');
export const currentUserId = () => useSession.getState().session?.user.id ?? null;
