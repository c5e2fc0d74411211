/**
 * Auto-update from the feed electron-builder publishes (electron-builder.yml `publish`), with the
 * decisions in update-policy.ts: https feed only; checked and downloaded in the background; the
 * agent is asked between calls; installed at the next quit with no call ringing or in progress.
 * Only a packaged app updates: a development run has no signed build to replace. A failed check
 * is logged, never fatal: an agent mid-shift keeps working on the version they have.
 */
import { app, dialog, type BrowserWindow } from 'electron';
import electronUpdater from 'electron-updater';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionAtQuit, feedProblem, feedUrlFromAppUpdateYml, initialUpdateState, shouldAskAgent, type PhoneActivity, type UpdateState } from './update-policy';

const SIX_HOURS = 6 * 60 * 60 * 1000;

export interface Updates {
  /** call when the phone's activity changes: a question deferred by a call may be asked now */
  phoneChanged(): void;
  /** at quit: installs (and quits) when the policy allows; false when the app should just quit */
  installAtQuit(): boolean;
}

const none: Updates = { phoneChanged: () => undefined, installAtQuit: () => false };

export function startAutoUpdates(phone: () => PhoneActivity, window: () => BrowserWindow | null): Updates {
  if (!app.isPackaged) return none;
  let feed: string | null = null;
  try {
    feed = feedUrlFromAppUpdateYml(readFileSync(join(process.resourcesPath, 'app-update.yml'), 'utf8'));
  } catch {
    // no app-update.yml: feedProblem says so below
  }
  const problem = feedProblem(feed);
  if (problem) {
    console.error(`[updater] updates are off: ${problem}`);
    return none;
  }
  // electron-updater is CommonJS: its named exports come through the default import under ESM.
  const { autoUpdater } = electronUpdater;
  // Pin the checked feed, and keep the install decision ours (never on just any quit).
  autoUpdater.setFeedURL({ provider: 'generic', url: feed! });
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = false;
  let state: UpdateState = initialUpdateState;
  let asking = false;

  async function ask(): Promise<void> {
    if (asking || !shouldAskAgent(state, phone())) return;
    asking = true;
    const version = state.downloaded!;
    state = { ...state, askedFor: version };
    const options = {
      type: 'question' as const,
      buttons: ['Install when I quit', 'Not now'],
      defaultId: 0,
      cancelId: 1,
      message: `OnCall Desk ${version} is ready`,
      detail: 'It installs the next time you quit with no call in progress. Calls are never interrupted.',
    };
    const parent = window();
    const { response } = await (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
    state = { ...state, agreed: response === 0 };
    asking = false;
  }

  autoUpdater.on('update-downloaded', (info) => {
    state = { ...state, downloaded: info.version, agreed: null };
    void ask();
  });
  const check = () => autoUpdater.checkForUpdates().catch((err: unknown) => console.warn('[updater] check failed', err));
  void check();
  setInterval(check, SIX_HOURS).unref();

  return {
    phoneChanged: () => void ask(),
    installAtQuit() {
      if (actionAtQuit(state, phone()) !== 'install') return false;
      // silent install, do not relaunch: the agent chose to quit
      autoUpdater.quitAndInstall(true, false);
      return true;
    },
  };
}
