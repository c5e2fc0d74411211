/**
 * The MOS estimate the call card shows (src-renderer/phone/call-quality.ts): the E-model's known
 * points, that each impairment only ever lowers the score, the warning's hysteresis, and the
 * summary stored with the call record.
 */
import { describe, expect, it } from 'vitest';
import { estimateMos, mosFromR, nextWarning, rFactor, summarise, WARN_BELOW_MOS, type QualityFigures } from '../../src-renderer/phone/call-quality';

const clean = { lossPercent: 0, jitterMs: 2, rttMs: 20, codec: 'pcmu' };

describe('E-model MOS estimate', () => {
  it('a clean LAN call is near the G.711 ceiling (R about 93, MOS about 4.4)', () => {
    expect(rFactor(clean)).toBeGreaterThan(92);
    expect(estimateMos(clean)).toBeGreaterThanOrEqual(4.35);
    expect(estimateMos(clean)).toBeLessThanOrEqual(4.5);
  });

  it('matches G.107 Annex B at its anchor points', () => {
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(100)).toBe(4.5);
    expect(mosFromR(50)).toBeCloseTo(2.58, 2);
    expect(mosFromR(80)).toBeCloseTo(4.02, 2);
  });

  it('loss, jitter and round trip each only lower the score', () => {
    let previous = estimateMos(clean);
    for (const loss of [1, 3, 5, 10, 20, 40]) {
      const mos = estimateMos({ ...clean, lossPercent: loss });
      expect(mos).toBeLessThan(previous);
      previous = mos;
    }
    expect(estimateMos({ ...clean, jitterMs: 60 })).toBeLessThan(estimateMos(clean));
    expect(estimateMos({ ...clean, rttMs: 600 })).toBeLessThan(estimateMos({ ...clean, rttMs: 200 }));
    // 5 % random loss on G.711 with PLC is "many users dissatisfied" territory, 25 % is poor.
    expect(estimateMos({ ...clean, lossPercent: 5 })).toBeLessThan(3.9);
    expect(estimateMos({ ...clean, lossPercent: 25 })).toBeLessThan(WARN_BELOW_MOS);
  });

  it('stays in range for absurd input', () => {
    expect(estimateMos({ lossPercent: 500, jitterMs: 1e6, rttMs: 1e7, codec: 'nonsense' })).toBe(1);
    expect(estimateMos({ lossPercent: -5, jitterMs: 0, rttMs: null, codec: null })).toBeLessThanOrEqual(4.5);
  });
});

describe('the quality warning', () => {
  it('rises after two poor intervals in a row and clears only on a good one', () => {
    expect(nextWarning(false, [4.4, 3.0])).toBe(false);
    expect(nextWarning(false, [3.0, 3.2])).toBe(true);
    expect(nextWarning(true, [3.0, 3.7])).toBe(true);
    expect(nextWarning(true, [3.0, 4.1])).toBe(false);
  });
});

describe('the call record summary', () => {
  it('averages MOS and RTT, keeps the worst, and computes loss over the whole call', () => {
    const s = (mos: number, jitterMs: number, rttMs: number | null): QualityFigures => ({ mos, lossPercent: 0, jitterMs, rttMs, codec: 'opus' });
    expect(summarise([], { lost: 0, received: 0 }, false)).toBeNull();
    expect(summarise([s(4.4, 3, 20), s(3.0, 30, null), s(4.2, 5, 40)], { lost: 30, received: 270 }, true)).toEqual({
      mos_avg: 3.87,
      mos_min: 3,
      loss_percent: 10,
      jitter_ms_max: 30,
      rtt_ms_avg: 30,
      codec: 'opus',
      samples: 3,
      warned: true,
    });
  });
});
