/**
 * Between what an agent types or clicks (a national number, a tel: link, a SIP URI) and what SIP
 * needs (a request URI in the agent's own domain), and back from a caller's identity to the E.164
 * number the patient directory and the call log use.
 */
import type { Invitation } from 'sip.js';
import { PHONE_TEXT, WITHHELD_NUMBER, toE164 } from '../../src-shared/domain/phone';

export interface DialTarget {
  /** what the call log stores: E.164 when it is a phone number, else the SIP user */
  number: string;
  /** request URI for the INVITE */
  uri: string;
}

const SIP_URI = /^sips?:([^@\s;]+)@([^\s;>]+)/i;

/** Reads a typed or clicked number; null when it is neither a phone number nor a SIP address. */
export function dialTarget(input: string, domain: string, region: string): DialTarget | null {
  const text = input.trim().replace(/^tel:/i, '');
  const sip = SIP_URI.exec(text);
  if (sip) return { number: toE164(sip[1]!, region) ?? sip[1]!, uri: `sip:${sip[1]}@${sip[2]}` };
  const e164 = toE164(text, region);
  if (e164) return { number: e164, uri: `sip:${e164}@${domain}` };
  // Extensions and short codes (e.g. 1001) that are not possible public numbers.
  const digits = text.replace(/[\s().-]/g, '');
  if (/^[0-9*#+]{2,20}$/.test(digits)) return { number: digits, uri: `sip:${digits}@${domain}` };
  return null;
}

/** The caller's number as the patient directory knows it (E.164 when it parses). */
export function callerNumber(user: string | undefined, region: string): string {
  const raw = decodeURIComponent(user ?? '').trim();
  return toE164(raw, region) ?? raw;
}

/** The call log takes phone-number text (PHONE_TEXT) and a withheld number: nothing else is logged. */
export function loggableNumber(number: string): boolean {
  return number === WITHHELD_NUMBER || PHONE_TEXT.test(number);
}

/**
 * The caller withheld their number: RFC 3323/3325 style (user `anonymous`, host
 * `anonymous.invalid`, `Privacy: id`), or no user part at all.
 */
export function isWithheld(invitation: Pick<Invitation, 'remoteIdentity' | 'request'>): boolean {
  const uri = invitation.remoteIdentity.uri;
  const user = decodeURIComponent(uri.user ?? '').trim().toLowerCase();
  if (user === '' || user === 'anonymous' || user === 'restricted' || user === 'unknown') return true;
  if (uri.host.toLowerCase() === 'anonymous.invalid') return true;
  return /(^|[;,\s])id($|[;,\s])/i.test(invitation.request.getHeader('Privacy') ?? '');
}

export function domainOf(sipUri: string): string {
  return SIP_URI.exec(sipUri)?.[2] ?? '';
}
