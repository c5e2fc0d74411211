/**
 * Where a webhook may deliver: never to loopback, private, link-local (cloud metadata at
 * 169.254.169.254 included), unique-local, carrier-grade NAT, multicast or otherwise reserved
 * addresses, unless WEBHOOK_ALLOW_PRIVATE_TARGETS=1 (tests, an on-premises receiver). Checked
 * when connecting, on the address actually dialled: every spelling of an address
 * (`0x7f000001`, `2130706433`, `[::1]`, `::ffff:127.0.0.1`) and every DNS name resolving to one
 * is caught, and a name cannot resolve safely at a check and privately at the connect.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

export class ForbiddenTarget extends Error {
  override readonly name = 'ForbiddenTarget';
  readonly code = 'EFORBIDDENTARGET';
}

/** Why an address may not be a webhook target, or null when it may (a public unicast address). */
export function forbiddenRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an address';
  const range = ipaddr.process(address).range(); // IPv4-mapped IPv6 counts as its IPv4
  return range === 'unicast' ? null : range;
}

/** The host of a URL as an address, when it is one (WHATWG URLs already turn 0x7f000001 into 127.0.0.1). */
function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? host : null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    const bad = list.map((a) => [a.address, forbiddenRange(a.address)] as const).find(([, r]) => r);
    if (bad) return callback(new ForbiddenTarget(`${hostname} resolves to ${bad[0]} (${bad[1]}): refused as a webhook target`), []);
    if (options.all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}

/** The dispatcher's HTTP agent: resolves through the guard unless private targets are allowed. */
export function webhookAgent(allowPrivate: boolean): Agent {
  return new Agent(allowPrivate ? {} : { connect: { lookup: guardedLookup as never } });
}

/** Throws ForbiddenTarget for a URL whose host is a refused address literal (no lookup happens for those). */
export function assertTargetAllowed(url: string, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const literal = literalAddress(new URL(url));
  const range = literal ? forbiddenRange(literal) : null;
  if (range) throw new ForbiddenTarget(`${literal} (${range}): refused as a webhook target`);
}
