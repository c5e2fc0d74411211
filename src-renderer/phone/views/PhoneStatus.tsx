/** The phone's registration state in the status bar; a click opens the phone dock. */
import { useNow } from '../../lib/hooks';
import type { RegistrationStatus } from '../sip-connection';
import { usePhone } from '../store';

export function registrationText(r: RegistrationStatus, now: number): string {
  switch (r.state) {
    case 'unconfigured':
      return 'Phone: not configured';
    case 'connecting':
      return 'Phone: connecting…';
    case 'registering':
      return 'Phone: registering…';
    case 'registered':
      return 'Phone: ready';
    case 'reconnecting': {
      const s = r.retryAt ? Math.max(0, Math.ceil((r.retryAt - now) / 1000)) : 0;
      return s > 0 ? `Phone: reconnecting in ${s}s` : 'Phone: reconnecting…';
    }
    case 'failed':
      return 'Phone: registration refused';
    case 'stopped':
      return 'Phone: off';
  }
}

const DOT: Record<RegistrationStatus['state'], string> = {
  unconfigured: 'dot dot-muted',
  connecting: 'dot dot-warn',
  registering: 'dot dot-warn',
  registered: 'dot dot-ok',
  reconnecting: 'dot dot-warn',
  failed: 'dot dot-error',
  stopped: 'dot dot-muted',
};

export function PhoneStatus() {
  const registration = usePhone((s) => s.phone.registration);
  const live = usePhone((s) => s.phone.calls.length);
  const openDock = usePhone((s) => s.openDock);
  const now = useNow(1000);
  const text = registrationText(registration, now);
  return (
    <button
      type="button"
      className="status-item phone-slot ghost-button"
      data-testid="phone-status"
      data-state={registration.state}
      title={registration.detail ?? undefined}
      onClick={() => openDock(registration.state === 'unconfigured' || registration.state === 'failed' ? 'settings' : 'dialpad')}
    >
      <span className={DOT[registration.state]} aria-hidden="true" />
      {text}
      {live > 0 && <span className="phone-live-count">{` · ${live} call${live === 1 ? '' : 's'}`}</span>}
    </button>
  );
}
