/**
 * Serves the built renderer directory read-only, with the bridge injected into index.html:
 * /oncall-bridge.js as a classic script ahead of the renderer's module scripts, so `window.oncall`
 * exists before the app starts. The page carries no credential: the bridge's WebSocket is
 * authenticated by the session cookie (host-auth.ts), which the page's scripts cannot read.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { BRIDGE_SCRIPT_PATH } from './protocol';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
};

export interface StaticOptions {
  rendererDir: string;
  /** the central API the sign-in form offers until the user has chosen one (API_URL) */
  defaultServer: string;
  bridgeScript: string;
  /** headers every response carries (the base CSP and friends) */
  headers: Record<string, string>;
  /** the page's own CSP, which may name the agent's SIP server */
  documentCsp: () => Promise<string>;
}

const attr = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function injectBridge(html: string, defaultServer: string): string {
  const tags =
    (defaultServer ? `<meta name="oncall-default-server" content="${attr(defaultServer)}">` : '') +
    `<script src="${BRIDGE_SCRIPT_PATH}"></script>`;
  const head = /<head[^>]*>/i.exec(html);
  return head ? html.slice(0, head.index + head[0].length) + tags + html.slice(head.index + head[0].length) : tags + html;
}

/** The file under rendererDir a URL path names, or null if it would leave the directory. */
function resolveInside(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
  const inside = relative(root, file);
  return inside.startsWith('..') || isAbsolute(inside) || path.includes('\0') ? null : file;
}

export function createStaticHandler(options: StaticOptions) {
  const root = resolve(options.rendererDir);

  function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean, extra: Record<string, string> = {}) {
    res.writeHead(status, { ...options.headers, 'cache-control': 'no-cache', ...extra, 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(head ? undefined : body);
  }

  async function sendIndex(res: ServerResponse, head: boolean) {
    const html = await readFile(resolve(root, 'index.html'), 'utf8');
    const csp = await options.documentCsp();
    send(res, 200, TYPES['.html']!, injectBridge(html, options.defaultServer), head, { 'cache-control': 'no-store', 'content-security-policy': csp });
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return send(res, 405, 'text/plain', 'Method Not Allowed', false);
    const { pathname } = new URL(req.url ?? '/', 'http://host');
    if (pathname === BRIDGE_SCRIPT_PATH) return send(res, 200, TYPES['.js']!, options.bridgeScript, head);
    if (pathname === '/' || pathname === '/index.html') return sendIndex(res, head);
    const file = resolveInside(root, pathname);
    if (!file) return send(res, 404, 'text/plain', 'Not Found', head);
    try {
      if ((await stat(file)).isFile()) return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file), head);
    } catch {
      // fall through: a client-side route or a missing asset
    }
    // Client-side routes (no extension) get the app; missing assets get a 404.
    if (!extname(pathname)) return sendIndex(res, head);
    send(res, 404, 'text/plain', 'Not Found', head);
  };
}
