/**
 * The renderer page's CSP as both shells serve it. connect-src names the SIP WebSocket server from
 * the signed-in agent's phone settings, and a document keeps the policy it was loaded with: so
 * when signing in or saving phone settings allows an origin the loaded page does not have, the
 * shell reloads the page (the session and data live in the core, so a reload loses nothing).
 */
import type { DesktopCore } from './api';
import type { BridgeResponse } from './dispatch';
import { contentSecurityPolicy, type CspSources } from '../../src-shared/security/csp';

/** Calls after which the SIP server the page may reach can have changed. */
const POLICY_CHANGING = new Set(['session.login', 'phone.settings.set']);

async function configuredSipServer(core: DesktopCore): Promise<string[]> {
  try {
    const settings = await core.handlers['phone.settings.get']({});
    return settings.ws_url ? [settings.ws_url] : [];
  } catch {
    return []; // signed out: no phone
  }
}

function connectSources(csp: string): Set<string> {
  const directive = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src '));
  return new Set(directive?.split(/\s+/).slice(1) ?? []);
}

export interface PagePolicy {
  /** the CSP for assets and any response that is not the page itself */
  readonly base: string;
  /** the CSP for a document being served now; remembered to tell whether a change needs a reload */
  forDocument(): Promise<string>;
  /** after a bridge call: whether the page must reload to reach an origin it was loaded without */
  needsReload(method: unknown, response: BridgeResponse): Promise<boolean>;
}

export function createPagePolicy(core: DesktopCore, sources: CspSources): PagePolicy {
  const base = contentSecurityPolicy(sources);
  let served = base;
  const current = async () =>
    contentSecurityPolicy({ ...sources, sipWebSocketUrls: [...(sources.sipWebSocketUrls ?? []), ...(await configuredSipServer(core))] });

  return {
    base,
    async forDocument() {
      served = await current();
      return served;
    },
    async needsReload(method, response) {
      if (!response.ok || typeof method !== 'string' || !POLICY_CHANGING.has(method)) return false;
      const loaded = connectSources(served);
      return [...connectSources(await current())].some((source) => !loaded.has(source));
    },
  };
}
