/**
 * Changes the server rejected (sync.attention): each shows what it was, why it was rejected, and
 * lets the agent fix the arguments and retry, or discard it. Nothing is dropped silently.
 */
import { useEffect, useState } from 'react';
import type { AttentionItem } from '../../src-shared/ipc/contract';
import type { InvokeError } from '../bridge';
import { useSync } from '../stores/sync';
import { useUi } from '../stores/ui';
import { formatWhen } from '../lib/time';
import { Dialog } from './Dialog';
import { ErrorNote } from './ErrorNote';

const MUTATION_LABELS: Record<string, string> = {
  'call.create': 'New call',
  'call.update': 'Call change',
  'task.create': 'New task',
  'task.update': 'Task change',
  'patient.create': 'New patient',
  'patient.update': 'Patient change',
};

type Draft = Record<string, string>;

function toDraft(args: Record<string, unknown>): Draft {
  return Object.fromEntries(
    Object.entries(args)
      .filter(([k]) => k !== 'id')
      .map(([k, v]) => [k, v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)]),
  );
}

/** Back to the argument types the mutation had; a field left empty becomes null. */
function fromDraft(original: Record<string, unknown>, draft: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = { ...original };
  for (const [k, text] of Object.entries(draft)) {
    const was = original[k];
    if (text === '' && was !== '') out[k] = null;
    else if (typeof was === 'number') out[k] = Number(text);
    else if (typeof was === 'boolean') out[k] = text === 'true';
    else if (was !== null && typeof was === 'object') {
      try {
        out[k] = JSON.parse(text);
      } catch {
        out[k] = text;
      }
    } else out[k] = text;
  }
  return out;
}

function AttentionEntry({ item }: { item: AttentionItem }) {
  const retry = useSync((s) => s.retry);
  const discard = useSync((s) => s.discard);
  const [draft, setDraft] = useState<Draft>(() => toDraft(item.args));
  const [error, setError] = useState<InvokeError | null>(null);
  const [busy, setBusy] = useState(false);
  const label = MUTATION_LABELS[item.name] ?? item.name;
  const badFields = new Set(Object.keys(item.error.details ?? {}));

  const run = async (action: () => Promise<InvokeError | null>) => {
    setBusy(true);
    setError(await action());
    setBusy(false);
  };

  return (
    <li className="attention-item">
      <div className="attention-head">
        <strong>{label}</strong>
        <span className="muted">made {formatWhen(item.created_at)}, rejected {formatWhen(item.rejected_at)}</span>
      </div>
      <p className="attention-reason">
        <span className="code-tag">{item.error.code}</span> {item.error.message}
      </p>
      <form
        className="attention-fields"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => retry(item.mutation_id, fromDraft(item.args, draft)));
        }}
      >
        {Object.entries(draft).map(([key, value]) => (
          <label key={key} className={badFields.has(key) ? 'field field-invalid' : 'field'}>
            <span>{key.replace(/_/g, ' ')}</span>
            <input
              value={value}
              aria-label={key.replace(/_/g, ' ')}
              aria-invalid={badFields.has(key) || undefined}
              onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
            />
            {badFields.has(key) && <small className="field-error">{String(item.error.details?.[key])}</small>}
          </label>
        ))}
        <ErrorNote error={error} />
        <div className="button-row">
          <button type="submit" className="primary-button" disabled={busy} aria-label={`Retry ${label}`}>
            Retry
          </button>
          <button type="button" className="danger-button" disabled={busy} aria-label={`Discard ${label}`} onClick={() => void run(() => discard(item.mutation_id))}>
            Discard
          </button>
        </div>
      </form>
    </li>
  );
}

export function AttentionDialog() {
  const close = useUi((s) => s.closeDialog);
  const items = useSync((s) => s.attention);
  const loadError = useSync((s) => s.attentionError);
  const load = useSync((s) => s.loadAttention);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Dialog title="Changes that need attention" onClose={close} wide>
      <p className="muted">The server turned these changes down. Fix and retry, or discard them.</p>
      <ErrorNote error={loadError} />
      {items.length === 0 ? (
        <p className="empty">Nothing needs attention.</p>
      ) : (
        <ul className="attention-list">
          {items.map((item) => (
            <AttentionEntry key={item.mutation_id} item={item} />
          ))}
        </ul>
      )}
    </Dialog>
  );
}
