/**
 * One delivery attempt over HTTP: Standard Webhooks headers, signed at the moment of sending
 * (so the timestamp a receiver checks is the attempt's), to a target the guard allows.
 */
import { fetch } from 'undici';
import { DELIVERY_HEADER, EVENT_HEADER } from '../../src-shared/schemas/webhooks';
import { signatureHeaders } from './signature';
import { assertTargetAllowed, webhookAgent } from './target-guard';

export interface Attempt {
  id: string;
  event: string;
  url: string;
  secret: string;
  payload: string;
}

export interface AttemptResult {
  statusCode: number | null;
  error: string | null;
}

/** fetch() reports every network failure as "TypeError: fetch failed"; the cause says which. */
function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.message && cause.code === 'EFORBIDDENTARGET' ? cause.message : (cause?.code ?? cause?.message);
  return `${err.name}: ${err.message}${detail ? ` (${detail})` : ''}`;
}

export function createSender(options: { allowPrivate: boolean; timeoutMs: number; now: () => Date }) {
  const dispatcher = webhookAgent(options.allowPrivate);
  return async function send(a: Attempt): Promise<AttemptResult> {
    try {
      assertTargetAllowed(a.url, options.allowPrivate);
      const res = await fetch(a.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'OnCallDesk-Webhooks/1.0',
          [EVENT_HEADER]: a.event,
          [DELIVERY_HEADER]: a.id,
          ...signatureHeaders(a.secret, a.id, options.now(), a.payload),
        },
        body: a.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
        dispatcher,
      });
      await res.body?.cancel();
      return { statusCode: res.status, error: res.status < 200 || res.status >= 300 ? `receiver answered ${res.status}` : null };
    } catch (err) {
      if (err instanceof Error && err.name === 'ForbiddenTarget') return { statusCode: null, error: err.message };
      return { statusCode: null, error: describeFetchError(err) };
    }
  };
}
