import type { InvokeError } from '../bridge';
import { friendlyMessage } from '../lib/errors';

/** An inline error next to what failed. The form around it keeps everything that was typed. */
export function ErrorNote({ error, serverUrl, id }: { error: InvokeError | null; serverUrl?: string; id?: string }) {
  if (!error) return null;
  return (
    <p className="error-note" role="alert" id={id} data-code={error.code}>
      {friendlyMessage(error, { serverUrl })}
    </p>
  );
}
