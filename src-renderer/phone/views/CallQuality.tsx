/** The call card's quality line: MOS estimate, loss, jitter, and a warning when quality drops. */
import type { QualityView } from '../quality-monitor';

export function CallQuality({ quality }: { quality: QualityView }) {
  const { mos, lossPercent, jitterMs, rttMs, warning } = quality;
  return (
    <div className="phone-small" data-testid="call-quality" data-mos={mos} data-loss={lossPercent.toFixed(1)} data-warning={warning}>
      <span className={warning ? 'field-error' : 'muted'}>
        MOS {mos.toFixed(1)} · loss <span data-testid="call-loss">{lossPercent.toFixed(1)}%</span> · jitter {Math.round(jitterMs)} ms
        {rttMs !== null && <> · RTT {Math.round(rttMs)} ms</>}
      </span>
      {warning && (
        <p className="field-error" role="alert">
          Poor call quality: the other side may not hear you well.
        </p>
      )}
    </div>
  );
}
