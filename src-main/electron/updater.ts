/**
 * Auto-update from the feed electron-builder publishes (electron-builder.yml `publish`). Only a
 * packaged app updates: a development run has no signed build to replace. A failed check is logged,
 * never fatal: an agent mid-shift keeps working on the version they have.
 */
import { app } from 'electron';
import electronUpdater from 'electron-updater';

const SIX_HOURS = 6 * 60 * 60 * 1000;

export function startAutoUpdates(): void {
  if (!app.isPackaged) return;
  // electron-updater is CommonJS: its named exports come through the default import under ESM.
  const { autoUpdater } = electronUpdater;
  const check = () => autoUpdater.checkForUpdatesAndNotify().catch((err: unknown) => console.warn('[updater] check failed', err));
  void check();
  setInterval(check, SIX_HOURS).unref();
}
