/**
 * The phone numbers (and tel: links) written in a call's notes, each a "Call …" link. Notes are
 * plain text, so the links live under the text area rather than inside it. Numbers are read with
 * the agent's default region from the phone settings; a call made from here is about the same
 * patient as the call whose notes it came from.
 */
import { useMemo } from 'react';
import { DEFAULT_COUNTRY } from '../../../src-shared/domain/phone';
import { useDebounced } from '../../lib/hooks';
import { numbersInText } from '../../lib/numbers-in-text';
import { callFromButton } from '../../phone-api';
import { usePhone } from '../../phone/store';

/** Re-read once the agent pauses, like the autosave: no links flickering in mid-number. */
const READ_DELAY_MS = 300;

export function NoteNumbers({ text, patientId }: { text: string; patientId: string | null }) {
  const region = usePhone((s) => s.settings?.default_region ?? DEFAULT_COUNTRY);
  const settled = useDebounced(text, READ_DELAY_MS);
  const numbers = useMemo(() => numbersInText(settled, region), [settled, region]);
  if (numbers.length === 0) return null;
  return (
    <ul className="note-numbers" aria-label="Numbers in the notes">
      {numbers.map((n) => (
        <li key={n.number}>
          <a
            href={`tel:${n.number}`}
            onClick={(e) => {
              // The app dials it itself; the OS must not hand the link to another program.
              e.preventDefault();
              callFromButton(n.number, { patient_id: patientId });
            }}
          >
            Call {n.display}
          </a>
        </li>
      ))}
    </ul>
  );
}
