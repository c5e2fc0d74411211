/**
 * The tray icon: desktop-policy.ts's trayModel turned into an Electron menu. The agent-state list
 * and the state changes are supplied by the caller (the floor's agent states, once wired).
 */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import { trayModel, type AgentStateOption, type TrayAction } from './desktop-policy';
import type { PhoneActivity } from './update-policy';

export interface TraySource {
  state(): string | null;
  states(): readonly AgentStateOption[];
  phone(): PhoneActivity;
  missed(): number;
  act(action: TrayAction): void;
}

export function createTray(iconDir: string, source: TraySource): { refresh(): void; destroy(): void } {
  const tray = new Tray(nativeImage.createFromPath(join(iconDir, 'tray.png')));
  const refresh = () => {
    const model = trayModel({ state: source.state(), states: source.states(), phone: source.phone(), missed: source.missed() });
    tray.setToolTip(model.tooltip);
    const template: MenuItemConstructorOptions[] = model.items.map((item) => ({
      label: item.label,
      type: item.type,
      checked: item.checked,
      enabled: item.enabled ?? true,
      click: item.action ? () => source.act(item.action!) : undefined,
    }));
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };
  tray.on('click', () => source.act({ kind: 'open' }));
  refresh();
  return { refresh, destroy: () => tray.destroy() };
}
