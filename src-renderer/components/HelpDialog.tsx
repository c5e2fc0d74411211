import { SHORTCUTS } from '../shortcuts';
import { useIsSupervisor } from '../stores/session';
import { useUi } from '../stores/ui';
import { Dialog } from './Dialog';

export function HelpDialog() {
  const close = useUi((s) => s.closeDialog);
  const supervisor = useIsSupervisor();
  // Agents see only the keys that do something for them.
  const shown = SHORTCUTS.filter((s) => supervisor || !s.supervisorOnly);
  return (
    <Dialog title="Keyboard shortcuts" onClose={close}>
      <table className="shortcut-table">
        <tbody>
          {shown.map((s) => (
            <tr key={s.keys}>
              <td>
                {s.keys.split(' ').map((k, i) => (
                  <kbd key={i}>{k}</kbd>
                ))}
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Single-key shortcuts are off while you type in a field.</p>
    </Dialog>
  );
}
