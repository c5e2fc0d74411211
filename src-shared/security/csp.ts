/**
 * The renderer's Content-Security-Policy, one definition for both places the page is served: the
 * Electron shell (app://oncall) and the Node host (http://127.0.0.1). Browser tests in the host
 * therefore run the page under the same policy as the app, and a renderer change that needs
 * inline script or eval breaks there first.
 */

export interface CspSources {
  /** the central API (API_URL): the page may reach it directly (recordings, health) */
  apiUrl?: string;
  /** the SIP-over-WebSocket servers the softphone registers with */
  sipWebSocketUrls?: readonly string[];
  /** further origins the page connects to (the host's own WebSocket bridge) */
  extraConnect?: readonly string[];
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const { protocol, host } = new URL(url);
    return /^(https?|wss?):$/.test(protocol) ? `${protocol}//${host}` : null;
  } catch {
    return null;
  }
}

/** No inline or eval'd script anywhere; the page talks to its own origin, the API and the SIP server only. */
export function contentSecurityPolicy(sources: CspSources = {}): string {
  const connect = new Set(["'self'"]);
  for (const url of [sources.apiUrl, ...(sources.sipWebSocketUrls ?? []), ...(sources.extraConnect ?? [])]) {
    const origin = originOf(url);
    if (origin) connect.add(origin);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${[...connect].join(' ')}`,
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "worker-src 'self'",
  ].join('; ');
}
