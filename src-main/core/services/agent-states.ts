/**
 * Agent states from the local store: the signed-in agent's own (set with `agent_state.set`, a
 * local write like any other) and, for supervisors, everyone's as last pulled (the wallboard).
 */
import { DEFAULT_AGENT_STATE_SETTINGS, type AgentStateSettings } from '../../../src-shared/domain/agent-state';
import type { CoreHandlers, IpcArgs } from '../../../src-shared/ipc/contract';
import type { AgentStateRead } from '../../../src-shared/schemas/agent-states';
import type { SessionUser } from '../../../src-shared/schemas/auth';
import { CoreError } from '../errors';
import { AGENT_STATE_SETTINGS_KEY } from '../domain/mutators';
import type { LocalWriter } from '../local-writes';
import type { LocalStore } from '../store';

export class AgentStateService {
  constructor(
    private readonly store: LocalStore,
    private readonly writer: LocalWriter,
    private readonly user: () => SessionUser | null,
    private readonly now: () => number,
  ) {}

  mine(): AgentStateRead | null {
    const me = this.user();
    return me ? (this.store.entities.get<AgentStateRead>('agent_state', me.id)?.data ?? null) : null;
  }

  set(args: IpcArgs<'agent_state.set'>): AgentStateRead {
    const me = this.user();
    if (!me) throw new CoreError('UNAUTHORIZED', 'sign in first');
    const current = this.mine();
    const reason = args.reason ?? null;
    // The same state again is no change: time in state keeps running.
    if (current && current.state === args.state && current.reason === reason && (args.call_id === undefined || args.call_id === current.call_id)) return current;
    const at = args.at ?? new Date(this.now()).toISOString();
    return this.writer.write<AgentStateRead>('agent_state.set', { id: me.id, state: args.state, reason, at, ...(args.call_id !== undefined ? { call_id: args.call_id } : {}) });
  }

  list(): AgentStateRead[] {
    return this.store.entities.query<AgentStateRead>('agent_state', '', [], 'ORDER BY user_id');
  }

  settings(): AgentStateSettings {
    return this.store.reference.getSetting<AgentStateSettings>(AGENT_STATE_SETTINGS_KEY) ?? DEFAULT_AGENT_STATE_SETTINGS;
  }
}

type AgentStateHandlers = Pick<CoreHandlers, 'agentStates.mine' | 'agent_state.set' | 'agentStates.list' | 'agentStates.settings'>;

export function agentStateHandlers(s: AgentStateService): AgentStateHandlers {
  return {
    'agentStates.mine': async () => s.mine(),
    'agent_state.set': async (args) => s.set(args),
    'agentStates.list': async () => s.list(),
    'agentStates.settings': async () => s.settings(),
  };
}
