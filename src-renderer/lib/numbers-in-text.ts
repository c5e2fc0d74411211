/**
 * Phone numbers an agent wrote in free text (call notes), so each can be called with one click:
 * numbers libphonenumber-js finds in the text, read with the agent's default region, plus literal
 * `tel:` URIs (which may be extensions no parser would call a phone number).
 */
import { type CountryCode, findPhoneNumbersInText, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { toE164 } from '../../src-shared/domain/phone';

export interface FoundNumber {
  /** what to dial and log: E.164, or the digits of a tel: extension */
  number: string;
  /** how to show it: international format when it is E.164 */
  display: string;
}

const digits = (s: string) => s.replace(/\D/g, '');
const TEL_URI = /\btel:(\+?[0-9*#][0-9*#().-]{1,31})/gi;

/**
 * Written the way people write a phone number: with a `+`, an international prefix (00 44…), or
 * exactly the national form (with its trunk 0 where the country has one). In a healthcare note a
 * bare run of digits is more often an NHS number or an MRN than a phone number.
 */
function writtenAsPhoneNumber(raw: string, found: NonNullable<ReturnType<typeof parsePhoneNumberFromString>>): boolean {
  if (raw.trim().startsWith('+')) return true;
  const d = digits(raw);
  return d === digits(found.formatNational()) || d.endsWith(found.countryCallingCode + found.nationalNumber);
}

function display(number: string): string {
  return (number.startsWith('+') && parsePhoneNumberFromString(number)?.formatInternational()) || number;
}

/** The numbers in `text`, in the order they appear, each once. */
export function numbersInText(text: string, region: string): FoundNumber[] {
  const hits: { at: number; number: string }[] = [];
  // `extended` also finds numbers that are only possible, like the rest of the app (toE164), so
  // Ofcom's fictional 07700 900xxx numbers work too; such a number must then start with + or 0.
  for (const match of findPhoneNumbersInText(text, { defaultCountry: region as CountryCode, extended: true })) {
    const raw = text.slice(match.startsAt, match.endsAt);
    if (!writtenAsPhoneNumber(raw, match.number)) continue;
    if (!match.number.isValid() && !/^\s*[+0]/.test(raw)) continue;
    hits.push({ at: match.startsAt, number: match.number.number });
  }
  for (const tel of text.matchAll(TEL_URI)) {
    const plain = tel[1]!.replace(/[().-]/g, '');
    hits.push({ at: tel.index, number: toE164(plain, region) ?? plain });
  }
  const out = new Map<string, FoundNumber>();
  for (const { number } of hits.sort((a, b) => a.at - b.at)) {
    if (!out.has(number)) out.set(number, { number, display: display(number) });
  }
  return [...out.values()];
}
