/**
 * Who may use this desktop host. Any local process can reach 127.0.0.1, so nothing the host
 * serves to an unauthenticated request may carry a credential (before, GET / handed out the
 * bridge token). Instead, as Jupyter does, the host prints a one-time address; opening it sets an
 * HttpOnly, SameSite=Strict session cookie in that browser and spends the address. Every page,
 * asset and the WebSocket upgrade then need that cookie. Spending an address prints the next one,
 * for the next browser window: the terminal that started the host is the only place they appear.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ONE_TIME_PARAM = 'auth';

export interface HostAuth {
  /** the cookie's name: per port, because browsers share 127.0.0.1's cookies across ports */
  readonly cookieName: string;
  /** a fresh one-time address under `baseUrl` (http://127.0.0.1:PORT/) */
  issue(baseUrl: string): string;
  /** spends a one-time secret: the Set-Cookie value for its new session, or null */
  redeem(secret: string | null): string | null;
  /** whether a Cookie header carries one of our sessions */
  isSignedIn(cookieHeader: string | undefined): boolean;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time membership: the set holds digests, so comparisons are of equal length. */
function holds(set: ReadonlySet<string>, value: string): boolean {
  const wanted = digest(value);
  let found = false;
  for (const hex of set) if (timingSafeEqual(Buffer.from(hex, 'hex'), wanted)) found = true;
  return found;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

export function createHostAuth(port: number): HostAuth {
  const unspent = new Set<string>(); // digests of one-time secrets not yet used
  const sessions = new Set<string>(); // digests of session cookies handed out
  const cookieName = `oncall_host_${port}`;
  return {
    cookieName,
    issue(baseUrl) {
      const secret = randomBytes(32).toString('base64url');
      unspent.add(digest(secret).toString('hex'));
      const url = new URL(baseUrl);
      url.searchParams.set(ONE_TIME_PARAM, secret);
      return url.toString();
    },
    redeem(secret) {
      if (!secret || !holds(unspent, secret)) return null;
      unspent.delete(digest(secret).toString('hex'));
      const session = randomBytes(32).toString('base64url');
      sessions.add(digest(session).toString('hex'));
      return `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`;
    },
    isSignedIn(cookieHeader) {
      const value = parseCookies(cookieHeader).get(cookieName);
      return !!value && holds(sessions, value);
    },
  };
}
