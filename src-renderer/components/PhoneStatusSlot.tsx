/** The softphone's registration state in the status bar (src-renderer/phone/views/PhoneStatus.tsx). */
import { PhoneStatus } from '../phone/views/PhoneStatus';

export function PhoneStatusSlot() {
  return <PhoneStatus />;
}
