/** The agent's own state (status bar), the organization's settings, and everyone's (wallboard). */
import { create } from 'zustand';
import { type AgentStateName, type AgentStateSettings, DEFAULT_AGENT_STATE_SETTINGS } from '../../src-shared/domain/agent-state';
import type { AgentStateRead } from '../../src-shared/schemas/agent-states';
import { type InvokeError, asBridgeError, invoke } from '../bridge';

interface AgentStateStore {
  mine: AgentStateRead | null;
  settings: AgentStateSettings;
  /** every agent's state this desktop mirrors, by user id */
  byUser: Record<string, AgentStateRead>;
  error: InvokeError | null;
  load(): Promise<void>;
  set(state: AgentStateName, reason?: string | null, extra?: { at?: string; call_id?: string | null }): Promise<AgentStateRead | null>;
}

export const useAgentState = create<AgentStateStore>()((set, get) => ({
  mine: null,
  settings: DEFAULT_AGENT_STATE_SETTINGS,
  byUser: {},
  error: null,
  async load() {
    try {
      const [mine, settings, all] = await Promise.all([invoke('agentStates.mine', {}), invoke('agentStates.settings', {}), invoke('agentStates.list', {})]);
      set({ mine, settings, byUser: Object.fromEntries(all.map((s) => [s.user_id, s])) });
    } catch (err) {
      set({ error: asBridgeError(err) });
    }
  },
  async set(state, reason = null, extra = {}) {
    try {
      const mine = await invoke('agent_state.set', { state, reason, ...extra });
      set({ mine, byUser: { ...get().byUser, [mine.user_id]: mine }, error: null });
      return mine;
    } catch (err) {
      set({ error: asBridgeError(err) });
      return null;
    }
  },
}));
