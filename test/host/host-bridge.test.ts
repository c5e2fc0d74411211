/**
 * The Node host end to end: the real API, a real host process (the same core as the Electron app)
 * and Debian's Chromium loading a page the host serves. What the renderer relies on: `window.oncall`
 * is there before the app's scripts run, invoke works and fails as data, events arrive, the socket
 * comes back after a drop; and what keeps other pages and users out of an agent's desktop.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import { PASSWORD, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { launchChromium, type Browser } from '../support/browser';
import { startHost, stopHost, type HostProcess } from '../support/host-process';

let api: ApiServer;
let host: HostProcess;
let browser: Browser;
let page: Page;
/** a session cookie of this host, for fetch() */
let cookie: string;
const fetchPage = (url = host.url) => fetch(url, { headers: { cookie } });

beforeAll(async () => {
  api = await startApiServer();
  [host, browser] = await Promise.all([startHost({ apiUrl: api.url }), launchChromium()]);
  cookie = await host.cookie();
  page = await browser.context.newPage();
  await host.open(page);
  await page.waitForFunction(() => (globalThis as any).document.getElementById('status')?.textContent === 'ready');
});
afterAll(async () => {
  await browser?.close();
  await stopHost(host);
  await stopAndClean(api);
});

/** Calls window.oncall.invoke in the page; a rejection comes back as {rejected: <what it threw>}. */
function invoke(method: string, args?: unknown): Promise<any> {
  return page.evaluate(
    async ([m, a]) => {
      try {
        return { result: await (globalThis as any).oncall.invoke(m, a) };
      } catch (err) {
        return { rejected: err };
      }
    },
    [method, args] as const,
  );
}

const login = (email = 'agent1@demo.test') => invoke('session.login', { serverUrl: api.url, email, password: PASSWORD });

describe('the page', () => {
  it("offers the host's API_URL as the sign-in form's server", async () => {
    const html = await (await fetchPage()).text();
    expect(html).toContain(`<meta name="oncall-default-server" content="${api.url}">`);
  });

  it('has window.oncall before its own scripts run, under the same CSP as the app', async () => {
    expect(await page.evaluate(() => (globalThis as any).bridgeAtStart)).toBe('object');
    const res = await fetchPage();
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain(new URL(api.url).origin);
  });

  it('cannot replace the bridge', async () => {
    const replaced = await page.evaluate(() => {
      try {
        (globalThis as any).oncall = { invoke: () => 'fake' };
      } catch {
        // strict-mode pages throw; either way the bridge must stay
      }
      return typeof (globalThis as any).oncall.invoke('session.current', {}).then;
    });
    expect(replaced).toBe('function');
  });
});

describe('invoke', () => {
  it('signs in through the core and returns the session', async () => {
    const { result, rejected } = await login();
    expect(rejected).toBeUndefined();
    expect(result).toMatchObject({ serverUrl: api.url, user: { email: 'agent1@demo.test', role: 'agent', organization_id: api.orgs.demo } });
    expect((await invoke('session.current', {})).result).toEqual(result);
  });

  it('answers invalid arguments with a validation error object, per field, and keeps working', async () => {
    const { rejected } = await invoke('session.login', { serverUrl: 'ftp://x', email: 'not-an-email' });
    expect(rejected).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(Object.keys(rejected.details)).toEqual(expect.arrayContaining(['serverUrl', 'email', 'password']));
    expect((await invoke('session.current', {})).result?.user.email).toBe('agent1@demo.test');
  });

  it('refuses a method outside the contract', async () => {
    for (const method of ['fs.readFile', '__proto__', 'constructor']) {
      expect((await invoke(method, {})).rejected, method).toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('says the API is unreachable when signing in to a server that does not answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { rejected } = await invoke('session.login', { serverUrl: `http://127.0.0.1:${port}`, email: 'agent1@demo.test', password: PASSWORD });
    expect(rejected).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it("passes the core's own refusals through as data (wrong password)", async () => {
    const { rejected } = await invoke('session.login', { serverUrl: api.url, email: 'agent2@demo.test', password: 'wrong-password' });
    expect(rejected.code).toMatch(/^[A-Z_]+$/);
    expect(rejected.code).not.toBe('INTERNAL_ERROR');
    expect(typeof rejected.message).toBe('string');
  });
});

describe('events', () => {
  it('forwards sync.status events to the page', async () => {
    const before = await page.evaluate(() => (globalThis as any).syncEvents.length);
    await invoke('sync.now', {});
    await page.waitForFunction((n) => (globalThis as any).syncEvents.length > n, before, { timeout: 60_000 });
    const last = await page.evaluate(() => (globalThis as any).syncEvents.at(-1));
    expect(last).toMatchObject({ state: expect.stringMatching(/^(idle|syncing|offline|error)$/), pending: expect.any(Number) });
  });
});

describe('reconnect', () => {
  it('fails the call in flight when the socket drops, then reconnects and answers again', async () => {
    // A frame over the host's 4 MiB limit makes it close the socket: a real drop.
    const { rejected } = await invoke('patients.search', { q: 'x'.repeat(5 * 1024 * 1024) });
    expect(rejected).toMatchObject({ code: 'BRIDGE_DISCONNECTED' });
    const again = await invoke('session.current', {});
    expect(again.result?.user.email).toBe('agent1@demo.test');
  });
});

describe('who may connect', () => {
  const bridgeUrl = () => `ws://127.0.0.1:${host.port}/bridge`;

  /** Resolves with 'open' or the HTTP status the upgrade was refused with. */
  function connect(url: string, origin: string | undefined, withCookie: string | undefined = cookie): Promise<'open' | number> {
    return new Promise((resolve, reject) => {
      const ws = new NodeWebSocket(url, { headers: { ...(origin ? { origin } : {}), ...(withCookie ? { cookie: withCookie } : {}) } });
      ws.once('open', () => {
        ws.close();
        resolve('open');
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
      ws.once('error', reject);
    });
  }

  it('accepts our own origin with a session', async () => {
    expect(await connect(bridgeUrl(), `http://127.0.0.1:${host.port}`)).toBe('open');
  });

  it('refuses a foreign origin even with a session', async () => {
    expect(await connect(bridgeUrl(), 'http://evil.example')).toBe(403);
    expect(await connect(bridgeUrl(), `http://127.0.0.1:${host.port + 1}`)).toBe(403);
    expect(await connect(bridgeUrl(), undefined)).toBe(403);
  });

  it('refuses our origin without a session', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    const [name] = cookie.split('=');
    expect(await connect(bridgeUrl(), origin, '')).toBe(401);
    expect(await connect(bridgeUrl(), origin, `${name}=not-a-session`)).toBe(401);
    // another host's cookie name (browsers share 127.0.0.1's cookies across ports)
    expect(await connect(bridgeUrl(), origin, `oncall_host_${host.port + 1}=${cookie.split('=')[1]}`)).toBe(401);
  });

  it('answers malformed frames with error objects and keeps the socket open', async () => {
    const ws = new NodeWebSocket(bridgeUrl(), { headers: { origin: `http://127.0.0.1:${host.port}`, cookie } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const replies: any[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(String(data))));
    const next = async (n: number) => {
      for (let i = 0; i < 100 && replies.filter((r) => 'ok' in r).length < n; i++) await new Promise((r) => setTimeout(r, 50));
      return replies.filter((r) => 'ok' in r);
    };
    ws.send('not json');
    ws.send(JSON.stringify({ id: 'one', method: 42 }));
    ws.send(JSON.stringify({ id: 3, method: 'session.current', args: {} }));
    const [bad, envelope, good] = await next(3);
    ws.close();
    expect(bad).toMatchObject({ id: null, ok: false, error: { code: 'INVALID_JSON' } });
    expect(envelope).toMatchObject({ id: null, ok: false, error: { code: 'BAD_REQUEST', details: { id: expect.any(String), method: expect.any(String) } } });
    expect(good).toMatchObject({ id: 3, ok: true });
  });

  it('refuses a page from another origin in a real browser, even with the session cookie in the browser', async () => {
    // Another web server on this machine: same host name, another port, so another origin.
    const foreign = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>elsewhere</p>'));
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const other = await browser.context.newPage();
    await other.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
    const outcome = await other.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      bridgeUrl(),
    );
    await other.close();
    foreign.close();
    expect(outcome).toBe('refused');
  });

  it('does not serve a page to another host name (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: host.port, path: '/', headers: { host: `evil.example:${host.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .once('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });

  it('listens on 127.0.0.1 only', async () => {
    const portHex = host.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((cols) => cols[1]?.endsWith(`:${portHex}`) && cols[3] === '0A')
        .map((cols) => cols[1]!.split(':')[0]);
    expect(listening('/proc/net/tcp')).toEqual(['0100007F']);
    expect(listening('/proc/net/tcp6')).toEqual([]);
    // And from another address of this machine, if it has one, nothing answers.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      await expect(fetch(`http://${external.address}:${host.port}/`)).rejects.toThrow();
    }
  });
});

describe('credentials at rest', () => {
  function filesUnder(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
  }

  it('keeps the tokens in a 0600 file, and never in the SQLite store', async () => {
    expect((await login()).result).toBeTruthy();
    const secretsFile = join(host.dataDir, 'secrets.json');
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    // Values are the core's own: a JSON token pair, or a plain string (the SIP password).
    const tokens = Object.values(secrets).flatMap((value) => {
      try {
        return Object.values(JSON.parse(value) as Record<string, string>);
      } catch {
        return [value];
      }
    });
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(tokens.every((t) => typeof t === 'string' && t.length >= 20)).toBe(true);

    const others = filesUnder(host.dataDir).filter((f) => f !== secretsFile);
    expect(others.some((f) => /sqlite|\.db$/.test(f))).toBe(true);
    for (const file of others) {
      const bytes = readFileSync(file);
      for (const secret of [...tokens, PASSWORD]) expect(bytes.includes(secret), `${secret.slice(0, 6)}… in ${file}`).toBe(false);
    }
  });
});

describe("the page's CSP follows the agent's SIP server", () => {
  it('reloads the page under a policy that allows a newly configured SIP server, and only then', async () => {
    expect((await login()).result).toBeTruthy();
    const sipServer = 'wss://sip.demo.test:7443';
    const before = await fetchPage();
    expect(before.headers.get('content-security-policy')).not.toContain(sipServer);

    // Fire and forget: the page goes away under the call when it reloads.
    const reloaded = page.waitForResponse((res) => res.url() === host.url, { timeout: 60_000 });
    await page.evaluate(
      (url) => void (globalThis as any).oncall.invoke('phone.settings.set', { ws_url: `${url}/ws`, sip_uri: 'sip:1001@sip.demo.test' }),
      sipServer,
    );
    const csp = (await reloaded).headers()['content-security-policy'];
    expect(csp).toMatch(new RegExp(`connect-src [^;]*${sipServer.replace(/[.]/g, '\\.')}`));
    await page.waitForFunction(() => (globalThis as any).document.getElementById('status')?.textContent === 'ready');

    // A change that allows nothing new (the speaker) leaves the page alone.
    await page.evaluate(() => ((globalThis as any).stillHere = true));
    expect((await invoke('phone.settings.set', { speaker_device_id: 'headset-1' })).result).toMatchObject({ ws_url: `${sipServer}/ws` });
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.evaluate(() => (globalThis as any).stillHere)).toBe(true);
  });
});
