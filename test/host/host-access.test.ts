/**
 * The desktop host is private to whoever started it (issue 10, item 11): another local process
 * that can reach 127.0.0.1 gets no page, no credential and no bridge; only a one-time address
 * printed by the host lets a browser in, once. And the desktop's store is 0700/0600 even under a
 * permissive umask. A real host process (run with umask 000) and the real API.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import { PASSWORD, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { startHost, stopHost, type HostProcess } from '../support/host-process';

let api: ApiServer;
let host: HostProcess;

beforeAll(async () => {
  api = await startApiServer();
  host = await startHost({ apiUrl: api.url, umask: 0o000 });
});
afterAll(async () => {
  await stopHost(host);
  await stopAndClean(api);
});

/** One bridge call from Node, as the page would make it (our Origin, a session cookie). */
async function invoke(cookie: string, method: string, args: unknown): Promise<any> {
  const ws = new NodeWebSocket(`ws://127.0.0.1:${host.port}/bridge`, { headers: { origin: `http://127.0.0.1:${host.port}`, cookie } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  // Core events (sync.status...) arrive on the same socket: wait for the answer to our id.
  const reply = new Promise<any>((resolve) =>
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.id === 1) resolve(message);
    }),
  );
  ws.send(JSON.stringify({ id: 1, method, args }));
  const answer = await reply;
  ws.close();
  return answer;
}

describe('the one-time address', () => {
  it('is the only way in: an unauthenticated GET gets no page and no credential', async () => {
    for (const path of ['', 'index.html', 'calls', 'oncall-bridge.js', 'app.js']) {
      const res = await fetch(host.url + path);
      expect(res.status, path).toBe(401);
      const body = await res.text();
      expect(body).not.toMatch(/oncall-bridge|<meta|[A-Za-z0-9_-]{40,}/);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('sets an HttpOnly same-site session, drops the secret from the address, and is spent', async () => {
    const url = await host.signInUrl();
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(new RegExp(`^oncall_host_${host.port}=[A-Za-z0-9_-]{40,};`));
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    const cookie = set.split(';')[0]!;

    const page = await fetch(host.url, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/oncall-bridge.js');

    // Spent: a second use (another process that read it later) is refused and gets no cookie.
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    // The host printed the next address for the next window, and it differs.
    const next = await host.signInUrl();
    expect(next).not.toBe(url);
    expect(new URL(next).origin).toBe(new URL(url).origin);
    expect((await fetch(next, { redirect: 'manual' })).status).toBe(303);
  });

  it('refuses made-up addresses', async () => {
    for (const secret of ['', 'x', 'A'.repeat(43)]) {
      const res = await fetch(`${host.url}?auth=${secret}`, { redirect: 'manual' });
      expect(res.status).toBe(401);
    }
  });

  it('lets the session drive the bridge, and nothing else does', async () => {
    const cookie = await host.cookie();
    expect(await invoke(cookie, 'session.current', {})).toMatchObject({ id: 1, ok: true });
    await expect(invoke('', 'session.current', {})).rejects.toThrow(/401/);
  });
});

describe('the store on disk, under umask 000', () => {
  function entries(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const path = join(dir, e.name);
      return e.isDirectory() ? [path, ...entries(path)] : [path];
    });
  }

  it('is a 0700 directory of 0600 files (database, WAL, secrets)', async () => {
    const cookie = await host.cookie();
    const login = await invoke(cookie, 'session.login', { serverUrl: api.url, email: 'agent1@demo.test', password: PASSWORD });
    expect(login).toMatchObject({ ok: true });
    await invoke(cookie, 'sync.now', {});

    expect(statSync(host.dataDir).mode & 0o777).toBe(0o700);
    const all = entries(host.dataDir);
    expect(all.some((f) => f.endsWith('secrets.json'))).toBe(true);
    expect(all.some((f) => f.endsWith('-wal'))).toBe(true);
    for (const path of all) {
      const mode = statSync(path).mode & 0o777;
      expect(mode & 0o077, `${path} is ${mode.toString(8)}`).toBe(0);
    }
  });
});
