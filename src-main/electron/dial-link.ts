/**
 * tel: and sip: links opened with the app (a click in the EHR, a CRM, an email): the number to
 * offer for dialling. Plain functions (no `electron` import) so they are tested under Node.
 * The value comes from another program, so only a short run of dialable characters passes.
 */

export const DIAL_SCHEMES = ['tel', 'sip'] as const;

const TEL_NUMBER = /^\+?[0-9*#]{2,32}$/;
const SIP_USER = /^\+?[0-9A-Za-z*#._-]{1,64}$/;

/** 'tel:+44 7700-900555' -> '+447700900555'; 'sip:1001@pbx.example' -> '1001'; else null. */
export function numberFromDialLink(link: string): string | null {
  const match = /^(tel|sips?):(?:\/\/)?(.*)$/i.exec(link.trim());
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  let rest: string;
  try {
    rest = decodeURIComponent(match[2]!);
  } catch {
    return null;
  }
  // RFC 3966/3261 parameters (;phone-context=..., ;transport=...) and headers (?...) are not the number.
  rest = rest.split(/[;?]/, 1)[0]!;
  if (scheme === 'tel') {
    const digits = rest.replace(/[\s().-]/g, '');
    return TEL_NUMBER.test(digits) ? digits : null;
  }
  const user = rest.split('@', 1)[0]!;
  return SIP_USER.test(user) ? user : null;
}

/** The first dial link among a process's argv (Windows/Linux pass the link as an argument). */
export function findDialLink(argv: readonly string[]): string | null {
  for (const arg of argv) {
    if (/^(tel|sips?):/i.test(arg)) {
      const number = numberFromDialLink(arg);
      if (number) return number;
    }
  }
  return null;
}
