/**
 * The main window and the guards every webContents gets: locked-down webPreferences, no
 * navigation away from our page, no new windows (https links open in the OS browser), no
 * <webview>, and a session that grants only microphone, notifications and telephony HID (the
 * headset's buttons) to our own origin.
 */
import { app, BrowserWindow, shell, type Session } from 'electron';
import { APP_ORIGIN, isAppUrl, isPermissionGranted, isSafeExternalUrl } from './security-policy';

export function hardenSession(session: Session, baseCsp: string): void {
  // The app:// handler sets each response's CSP; any response of ours that arrives without one
  // gets the base policy (never a second header: two policies would both apply).
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = details.responseHeaders ?? {};
    const hasCsp = Object.keys(headers).some((name) => name.toLowerCase() === 'content-security-policy');
    if (!isAppUrl(details.url) || hasCsp) return callback({});
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [baseCsp] } });
  });
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(isPermissionGranted({ permission, requestingUrl: details.requestingUrl, mediaTypes }));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionGranted({ permission, requestingUrl: requestingOrigin, mediaTypes: details.mediaType ? [details.mediaType] : undefined }),
  );
  // WebUSB / Web Serial: never. WebHID: telephony headsets only (hid.ts, allowTelephonyHid),
  // whose handler replaces this one; until it is installed, nothing.
  session.setDevicePermissionHandler(() => false);
}

/** Applies to every webContents the app ever creates, not only the main window. */
export function guardAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Reviewed (electronegativity): only https URLs leave the app, and they leave for the OS browser.
      if (isSafeExternalUrl(url)) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
      return { action: 'deny' };
    });
  });
}

export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    title: 'OnCall Desk',
    show: false,
    webPreferences: {
      // Reviewed (electronegativity): our own bundled preload exposing only window.oncall (preload.ts).
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Middle-click opens links through a path older Electron did not route to setWindowOpenHandler.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: true,
      // A softphone in the background must ring and keep its timers: no throttling of our window.
      backgroundThrottling: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}
