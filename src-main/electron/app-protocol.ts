/**
 * Serves the built renderer from app://oncall/ instead of file:// (Electron checklist #18): the
 * page gets a real origin that the CSP, the permission handlers and the IPC sender check can name,
 * and it can read nothing outside the renderer directory.
 */
import { net, protocol } from 'electron';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PagePolicy } from '../core/page-policy';
import { APP_HOST, APP_SCHEME } from './security-policy';

/** Must run before `app` is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export function serveRenderer(rendererDir: string, policy: PagePolicy): void {
  const root = resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = resolve(root, `.${path}`);
    const inside = relative(root, file);
    if (url.host !== APP_HOST || inside.startsWith('..') || isAbsolute(inside)) {
      return new Response('Not found', { status: 404 });
    }
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    // The page's own policy may name the agent's SIP server; its assets get the base one.
    headers.set('Content-Security-Policy', extname(file) === '.html' ? await policy.forDocument() : policy.base);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
