/**
 * Samples one call's WebRTC stats every SAMPLE_MS while it is connected and turns them into the
 * figures the call card shows (MOS, loss, jitter; call-quality.ts) and the summary stored with the
 * call record. Loss is per interval (lost / expected since the last sample), so a bad patch shows
 * at once and clears when the network recovers; RTT comes from RTCP (remote-inbound-rtp) or, before
 * that, from the ICE pair.
 */
import { estimateMos, nextWarning, summarise, type QualityFigures, type QualitySummary } from './call-quality';

export const SAMPLE_MS = 2000;

export interface QualityView {
  mos: number;
  lossPercent: number;
  jitterMs: number;
  rttMs: number | null;
  warning: boolean;
}

interface Counters {
  lost: number;
  received: number;
}

export class QualityMonitor {
  private timer: ReturnType<typeof setInterval> | null = null;
  private last: Counters | null = null;
  private readonly samples: QualityFigures[] = [];
  private totals: Counters = { lost: 0, received: 0 };
  private warning = false;
  private warned = false;

  constructor(
    private readonly pc: () => RTCPeerConnection | null,
    private readonly paused: () => boolean,
    private readonly onView: (view: QualityView) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sample().catch(() => undefined), SAMPLE_MS);
  }

  /** Stops sampling; the summary for the call record (null when nothing was measured). */
  stop(): QualitySummary | null {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return summarise(this.samples, this.totals, this.warned);
  }

  private async sample(): Promise<void> {
    const pc = this.pc();
    // On hold nothing flows on purpose: that is not loss.
    if (!pc || this.paused()) {
      this.last = null;
      return;
    }
    const stats = await pc.getStats();
    let lost = 0;
    let received = 0;
    let jitter = 0;
    let rtt: number | null = null;
    let pairRtt: number | null = null;
    let codecId: string | null = null;
    const codecs = new Map<string, string>();
    stats.forEach((r: Record<string, unknown>) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        lost += Number(r.packetsLost ?? 0);
        received += Number(r.packetsReceived ?? 0);
        jitter = Math.max(jitter, Number(r.jitter ?? 0) * 1000);
        codecId = (r.codecId as string | undefined) ?? codecId;
      } else if (r.type === 'remote-inbound-rtp' && r.kind === 'audio' && typeof r.roundTripTime === 'number') {
        rtt = r.roundTripTime * 1000;
      } else if (r.type === 'candidate-pair' && r.nominated && typeof r.currentRoundTripTime === 'number') {
        pairRtt = r.currentRoundTripTime * 1000;
      } else if (r.type === 'codec' && typeof r.mimeType === 'string') {
        codecs.set(r.id as string, r.mimeType.replace(/^audio\//i, '').toLowerCase());
      }
    });
    const previous = this.last;
    this.last = { lost, received };
    if (!previous) return;
    const dLost = Math.max(0, lost - previous.lost);
    const dReceived = Math.max(0, received - previous.received);
    if (dLost + dReceived === 0) return;
    this.totals = { lost: this.totals.lost + dLost, received: this.totals.received + dReceived };
    const figures: QualityFigures = {
      lossPercent: (100 * dLost) / (dLost + dReceived),
      jitterMs: jitter,
      rttMs: rtt ?? pairRtt,
      codec: codecId ? (codecs.get(codecId) ?? null) : null,
      mos: 0,
    };
    figures.mos = estimateMos(figures);
    this.samples.push(figures);
    this.warning = nextWarning(this.warning, this.samples.map((s) => s.mos));
    this.warned ||= this.warning;
    this.onView({ mos: figures.mos, lossPercent: figures.lossPercent, jitterMs: figures.jitterMs, rttMs: figures.rttMs, warning: this.warning });
  }
}
