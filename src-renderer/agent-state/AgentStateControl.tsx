/**
 * The agent's state in the status bar: what it is, for how long, the after-call-work countdown,
 * and a picker to change it (`a` focuses it). On call and After-call work are the phone's to set,
 * so the picker offers them only as the current value.
 */
import { AGENT_STATE_LABEL, type AgentStateName, afterCallWorkEndsAt } from '../../src-shared/domain/agent-state';
import { useFocusOn, useNow } from '../lib/hooks';
import { formatDuration } from '../lib/time';
import { useUi } from '../stores/ui';
import { useAgentState } from './store';

const encode = (state: AgentStateName, reason: string | null) => (reason ? `${state}:${reason}` : state);

export function stateText(state: AgentStateName, reason: string | null): string {
  return state === 'not_ready' && reason ? `Not ready · ${reason}` : AGENT_STATE_LABEL[state];
}

export function AgentStateControl() {
  const mine = useAgentState((s) => s.mine);
  const settings = useAgentState((s) => s.settings);
  const set = useAgentState((s) => s.set);
  const ref = useFocusOn<HTMLSelectElement>(useUi((s) => s.stateFocus));
  const now = useNow(1000);
  if (!mine) return null;
  const inState = Math.max(0, Math.floor((now - Date.parse(mine.since)) / 1000));
  const acwLeft = mine.state === 'after_call_work' ? Math.max(0, Math.ceil((afterCallWorkEndsAt(mine.since, settings) - now) / 1000)) : null;
  const phoneOwned = mine.state === 'on_call' || mine.state === 'after_call_work';

  return (
    <span className={`status-item agent-state state-${mine.state}`} data-testid="agent-state">
      <span className="dot" aria-hidden="true" />
      <label className="visually-hidden" htmlFor="agent-state-picker">
        Your state
      </label>
      <select
        id="agent-state-picker"
        ref={ref}
        className="state-picker"
        value={encode(mine.state, mine.reason)}
        title="Your state (a)"
        onChange={(e) => {
          const [state, reason] = e.target.value.split(/:(.*)/s) as [AgentStateName, string | undefined];
          void set(state, reason ?? null);
        }}
      >
        {phoneOwned && <option value={encode(mine.state, null)}>{AGENT_STATE_LABEL[mine.state]}</option>}
        <option value="available">Available</option>
        {settings.not_ready_reasons.map((r) => (
          <option key={r} value={encode('not_ready', r)}>
            Not ready · {r}
          </option>
        ))}
        <option value="offline">Offline</option>
      </select>
      <span className="muted" data-testid="time-in-state" aria-label={`${stateText(mine.state, mine.reason)} for ${formatDuration(inState)}`}>
        {formatDuration(inState)}
      </span>
      {acwLeft !== null && (
        <span className="acw-countdown" data-testid="acw-countdown" role="timer" aria-label={`After-call work ends in ${formatDuration(acwLeft)}`}>
          wrap-up {formatDuration(acwLeft)} left
        </span>
      )}
    </span>
  );
}
