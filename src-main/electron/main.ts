/**
 * The Electron main process: a thin shell around the desktop core (element-desktop style). It owns
 * the app lifecycle, one hardened window, the IPC bridge, credentials in safeStorage, updates and
 * tel:/sip: links; everything the agent does is the core's (src-main/core) and the renderer's.
 */
import { app, dialog, session, type BrowserWindow } from 'electron';
import { join, resolve } from 'node:path';
import { createDesktopCore } from '../core';
import type { DesktopCore } from '../core/api';
import { createPagePolicy } from '../core/page-policy';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { DIAL_SCHEMES, findDialLink } from './dial-link';
import { createDesk } from './desk-electron';
import { quitNeedsConfirmation, type TrayModel } from './desktop-policy';
import { allowTelephonyHid } from './hid';
import { registerIpc, sendEvent } from './ipc';
import { createSafeStorageSecretStore } from './secret-store';
import type { CspSources } from './security-policy';
import { createTray } from './tray';
import { startAutoUpdates, type Updates } from './updater';
import { createMainWindow, guardAllWebContents, hardenSession } from './window';

const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:8080';
// The agent's SIP server comes from the phone settings (page-policy.ts); SIP_WS_URL may add one.
const csp: CspSources = { apiUrl, sipWebSocketUrls: process.env.SIP_WS_URL ? [process.env.SIP_WS_URL] : [] };

let mainWindow: BrowserWindow | null = null;
let core: DesktopCore | null = null;
let pendingDial: string | null = findDialLink(process.argv);
let updates: Updates | null = null;
let tray: ReturnType<typeof createTray> | null = null;
let trayModel: TrayModel | null = null;
// What the page publishes about the phone and the agent ('desktop.phoneState'), applied here.
const { desk, shell } = createDesk({
  window: () => mainWindow,
  command: (command) => sendEvent(mainWindow, 'desktop.command', command),
  tray: (model) => {
    trayModel = model;
    tray?.show(model);
  },
  activityChanged: () => updates?.phoneChanged(),
  quit: () => app.quit(),
});

function dial(number: string | null): void {
  if (!number) return;
  if (!mainWindow || mainWindow.webContents.isLoading()) {
    pendingDial = number;
    return;
  }
  sendEvent(mainWindow, 'phone.dial', { number });
  mainWindow.show();
  mainWindow.focus();
}

function registerDialSchemes(): void {
  // In development the OS must launch `electron <app path>`, not bare electron.
  const args = process.defaultApp ? [resolve(process.argv[1] ?? '.')] : [];
  for (const scheme of DIAL_SCHEMES) {
    // Reviewed (electronegativity): links come from other programs, so only a number that
    // dial-link.ts validated reaches the page, as a 'phone.dial' event; nothing dials by itself.
    const ok = app.setAsDefaultProtocolClient(scheme, process.execPath, args); // eng-disable PROTOCOL_HANDLER_JS_CHECK
    if (!ok) console.warn(`[links] could not register as the ${scheme}: handler`);
  }
}

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  const desktop = await createDesktopCore({
    dataDir,
    defaultApiUrl: apiUrl,
    secrets: createSafeStorageSecretStore(join(dataDir, 'secrets.enc.json')),
    shell,
  });
  core = desktop;
  const policy = createPagePolicy(desktop, csp);
  hardenSession(session.defaultSession, policy.base);
  allowTelephonyHid(session.defaultSession, join(dataDir, 'hid-devices.json'));
  serveRenderer(join(app.getAppPath(), 'dist/renderer'), policy);
  registerIpc(desktop, () => mainWindow, policy);
  mainWindow = createMainWindow(join(app.getAppPath(), 'out/main/preload.cjs'));
  mainWindow.webContents.on('did-finish-load', () => {
    const number = pendingDial;
    pendingDial = null;
    dial(number);
  });
  // A page that reloads or crashes no longer rings: forget what it published until it publishes again.
  mainWindow.webContents.on('did-start-loading', () => desk.reset());
  mainWindow.webContents.on('render-process-gone', () => desk.reset());
  mainWindow.on('closed', () => (mainWindow = null));
  updates = startAutoUpdates(() => desk.activity, () => mainWindow);
  tray = createTray(join(app.getAppPath(), 'resources'), (action) => desk.trayAction(action));
  if (trayModel) tray.show(trayModel);
}

registerAppScheme();
guardAllWebContents();

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the store: hand it our argv (a tel: link) and leave.
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
    dial(findDialLink(argv));
  });
  // macOS delivers links as an event, possibly before the window exists.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    dial(findDialLink([url]));
  });
  app.on('window-all-closed', () => app.quit());
  // Quitting with a call ringing or in progress asks first (desktop-policy.ts).
  let quitConfirmed = false;
  app.on('before-quit', (event) => {
    if (quitConfirmed || !quitNeedsConfirmation(desk.activity)) return;
    event.preventDefault();
    const options = { type: 'warning' as const, buttons: ['Keep working', 'Quit and end the calls'], defaultId: 0, cancelId: 0, message: 'A call is in progress', detail: 'Quitting ends it.' };
    void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options)).then(({ response }) => {
      if (response !== 1) return;
      quitConfirmed = true;
      app.quit();
    });
  });
  app.on('will-quit', (event) => {
    if (!core) return;
    event.preventDefault();
    const closing = core;
    core = null;
    // An update downloaded and agreed to installs now, unless a call is ringing or in progress.
    void closing.close().finally(() => {
      if (!updates?.installAtQuit()) app.quit();
    });
  });
  registerDialSchemes();
  app.whenReady().then(start).catch((err: unknown) => {
    console.error('[main] failed to start', err);
    app.exit(1);
  });
}
