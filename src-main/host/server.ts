/**
 * The host's HTTP server on 127.0.0.1 only: the renderer's files (with the bridge injected) and
 * the WebSocket bridge on the same origin. Requests must name us in their Host header, so a web
 * page that rebinds its own DNS name to 127.0.0.1 cannot read our page (and its token).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DesktopCore } from '../core/api';
import { createPagePolicy } from '../core/page-policy';
import { createStaticHandler } from './static-files';
import { createWsBridge } from './ws-bridge';

export const HOST_ADDRESS = '127.0.0.1';

export interface HostOptions {
  core: DesktopCore;
  rendererDir: string;
  port: number;
  apiUrl?: string;
  sipWebSocketUrls?: readonly string[];
  /** the page-side bridge script (bridge-bundle.ts), started early: bundling takes a moment */
  bridgeScript: Promise<string>;
}

export interface RunningHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHostServer(options: HostOptions): Promise<RunningHost> {
  const token = randomBytes(32).toString('base64url');
  const bridgeScript = await options.bridgeScript;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST_ADDRESS, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hosts = [`${HOST_ADDRESS}:${port}`, `localhost:${port}`];
  const origins = hosts.map((host) => `http://${host}`);
  const knownHost = (req: IncomingMessage) => hosts.includes(req.headers.host ?? '');

  const policy = createPagePolicy(options.core, {
    apiUrl: options.apiUrl,
    sipWebSocketUrls: options.sipWebSocketUrls,
    extraConnect: hosts.map((host) => `ws://${host}`),
  });
  const headers = {
    'content-security-policy': policy.base,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
  const serveStatic = createStaticHandler({ rendererDir: options.rendererDir, token, defaultServer: options.apiUrl ?? '', bridgeScript, headers, documentCsp: policy.forDocument });
  const bridge = createWsBridge({ core: options.core, token, allowedOrigins: origins, policy });

  server.on('request', (req, res) => {
    if (!knownHost(req)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected Request');
      return;
    }
    serveStatic(req, res).catch((err: unknown) => {
      console.error('[host] serving', req.url, err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!knownHost(req)) return void socket.end('HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\n\r\n');
    bridge.handleUpgrade(req, socket, head);
  });

  return {
    url: `http://${HOST_ADDRESS}:${port}/`,
    port,
    async close() {
      bridge.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
