/**
 * Placeholder for the softphone's registration state in the status bar. The softphone work
 * (src-renderer/phone/) replaces this component's body; its name and place stay.
 */
export function PhoneStatusSlot() {
  return (
    <span className="status-item phone-slot" data-state="unconfigured">
      <span className="dot dot-muted" aria-hidden="true" />
      Phone: not configured
    </span>
  );
}
