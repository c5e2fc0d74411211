import { useNow } from '../../lib/hooks';
import { formatDuration, secondsSince } from '../../lib/time';

/** After-call work: counts up from the end of the conversation until the outcome is set. */
export function WrapUpTimer({ since }: { since: string }) {
  const now = useNow(1000);
  return (
    <div className="wrap-up" role="timer" aria-label="After-call work time">
      <span className="wrap-up-label">After-call work</span>
      <span className="wrap-up-time">{formatDuration(secondsSince(since, now))}</span>
      <span className="muted">Set the outcome to finish.</span>
    </div>
  );
}
