/**
 * The tray icon: desktop-policy.ts's trayModel (built by phone-desk.ts from what the page
 * publishes) turned into an Electron menu; a chosen item goes back to phone-desk.ts.
 */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { TrayAction, TrayModel } from './desktop-policy';

export function createTray(iconDir: string, act: (action: TrayAction) => void): { show(model: TrayModel): void; destroy(): void } {
  const tray = new Tray(nativeImage.createFromPath(join(iconDir, 'tray.png')));
  tray.on('click', () => act({ kind: 'open' }));
  return {
    show(model) {
      tray.setToolTip(model.tooltip);
      const template: MenuItemConstructorOptions[] = model.items.map((item) => ({
        label: item.label,
        type: item.type,
        checked: item.checked,
        enabled: item.enabled ?? true,
        click: item.action ? () => act(item.action!) : undefined,
      }));
      tray.setContextMenu(Menu.buildFromTemplate(template));
    },
    destroy: () => tray.destroy(),
  };
}
