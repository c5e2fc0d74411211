/** Which tone the phone plays (ringer.ts plays it): a rule with no browser APIs, tested in Node. */

export type RingKind = 'ring' | 'waiting' | 'ringback';

export interface ToneLeg {
  direction: 'inbound' | 'outbound';
  phase: string;
  connectedAt: number | null;
  earlyMedia: boolean;
}

/**
 * Our phone ringing (or call waiting during a call) wins; else ringback while a call we placed
 * rings without early media of its own; else none.
 */
export function toneFor(calls: readonly ToneLeg[]): RingKind | null {
  const connected = calls.some((c) => c.connectedAt !== null && c.phase !== 'ended');
  if (calls.some((c) => c.phase === 'incoming')) return connected ? 'waiting' : 'ring';
  if (calls.some((c) => c.direction === 'outbound' && c.phase === 'alerting' && !c.earlyMedia)) return 'ringback';
  return null;
}
