/**
 * agent_state.set: an agent's own state, at the time it really changed (rules in
 * ../domain/agent-state.ts). A change older than the current state writes nothing here; the
 * server still adds it to the history.
 */
import { DEFAULT_AGENT_STATE_SETTINGS, agentStateProblem, nextAgentState } from '../domain/agent-state';
import type { Mutator } from './define';
import { forbidden, invalid } from './rule-error';
import { toUtc } from './rules';

export const agentStateSet: Mutator<'agent_state.set'> = {
  name: 'agent_state.set',
  reads: (a) => ({ records: [['agent_state', a.id]] }),
  run(tx, a) {
    if (a.id !== tx.actor.userId) throw forbidden('an agent sets only their own state');
    const problem = agentStateProblem(a, tx.settings.agent_states ?? DEFAULT_AGENT_STATE_SETTINGS);
    if (problem) throw invalid(problem);
    const current = tx.read('agent_state', a.id) ?? null;
    const next = nextAgentState(current, { ...a, at: toUtc('at', a.at) });
    if (!next) return;
    tx.write('agent_state', {
      id: a.id,
      organization_id: tx.actor.organizationId,
      user_id: a.id,
      ...next,
      version: current?.version ?? 0,
      updated_at: tx.now,
    });
  },
};
