import type { CallStatus } from '../../../src-shared/domain/call-status';

const STATUS_LABELS: Record<CallStatus, string> = {
  pending: 'Pending',
  ringing: 'Ringing',
  active: 'In progress',
  on_hold: 'On hold',
  wrap_up: 'Wrap-up',
  completed: 'Completed',
  missed: 'Missed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const statusLabel = (s: CallStatus) => STATUS_LABELS[s];
