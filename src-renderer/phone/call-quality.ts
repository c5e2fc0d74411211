/**
 * Call quality as the agent and supervisors see it: a MOS estimate from the ITU-T G.107 E-model
 * (simplified, the usual form for VoIP monitoring), fed by what WebRTC's getStats reports each
 * interval: packet loss, jitter and round-trip time. Pure functions, tested in Node
 * (test/phone/call-quality.test.ts); quality-monitor.ts samples the stats.
 */

export interface QualitySample {
  /** packets lost in the interval, percent of those expected */
  lossPercent: number;
  /** inbound interarrival jitter, ms */
  jitterMs: number;
  /** round-trip time to the gateway/peer, ms (null until RTCP has measured it) */
  rttMs: number | null;
  /** negotiated audio codec, lower case (opus, pcmu, pcma, g722...) */
  codec: string | null;
}

export interface QualityFigures extends QualitySample {
  mos: number;
}

/**
 * Equipment impairment (Ie) and packet-loss robustness (Bpl) per codec, ITU-T G.113 Appendix I
 * (G.711 with packet-loss concealment: Ie 0, Bpl 25.1). The E-model is narrowband: Opus is rated
 * like G.711 with PLC, which understates it slightly, never overstates it.
 */
const CODECS: Record<string, { ie: number; bpl: number }> = {
  pcmu: { ie: 0, bpl: 25.1 },
  pcma: { ie: 0, bpl: 25.1 },
  opus: { ie: 0, bpl: 25.1 },
  g722: { ie: 0, bpl: 25.1 },
  g729: { ie: 11, bpl: 19 },
};
const DEFAULT_CODEC = { ie: 0, bpl: 25.1 };

/** packetisation and codec delay assumed on top of the network (20 ms frames) */
const CODEC_DELAY_MS = 20;

/** Transmission rating R (0..100) from one sample. */
export function rFactor(s: QualitySample): number {
  // Mouth-to-ear delay: half the round trip, a jitter buffer of twice the jitter, the codec.
  const delay = (s.rttMs ?? 0) / 2 + 2 * s.jitterMs + CODEC_DELAY_MS;
  // Delay impairment Id (G.107's curve, in its common piecewise-linear approximation).
  const id = 0.024 * delay + (delay > 177.3 ? 0.11 * (delay - 177.3) : 0);
  // Effective equipment impairment Ie-eff with random loss.
  const { ie, bpl } = CODECS[s.codec ?? ''] ?? DEFAULT_CODEC;
  const loss = Math.min(100, Math.max(0, s.lossPercent));
  const ieEff = ie + ((95 - ie) * loss) / (loss + bpl);
  return Math.min(100, Math.max(0, 93.2 - id - ieEff));
}

/** MOS (1..4.5) from R, G.107 Annex B. */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
}

export function estimateMos(s: QualitySample): number {
  return Math.round(mosFromR(rFactor(s)) * 100) / 100;
}

/** Below this the card warns: "poor" in G.107's user-satisfaction bands (R < 60 is ~3.1). */
export const WARN_BELOW_MOS = 3.6;
/** ...and the warning clears only above this, so it does not flicker around the line. */
export const CLEAR_ABOVE_MOS = 3.8;

/** The warning state after a new MOS: two bad intervals in a row raise it. */
export function nextWarning(warning: boolean, recent: readonly number[]): boolean {
  const last = recent.slice(-2);
  if (!warning) return last.length === 2 && last.every((m) => m < WARN_BELOW_MOS);
  return !(last.length > 0 && last[last.length - 1]! > CLEAR_ABOVE_MOS);
}

/** What the call record keeps (metadata.quality), for supervisors. */
export interface QualitySummary {
  mos_avg: number;
  mos_min: number;
  loss_percent: number;
  jitter_ms_max: number;
  rtt_ms_avg: number | null;
  codec: string | null;
  samples: number;
  warned: boolean;
}

export function summarise(samples: readonly QualityFigures[], totals: { lost: number; received: number }, warned: boolean): QualitySummary | null {
  if (samples.length === 0) return null;
  const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;
  const rtts = samples.map((s) => s.rttMs).filter((r): r is number => r !== null);
  const expected = totals.lost + totals.received;
  return {
    mos_avg: round(samples.reduce((a, s) => a + s.mos, 0) / samples.length, 2),
    mos_min: round(Math.min(...samples.map((s) => s.mos)), 2),
    loss_percent: expected > 0 ? round((100 * totals.lost) / expected) : 0,
    jitter_ms_max: round(Math.max(...samples.map((s) => s.jitterMs))),
    rtt_ms_avg: rtts.length > 0 ? round(rtts.reduce((a, r) => a + r, 0) / rtts.length) : null,
    codec: samples[samples.length - 1]!.codec,
    samples: samples.length,
    warned,
  };
}
