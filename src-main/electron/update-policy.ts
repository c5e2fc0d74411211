/**
 * When the app may update itself, as plain functions (no `electron` import) tested under Node.
 * An update is found and downloaded in the background; it is installed only when the agent said
 * yes and the app quits while no call is ringing or in progress, so an update never cuts a call.
 * The feed must be https: a plain-http feed lets anyone on the path serve a "newer" build.
 */

/** Why a feed URL is refused, or null when it is an https URL. */
export function feedProblem(url: string | null | undefined): string | null {
  if (!url) return 'no update feed is configured (ONCALL_UPDATE_URL at build time)';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `the update feed is not a URL: ${url}`;
  }
  if (parsed.protocol !== 'https:') return `the update feed must be https, not ${parsed.protocol.replace(':', '')}: ${parsed.origin}`;
  if (parsed.username || parsed.password) return 'the update feed must not carry credentials in its URL';
  return null;
}

/** The `url:` of electron-builder's generated app-update.yml (a flat YAML map), or null. */
export function feedUrlFromAppUpdateYml(text: string): string | null {
  for (const line of text.split(/\r?\n/)) {
    const m = /^url:\s*(.+?)\s*$/.exec(line);
    if (m) return m[1]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return null;
}

/** What the phone is doing, as far as the shell cares (the renderer reports it). */
export interface PhoneActivity {
  /** calls connected or on hold */
  calls: number;
  /** incoming calls ringing */
  ringing: number;
}

export const phoneBusy = (phone: PhoneActivity) => phone.calls > 0 || phone.ringing > 0;

export interface UpdateState {
  /** the version downloaded and ready, if any */
  downloaded: string | null;
  /** the agent's answer to "install it when you next quit?" (null: not asked yet) */
  agreed: boolean | null;
  /** the version the agent was already asked about (ask once per version) */
  askedFor: string | null;
}

export const initialUpdateState: UpdateState = { downloaded: null, agreed: null, askedFor: null };

/**
 * Ask the agent about a downloaded update only between calls: a question on screen while a
 * patient is talking is a distraction, and answering it must never be what ends the call.
 */
export function shouldAskAgent(update: UpdateState, phone: PhoneActivity): boolean {
  return !!update.downloaded && update.askedFor !== update.downloaded && !phoneBusy(phone);
}

/** At quit: install the update (restart into the new version) or just quit. */
export function actionAtQuit(update: UpdateState, phone: PhoneActivity): 'install' | 'quit' {
  return update.downloaded && update.agreed === true && !phoneBusy(phone) ? 'install' : 'quit';
}
