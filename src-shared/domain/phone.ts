/** Phone numbers are stored and compared in E.164, parsed with the organization's default country. */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

export const DEFAULT_COUNTRY: CountryCode = 'GB';

// Parsing is the costliest step of logging a call; the same few numbers recur (a queue of calls
// from one caller, a retried push), so recent answers are kept.
const recent = new Map<string, string | null>();
const RECENT_MAX = 500;

/** Returns the E.164 form, or null when the text is not a possible phone number. */
export function toE164(text: string, defaultCountry: string = DEFAULT_COUNTRY): string | null {
  const key = `${defaultCountry}|${text}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const parsed = parsePhoneNumberFromString(text.trim(), defaultCountry as CountryCode);
  const e164 = parsed && parsed.isPossible() ? parsed.number : null;
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(key, e164);
  return e164;
}

/** Loose shape check used by schemas before the organization's country is known. */
export const PHONE_TEXT = /^\+?[0-9 ()./-]{3,32}$/;

/**
 * What a call record holds as its number when the caller withheld it (SIP `anonymous`, RFC 3323):
 * the call still happened and a missed one must be on the agent's list, but there is no number.
 */
export const WITHHELD_NUMBER = 'anonymous';

/** A call's number: E.164, or WITHHELD_NUMBER as is; null when it is neither. */
export function toCallNumber(text: string, defaultCountry: string = DEFAULT_COUNTRY): string | null {
  return text.trim().toLowerCase() === WITHHELD_NUMBER ? WITHHELD_NUMBER : toE164(text, defaultCountry);
}
