/**
 * Credentials at rest: passwords with scrypt (slow, salted); tokens and API keys are 256-bit random
 * values, so a fast SHA-256 is enough to make the stored form useless to a thief while keeping
 * lookup O(1).
 */
import { hash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
/** scrypt's cost: N (CPU and memory), r (block size), p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP Password Storage Cheat Sheet: scrypt with N=2^17, r=8, p=1 (128 MiB per hash). The
 * server's N comes from PASSWORD_SCRYPT_N (this by default). Stored hashes carry their own
 * parameters, so older ones still verify; `needsRehash` says when a successful sign-in should
 * store a new hash.
 */
export const OWASP_SCRYPT: ScryptCost = { N: 131072, r: 8, p: 1 };

/** Node refuses scrypt beyond `maxmem`; it needs 128·N·r bytes, plus room. */
const maxmemFor = (c: ScryptCost) => 256 * c.N * c.r;

export async function hashPassword(password: string, cost: ScryptCost = OWASP_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, { ...cost, maxmem: maxmemFor(cost) });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { ...cost, maxmem: maxmemFor(cost) });
  return timingSafeEqual(expected, actual);
}

/** Whether a stored hash was made with weaker parameters than `cost`. */
export function needsRehash(stored: string, cost: ScryptCost): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) < cost.N || Number(r) < cost.r || Number(p) < cost.p;
}

/** A dummy hash of `cost`, to spend the same time on unknown emails as on known ones. */
export const dummyPasswordHash = (cost: ScryptCost) =>
  `scrypt$${cost.N}$${cost.r}$${cost.p}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

/** The server's configured cost. */
export const scryptCostOf = (config: { PASSWORD_SCRYPT_N: number }): ScryptCost => ({ ...OWASP_SCRYPT, N: config.PASSWORD_SCRYPT_N });

/** One-shot `hash` (a quarter of createHash's cost): every authenticated request hashes its credential. */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
