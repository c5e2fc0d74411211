/**
 * The phone, docked at the bottom right of the shell: calls in progress on top, then the dialpad
 * or the settings. It shows itself whenever there is a call or a dropped call's card to read, and
 * hides when closed and idle.
 */
import '../phone.css';
import { undismissedEnds, usePhone } from '../store';
import { AudioDeviceSettings } from './AudioDeviceSettings';
import { Dialpad } from './Dialpad';
import { HeadsetSettings } from './HeadsetSettings';
import { ShortcutSettings } from './ShortcutSettings';
import { InCallPanel } from './InCallPanel';
import { IncomingCallDialog } from './IncomingCallDialog';
import { PhoneSettingsForm } from './PhoneSettingsForm';

export function PhoneDock() {
  const open = usePhone((s) => s.dockOpen);
  const tab = usePhone((s) => s.tab);
  const openDock = usePhone((s) => s.openDock);
  const closeDock = usePhone((s) => s.closeDock);
  const error = usePhone((s) => s.error);
  const clearError = usePhone((s) => s.clearError);
  const busy = usePhone((s) => s.phone.calls.some((c) => c.phase !== 'incoming'));
  // A dropped call's card (InCallPanel) must be seen even with the dock closed.
  const dropped = usePhone((s) => undismissedEnds(s.phone.recent, s.dismissedEnds).length > 0);
  const engine = usePhone((s) => s.engine);
  if (!engine) return null;

  return (
    <>
      <IncomingCallDialog />
      {(open || busy || dropped) && (
        <aside className="phone-dock" aria-label="Phone">
          <header className="phone-dock-header">
            <div className="segmented" role="tablist" aria-label="Phone views">
              <button type="button" role="tab" aria-selected={tab === 'dialpad'} onClick={() => openDock('dialpad')}>
                Dialpad
              </button>
              <button type="button" role="tab" aria-selected={tab === 'settings'} onClick={() => openDock('settings')}>
                Settings
              </button>
            </div>
            <button type="button" className="icon-button" aria-label="Close phone" onClick={closeDock}>
              ×
            </button>
          </header>
          {error && (
            <p className="field-error phone-error" role="alert">
              {error}{' '}
              <button type="button" className="link-button" onClick={clearError}>
                Dismiss
              </button>
            </p>
          )}
          <InCallPanel />
          {open && tab === 'dialpad' && <Dialpad />}
          {open && tab === 'settings' && (
            <div className="phone-settings-pane">
              <PhoneSettingsForm />
              <AudioDeviceSettings />
              <HeadsetSettings />
              <ShortcutSettings />
            </div>
          )}
        </aside>
      )}
    </>
  );
}
