/**
 * The rulebook reads stored timestamps with its own parser (isoMillis, src-shared/mutators/rules.ts)
 * for speed: it must answer exactly what Date.parse answers, for stored timestamps and for any
 * text that merely looks like one.
 */
import { describe, expect, it } from 'vitest';
import { durationSeconds, isoMillis, isoMillisAt } from '../../src-shared/mutators/rules';

/** a small seeded generator: the same cases on every run */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const same = (text: string) => {
  const a = isoMillis(text);
  const b = Date.parse(text);
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
};

describe('isoMillis', () => {
  it('reads every stored timestamp as Date.parse does', () => {
    const next = rng(12);
    const texts = Array.from({ length: 20_000 }, () => new Date(Math.floor(next() * 2 ** 44) - 2 ** 42).toISOString());
    expect(texts.filter((t) => !same(t))).toEqual([]);
  });

  it('leaves anything else to Date.parse: out-of-range fields, other forms, stray characters', () => {
    const fixed = [
      '0050-01-01T00:00:00.000Z', '2026-12-01T24:00:00.000Z', '2026-02-30T00:00:00.000Z', '2026-13-01T00:00:00.000Z',
      '2026-12-32T00:00:00.000Z', '2026-12-01T23:60:00.000Z', '2026-00-01T00:00:00.000Z', '2026-12-01T10:00:00Z',
      '2026-12-01T10:00:00.000+01:00', '+002026-12-01T10:00:00.000Z', '', 'not a date',
    ];
    const next = rng(7);
    const mutated = Array.from({ length: 20_000 }, () => {
      const chars = new Date(Math.floor(next() * 4e12)).toISOString().split('');
      for (let k = 0; k < 2; k++) chars[Math.floor(next() * 24)] = next() < 0.9 ? String(Math.floor(next() * 10)) : 'x-:T.Z+ '[Math.floor(next() * 8)]!;
      return chars.join('');
    });
    expect([...fixed, ...mutated].filter((t) => !same(t))).toEqual([]);
  });

  it('reads a timestamp inside a longer text as Date.parse reads it cut out', () => {
    const next = rng(3);
    for (let i = 0; i < 2_000; i++) {
      const stamp = new Date(Math.floor(next() * 4e12)).toISOString();
      const text = `{"started_at":"${stamp}","x":1}`;
      expect(isoMillisAt(text, 15)).toBe(Date.parse(stamp));
    }
    expect(isoMillisAt('{"started_at":"2026-12-01T10:00:00Z","x":1}', 15)).toBe(Date.parse('2026-12-01T10:00:00Z","x'));
  });

  it('gives a call its duration in whole seconds, never negative, null while it runs', () => {
    expect(durationSeconds('2026-12-03T10:00:00.000Z', '2026-12-03T10:05:30.600Z')).toBe(331);
    expect(durationSeconds('2026-12-03T23:59:59.000Z', '2026-12-04T00:00:01.000Z')).toBe(2);
    expect(durationSeconds('2026-12-03T10:00:05.000Z', '2026-12-03T10:00:00.000Z')).toBe(0);
    expect(durationSeconds('2026-12-03T10:00:00.000Z', null)).toBeNull();
  });
});
