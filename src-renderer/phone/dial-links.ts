/**
 * tel:/sip: links opened in the OS (a number clicked in the EHR, a CRM, an email) reach the page
 * as the 'phone.dial' event. An agent who clicks a number expects the call to start, as with any
 * click-to-call, so a link dials at once when the phone is registered and idle. Otherwise it never
 * barges in: during a call (or one ringing) the number waits in the phone panel and the agent
 * decides (dialling holds the current call); with the phone still connecting (the link launched
 * the app) it waits in the panel and dials once the phone registers, unless the agent changed it
 * or LINK_DIAL_WINDOW_MS passed; with no softphone set up, or registration refused, it only waits
 * in the panel. Listening starts with the app, before sign-in, so the link that launched the app
 * is not lost; the shell may send it before the phone exists.
 */
import { on } from '../bridge';
import { hasDialer, placeCall } from '../phone-api';
import { useUi } from '../stores/ui';
import { usePhone } from './store';

/** How long a link may wait for the phone to register before it is only offered. */
export const LINK_DIAL_WINDOW_MS = 15_000;
/** The same number again this soon is the same click (double click, argv and open-url both). */
const SAME_LINK_MS = 3_000;

interface Pending {
  number: string;
  at: number;
  /** already put in the dialpad (waiting for registration) */
  shown: boolean;
}

let pending: Pending | null = null;
let last: { number: string; at: number } | null = null;
let unwatch: (() => void) | null = null;
let expiry: ReturnType<typeof setTimeout> | null = null;

function finish(): void {
  pending = null;
  unwatch?.();
  unwatch = null;
  if (expiry) clearTimeout(expiry);
  expiry = null;
}

function show(p: Pending, why: string): void {
  const wasShown = p.shown;
  p.shown = true; // first: offerDial changes the store, which calls evaluate() again
  if (!wasShown) usePhone.getState().offerDial(p.number);
  useUi.getState().toast(why);
}

function dial(number: string): void {
  useUi.getState().toast(`Calling ${number} (link from another app).`);
  const call = hasDialer() ? placeCall(number) : usePhone.getState().dial(number);
  call.catch(() => undefined); // the phone panel shows why it failed
}

/** Acts on the pending link as far as the phone's state allows; called again on every change. */
function evaluate(): void {
  const p = pending;
  if (!p) return;
  const { engine, settings, phone, dialText } = usePhone.getState();
  const inTime = Date.now() - p.at <= LINK_DIAL_WINDOW_MS;
  if (!engine) return; // signed out: the phone starts after sign-in
  if (!settings && inTime) return; // the phone is still reading its settings
  const configured = Boolean(settings?.ws_url && settings.sip_uri);
  const state = phone.registration.state;
  const idle = phone.calls.length === 0;
  const stillWanted = !p.shown || dialText === p.number;

  if (!configured) {
    finish();
    return show(p, settings ? `${p.number} is in the phone panel: the phone is not set up, so it cannot dial.` : `${p.number} is in the phone panel.`);
  }
  if (!idle) {
    finish();
    if (stillWanted) show(p, `${p.number} is in the phone panel: you are on a call. Press Call to hold it and dial.`);
    return;
  }
  if (state === 'registered' && inTime && stillWanted) {
    finish();
    return dial(p.number);
  }
  const starting = state === 'unconfigured' || state === 'connecting' || state === 'registering' || state === 'reconnecting';
  if (starting && inTime && stillWanted) {
    if (!p.shown) show(p, `${p.number} will be called as soon as the phone is connected.`);
    return; // keep watching
  }
  finish();
  if (!stillWanted) return;
  show(p, state === 'registered' ? `${p.number} is in the phone panel: press Call to dial it.` : `The phone is not registered: ${p.number} is in the phone panel.`);
}

export function receiveDialLink(number: string, now = Date.now()): void {
  if (last && last.number === number && now - last.at < SAME_LINK_MS) return;
  last = { number, at: now };
  finish();
  pending = { number, at: now, shown: false };
  unwatch = usePhone.subscribe(() => evaluate());
  expiry = setTimeout(() => evaluate(), LINK_DIAL_WINDOW_MS + 1);
  evaluate();
}

/** Subscribes for the app's lifetime (signed in or not); returns the unsubscribe. */
export function listenForDialLinks(): () => void {
  const off = on('phone.dial', ({ number }) => receiveDialLink(number));
  return () => {
    off();
    finish();
    last = null;
  };
}
