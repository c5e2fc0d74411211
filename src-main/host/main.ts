/**
 * `npm run host`: the desktop client without Electron. Runs the same core as the app over a
 * DATA_DIR (one directory per agent desktop; run several hosts for several agents), serves the
 * built renderer on 127.0.0.1:HOST_PORT and bridges the IPC contract over a WebSocket.
 * Used for the browser mode and for end-to-end tests in Chromium.
 *   API_URL       the central API (default http://127.0.0.1:8080)
 *   HOST_PORT     default 5180; 0 picks a free port (printed in the ready line)
 *   DATA_DIR      the client's store and secrets (default ./data/desktop)
 *   RENDERER_DIR  the page to serve (default dist/renderer, built by `npm run build:renderer`)
 *   SIP_WS_URL    optional SIP-over-WebSocket server the page may connect to
 *   PHONE_ACCOUNTS_FILE  optional JSON of phone accounts by agent email (provisioned-phones.ts)
 * The page is private to whoever started the host: it prints a one-time address to open
 * (host-auth.ts), and a new one each time the last is used.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDesktopCore } from '../core';
import { createFileSecretStore } from '../core/file-secret-store';
import { ensurePrivateDir } from '../core/private-files';
import { buildBridgeClient } from './bridge-bundle';
import { readProvisionedPhones } from './provisioned-phones';
import { startHostServer } from './server';

const READY_PREFIX = 'OnCall Desk host ready at ';
const ONE_TIME_PREFIX = 'Open this one-time address in your browser: ';

async function main(): Promise<void> {
  const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:8080';
  const port = Number(process.env.HOST_PORT ?? 5180);
  const dataDir = resolve(process.env.DATA_DIR ?? 'data/desktop');
  const rendererDir = resolve(process.env.RENDERER_DIR ?? 'dist/renderer');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HOST_PORT must be a port number, got ${process.env.HOST_PORT}`);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`no index.html in ${rendererDir}: run \`npm run build:renderer\` or set RENDERER_DIR`);
  }

  const bridgeScript = buildBridgeClient(); // meanwhile the core opens its store
  ensurePrivateDir(dataDir);
  const core = await createDesktopCore({
    dataDir,
    defaultApiUrl: apiUrl,
    secrets: createFileSecretStore(join(dataDir, 'secrets.json')),
    provisionedPhones: readProvisionedPhones(process.env.PHONE_ACCOUNTS_FILE),
  });
  const host = await startHostServer({
    core,
    rendererDir,
    port,
    apiUrl,
    sipWebSocketUrls: process.env.SIP_WS_URL ? [process.env.SIP_WS_URL] : [],
    bridgeScript,
    // Printed after the ready line (queued until then): the terminal is the only place it appears.
    announce: (url) => void setImmediate(() => console.log(`${ONE_TIME_PREFIX}${url}`)),
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await core.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  console.log(`${READY_PREFIX}${host.url} (data: ${dataDir}, api: ${apiUrl})`);
}

main().catch((err: unknown) => {
  console.error('[host] failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
