/**
 * Whether to follow a REFER the other side sent us. SIP.js follows any REFER it has no delegate
 * for; a softphone that dials wherever a remote party says is a toll-fraud and privacy hole, so we
 * decide explicitly: only during a connected call, only sip:/sips: targets, only inside our own
 * SIP domain unless the REFER names the dialog it replaces (attended transfer: the target is the
 * other agent's contact, which the registrar routes by its alias), and never to ourselves.
 */
import type { Referral } from 'sip.js';
import { callerNumber, domainOf } from './numbers';

export interface ReferFacts {
  /** the call the REFER arrived in is connected */
  connected: boolean;
  scheme: string;
  host: string;
  user: string | undefined;
  hasReplaces: boolean;
  ownDomain: string;
  ownUser: string | undefined;
}

export type ReferDecision = { accept: true } | { accept: false; statusCode: number; reason: string };

export function decideRefer(f: ReferFacts): ReferDecision {
  if (!f.connected) return { accept: false, statusCode: 603, reason: 'no connected call to transfer' };
  if (f.scheme !== 'sip' && f.scheme !== 'sips') return { accept: false, statusCode: 403, reason: `refused ${f.scheme}: target` };
  if (!f.hasReplaces && f.host.toLowerCase() !== f.ownDomain.toLowerCase()) {
    return { accept: false, statusCode: 403, reason: `target outside ${f.ownDomain}` };
  }
  if (!f.hasReplaces && f.user !== undefined && f.user === f.ownUser) return { accept: false, statusCode: 403, reason: 'transfer to ourselves' };
  return { accept: true };
}

export function referFacts(referral: Referral, connected: boolean, ownSipUri: string): ReferFacts {
  const target = referral.referTo.uri;
  return {
    connected,
    scheme: target.scheme,
    host: target.host,
    user: target.user,
    hasReplaces: Boolean(referral.replaces),
    ownDomain: domainOf(ownSipUri),
    ownUser: /^sips?:([^@]+)@/.exec(ownSipUri)?.[1],
  };
}

/**
 * The number of the party a REFER sends us to. With Replaces the target is the other agent's
 * contact (a random user); SIP.js then puts the consulted party's address of record in the
 * Refer-To display name ("sip:+44...@domain").
 */
export function referTargetNumber(referral: Referral, region: string): string {
  const named = /^(?:sips?:)?(\+?[0-9]{3,})(?:@|$)/.exec((referral.referTo.displayName ?? '').trim())?.[1];
  return callerNumber(named ?? referral.referTo.uri.user, region);
}
