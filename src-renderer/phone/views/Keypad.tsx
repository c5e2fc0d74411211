/** The twelve keys, used by the dialpad (typing a number) and in call (DTMF tones). */
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const LETTERS: Record<string, string> = { '2': 'ABC', '3': 'DEF', '4': 'GHI', '5': 'JKL', '6': 'MNO', '7': 'PQRS', '8': 'TUV', '9': 'WXYZ', '0': '+' };

export function Keypad({ onKey, label }: { onKey: (key: string) => void; label: string }) {
  return (
    <div className="phone-keypad" role="group" aria-label={label}>
      {KEYS.map((k) => (
        <button key={k} type="button" className="phone-key" aria-label={`${label} ${k}`} onClick={() => onKey(k)}>
          <span className="phone-key-digit">{k}</span>
          <span className="phone-key-letters">{LETTERS[k] ?? ''}</span>
        </button>
      ))}
    </div>
  );
}
