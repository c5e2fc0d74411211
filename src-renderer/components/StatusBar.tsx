/** Always visible: connection, pending changes, last sync, what needs attention, phone, the user. */
import { useIsSupervisor, useMe, useSession } from '../stores/session';
import { useSync } from '../stores/sync';
import { useUi } from '../stores/ui';
import { useNow } from '../lib/hooks';
import { formatTimeWithSeconds } from '../lib/time';
import { AgentStateControl } from '../agent-state/AgentStateControl';
import { PhoneStatusSlot } from './PhoneStatusSlot';

/** Always relative (how stale the screen is matters more than the clock time, which is the tooltip). */
export function lastSyncText(at: string | null, now: number): string {
  if (!at) return 'never';
  const s = Math.max(0, Math.floor((now - new Date(at).getTime()) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

export function StatusBar() {
  const status = useSync((s) => s.status);
  const syncNow = useSync((s) => s.syncNow);
  const openDialog = useUi((s) => s.openDialog);
  const me = useMe();
  const supervisor = useIsSupervisor();
  const logout = useSession((s) => s.logout);
  const now = useNow(1000);

  const online = status?.online ?? false;
  const pending = status?.pending ?? 0;
  const attention = status?.attention ?? 0;
  const lastSync = status?.last_pull_at ?? null;

  return (
    <header className="status-bar" role="banner">
      <span className="brand">OnCall Desk</span>
      <div className="status-items" role="status" aria-label="Sync status">
        <span className="status-item" data-testid="connection" data-online={online}>
          <span className={online ? 'dot dot-ok' : 'dot dot-warn'} aria-hidden="true" />
          {online ? 'Online' : 'Offline'}
        </span>
        <span className="status-item" data-testid="pending" title={status?.oldest_pending_at ? `Oldest since ${formatTimeWithSeconds(status.oldest_pending_at)}` : undefined}>
          {pending === 0 ? 'All changes synced' : `${pending} pending`}
        </span>
        <span
          className="status-item muted"
          data-testid="last-sync"
          title={[lastSync ? formatTimeWithSeconds(lastSync) : null, status?.last_error].filter(Boolean).join(' · ') || undefined}
        >
          Last sync {lastSyncText(lastSync, now)}
        </span>
      </div>
      {attention > 0 && (
        <button type="button" className="attention-button" onClick={() => openDialog('attention')}>
          {attention} need{attention === 1 ? 's' : ''} attention
        </button>
      )}
      <span className="spacer" />
      <AgentStateControl />
      <PhoneStatusSlot />
      <button type="button" className="ghost-button" onClick={() => void syncNow()} title="Sync now (s)">
        Sync now
      </button>
      <span className="user-chip" title={me?.email}>
        {me?.name}
        <span className="role-tag">{supervisor ? me?.role : 'agent'}</span>
      </span>
      <button type="button" className="ghost-button" onClick={() => void logout()}>
        Sign out
      </button>
      <button type="button" className="icon-button" aria-label="Keyboard shortcuts" onClick={() => openDialog('help')}>
        ?
      </button>
    </header>
  );
}
