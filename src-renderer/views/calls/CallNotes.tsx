/**
 * Notes that save themselves: ~400 ms after the agent stops typing, on ctrl+enter, and when the
 * call is closed. call.update writes the local store first, so this works offline too. The text
 * area is the source of truth while the agent types: a refresh never overwrites unsaved text.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallRead } from '../../../src-shared/schemas/calls';
import { type InvokeError, asBridgeError } from '../../bridge';
import { ErrorNote } from '../../components/ErrorNote';
import { isSaveChord } from '../../shortcuts';
import { useCalls } from '../../stores/calls';
import { NoteNumbers } from './NoteNumbers';

export const NOTES_DEBOUNCE_MS = 400;

type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

const STATE_TEXT: Record<SaveState, string> = {
  idle: '',
  pending: 'Editing…',
  saving: 'Saving…',
  saved: 'Saved',
  error: 'Not saved',
};

export function CallNotes({ call }: { call: CallRead }) {
  const update = useCalls((s) => s.update);
  const [draft, setDraft] = useState(call.notes);
  const [state, setState] = useState<SaveState>('idle');
  const [error, setError] = useState<InvokeError | null>(null);
  const draftRef = useRef(draft);
  const savedRef = useRef(call.notes);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Saves run one after another so an older text can never land after a newer one.
  const chain = useRef<Promise<void>>(Promise.resolve());

  const save = useCallback((): Promise<void> => {
    clearTimeout(timer.current);
    chain.current = chain.current.then(async () => {
      const text = draftRef.current;
      if (text === savedRef.current) return;
      setState('saving');
      try {
        await update(call.id, { notes: text });
        savedRef.current = text;
        setError(null);
        setState(draftRef.current === text ? 'saved' : 'pending');
      } catch (err) {
        setError(asBridgeError(err));
        setState('error');
      }
    });
    return chain.current;
  }, [call.id, update]);

  // Another device (or the sync) changed the notes while this one had nothing unsaved: show them.
  useEffect(() => {
    if (call.notes !== savedRef.current && draftRef.current === savedRef.current) {
      savedRef.current = call.notes;
      draftRef.current = call.notes;
      setDraft(call.notes);
    }
  }, [call.notes]);

  useEffect(() => () => void save(), [save]);

  const onChange = (text: string) => {
    draftRef.current = text;
    setDraft(text);
    setState('pending');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), NOTES_DEBOUNCE_MS);
  };

  return (
    <div className="notes">
      <div className="notes-head">
        <label htmlFor={`notes-${call.id}`}>Notes</label>
        <span className={`save-state save-${state}`} role="status" aria-label="Notes save status">
          {STATE_TEXT[state]}
        </span>
      </div>
      <textarea
        id={`notes-${call.id}`}
        aria-label="Call notes"
        value={draft}
        rows={8}
        placeholder="What the caller needs, what you agreed…"
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => void save()}
        onKeyDown={(e) => {
          if (isSaveChord(e)) {
            e.preventDefault();
            void save();
          }
        }}
      />
      <NoteNumbers text={draft} patientId={call.patient_id} />
      <ErrorNote error={error} />
      {state === 'error' && (
        <button type="button" className="ghost-button" onClick={() => void save()}>
          Try saving again
        </button>
      )}
    </div>
  );
}
