/**
 * The outcome (disposition) picker. In wrap-up, setting the outcome completes the call and
 * records how long after-call work took; "Callback requested" first asks when to call back.
 */
import { useState } from 'react';
import type { CallRead, CallUpdate } from '../../../src-shared/schemas/calls';
import { type InvokeError, asBridgeError } from '../../bridge';
import { ErrorNote } from '../../components/ErrorNote';
import { secondsSince } from '../../lib/time';
import { useCalls } from '../../stores/calls';
import { useReference } from '../../stores/reference';
import { FollowUpForm } from './FollowUpForm';

export const CALLBACK_CODE = 'callback_requested';

function outcomePatch(call: CallRead, code: string): CallUpdate {
  if (call.status !== 'wrap_up') return { outcome: code };
  const wrapUp = secondsSince(call.ended_at ?? call.updated_at, Date.now());
  return { outcome: code, status: 'completed', metadata: { ...call.metadata, wrap_up_seconds: wrapUp } };
}

export function OutcomePicker({ call }: { call: CallRead }) {
  const dispositions = useReference((s) => s.dispositions);
  const update = useCalls((s) => s.update);
  const [choice, setChoice] = useState<string | null>(null);
  const [error, setError] = useState<InvokeError | null>(null);
  const shown = choice ?? call.outcome ?? '';

  const apply = async (code: string) => {
    await update(call.id, outcomePatch(call, code));
  };

  const onPick = async (code: string) => {
    setError(null);
    if (!code) return;
    setChoice(code);
    if (code === CALLBACK_CODE) return; // the follow-up form sets it
    try {
      await apply(code);
      setChoice(null);
    } catch (err) {
      setError(asBridgeError(err));
    }
  };

  const finishWrapUp = async () => {
    if (!call.outcome) return;
    try {
      await apply(call.outcome);
    } catch (err) {
      setError(asBridgeError(err));
    }
  };

  return (
    <div className="outcome">
      <label className="field">
        <span>Outcome</span>
        <select value={shown} onChange={(e) => void onPick(e.target.value)} aria-describedby={error ? `outcome-error-${call.id}` : undefined}>
          {/* A finished call with an outcome has nothing to go back to; one without says so plainly. */}
          {!(call.outcome && call.status === 'completed') && (
            <option value="">{call.status === 'wrap_up' ? 'Choose the outcome…' : call.status === 'completed' ? 'No outcome recorded' : 'No outcome yet'}</option>
          )}
          {dispositions.map((d) => (
            <option key={d.code} value={d.code}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      {call.status === 'wrap_up' && call.outcome && choice === null && (
        <button type="button" className="primary-button" onClick={() => void finishWrapUp()}>
          Finish wrap-up
        </button>
      )}
      <ErrorNote error={error} id={`outcome-error-${call.id}`} />
      {choice === CALLBACK_CODE && (
        <FollowUpForm call={call} setOutcome={() => apply(CALLBACK_CODE)} onDone={() => setChoice(null)} onCancel={() => setChoice(null)} />
      )}
    </div>
  );
}
