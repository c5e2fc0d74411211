/**
 * The host's HTTP server on 127.0.0.1 only: the renderer's files (with the bridge injected) and
 * the WebSocket bridge on the same origin. Requests must name us in their Host header, so a web
 * page that rebinds its own DNS name to 127.0.0.1 cannot read our page; and every request needs
 * the session cookie a one-time address set (host-auth.ts), so another local process cannot either.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DesktopCore } from '../core/api';
import { createPagePolicy } from '../core/page-policy';
import { createHostAuth, ONE_TIME_PARAM } from './host-auth';
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
  /** hears each one-time address: at start and whenever the previous one is spent */
  announce(oneTimeUrl: string): void;
}

export interface RunningHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHostServer(options: HostOptions): Promise<RunningHost> {
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
  const baseUrl = `http://${HOST_ADDRESS}:${port}/`;
  const auth = createHostAuth(port);

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
  const serveStatic = createStaticHandler({ rendererDir: options.rendererDir, defaultServer: options.apiUrl ?? '', bridgeScript, headers, documentCsp: policy.forDocument });
  const bridge = createWsBridge({ core: options.core, isSignedIn: (req) => auth.isSignedIn(req.headers.cookie), allowedOrigins: origins, policy });

  const refuse = (res: ServerResponse, message: string): void => {
    res.writeHead(401, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(message);
  };
  /** Opening a one-time address: spend it, set the session cookie, and drop the secret from the address bar. */
  function redeem(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const cookie = auth.redeem(url.searchParams.get(ONE_TIME_PARAM));
    if (!cookie) return refuse(res, 'This one-time address was already used. Open the newest address the desktop host printed.');
    options.announce(auth.issue(baseUrl));
    url.searchParams.delete(ONE_TIME_PARAM);
    res.writeHead(303, { ...headers, location: url.pathname + url.search, 'set-cookie': cookie, 'cache-control': 'no-store' }).end();
  }

  server.on('request', (req, res) => {
    if (!knownHost(req)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected Request');
      return;
    }
    const url = new URL(req.url ?? '/', baseUrl);
    if (url.searchParams.has(ONE_TIME_PARAM)) return redeem(req, res, url);
    if (!auth.isSignedIn(req.headers.cookie)) {
      return refuse(res, 'This desktop host is private: open the one-time address it printed when it started.');
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

  options.announce(auth.issue(baseUrl));
  return {
    url: baseUrl,
    port,
    async close() {
      bridge.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
