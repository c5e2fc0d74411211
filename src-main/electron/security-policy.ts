/**
 * The Electron shell's security decisions as plain functions (no `electron` import), so they can
 * be read in one place and tested under Node: which origin is ours, which permissions the page
 * gets, which links may leave the app. The page's CSP is shared with the Node host (src-shared).
 */
export { contentSecurityPolicy, type CspSources } from '../../src-shared/security/csp';

/** The renderer is served from a privileged custom scheme, not file:// (Electron checklist #18). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'oncall';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

export interface PermissionAsk {
  permission: string;
  /** the requesting page's URL or origin */
  requestingUrl: string | undefined;
  /** for 'media': what is asked; anything but audio is refused, and so is an ask that names nothing */
  mediaTypes?: readonly string[];
}

/**
 * A softphone needs the microphone (and audio output), desktop notifications and the headset's
 * HID buttons; nothing else, and only for our own page. Camera, screen capture, geolocation,
 * USB, serial... are all denied.
 */
export function isPermissionGranted({ permission, requestingUrl, mediaTypes }: PermissionAsk): boolean {
  if (!isAppUrl(requestingUrl)) return false;
  if (permission === 'notifications') return true;
  // WebHID for the headset's call buttons; which devices is hid-policy.ts's decision.
  if (permission === 'hid') return true;
  // Grant only what is asked: an empty or missing list is not "audio", it is unknown (Electron
  // sends [] for some requests), so it is refused rather than granted as a blanket `media`.
  if (permission === 'media') return !!mediaTypes && mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio');
  return false;
}

/** Links the page asks to open go to the OS browser only when they are https. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
