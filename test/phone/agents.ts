/**
 * Agent desktops for the phone tests: each agent is a Node host (its own core and DATA_DIR) and a
 * Chromium page on it, signed in through the real sign-in form, phone set up through the phone
 * settings form. Chromium has fake media devices (a tone as microphone) and, inside the
 * loopback-only namespace, loopback allowed for WebRTC.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ROOT } from '../support/api-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser';
import { startHost, stopHost, type HostProcess } from '../support/host-process';
import { PASSWORD } from '../support/api-server';

export const PHONE_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // Inside a namespace with only `lo`, ICE has nothing but loopback candidates.
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];

/** Builds the real renderer into a temp dir (not dist/: other test files may be serving it). */
export async function buildRenderer(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'oncall-renderer-'));
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    timeout: 180_000,
  });
  return outDir;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: PHONE_CHROMIUM_ARGS, timeout: 30_000 });
}

// Counts every RTCPeerConnection the page makes, so a test can read WebRTC stats without any
// hook in the app itself.
const TRACK_PEER_CONNECTIONS = `(() => {
  const Original = window.RTCPeerConnection;
  const all = [];
  Object.defineProperty(window, '__testPeerConnections', { value: all });
  window.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); all.push(this); }
  };
})();`;

export interface Agent {
  name: string;
  email: string;
  /** the SIP user: an E.164 number */
  number: string;
  host: HostProcess;
  context: BrowserContext;
  page: Page;
  status: Locator;
  close(): Promise<void>;
}

export async function openAgent(
  browser: Browser,
  o: { name: string; email: string; number: string; apiUrl: string; rendererDir: string; sipWsUrl: string; /** run in the page before the app (e.g. a simulated headset) */ initScripts?: (() => void)[] },
): Promise<Agent> {
  const dataDir = mkdtempSync(join(tmpdir(), `oncall-${o.name.toLowerCase()}-`));
  const host = await startHost({ apiUrl: o.apiUrl, dataDir, rendererDir: o.rendererDir, env: { SIP_WS_URL: o.sipWsUrl } });
  const context = await browser.newContext();
  await context.addInitScript(TRACK_PEER_CONNECTIONS);
  for (const script of o.initScripts ?? []) await context.addInitScript(script);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000); // a generous wait for an outcome, not a latency bound
  // The page's own errors (a failed call-log write, an exception) explain a failing case.
  page.on('console', (m) => {
    // (refused WebSocket connects are expected while the reconnection case has Kamailio down)
    if (m.type() === 'error' && !/ERR_CONNECTION_REFUSED|WebSocket error occurred/.test(m.text())) process.stderr.write(`[${o.name} console] ${m.text()}\n`);
  });
  page.on('pageerror', (err) => process.stderr.write(`[${o.name} page error] ${err.message}\n`));
  await host.open(page);
  await page.getByLabel('Server').fill(o.apiUrl);
  await page.getByLabel('Email').fill(o.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const status = page.getByTestId('phone-status');
  await status.waitFor();
  return {
    ...o,
    host,
    context,
    page,
    status,
    async close() {
      await context.close().catch(() => undefined);
      await stopHost(host);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Fills the phone settings form as an agent would and waits for "Phone: ready". */
export async function setUpPhone(agent: Agent, o: { wsUrl: string; domain: string; password: string; noAnswerSeconds?: number }): Promise<void> {
  const { page } = agent;
  await agent.status.click();
  const form = page.getByRole('form', { name: 'Phone settings' });
  await form.getByLabel('SIP WebSocket URL').fill(o.wsUrl);
  await form.getByLabel('SIP address').fill(`sip:${agent.number}@${o.domain}`);
  await form.getByLabel('SIP password').fill(o.password);
  await form.getByLabel('Display name').fill(agent.name);
  if (o.noAnswerSeconds) await form.getByLabel(/Ring for/).fill(String(o.noAnswerSeconds));
  await form.getByRole('button', { name: 'Save phone settings' }).click();
  await page.getByTestId('phone-status').and(page.locator('[data-state="registered"]')).waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Close phone' }).click();
}

/** Audio RTP bytes over the page's open peer connections (WebRTC getStats). */
export async function audioBytes(page: Page): Promise<{ received: number; sent: number }> {
  return page.evaluate(async () => {
    let received = 0;
    let sent = 0;
    for (const pc of (globalThis as any).__testPeerConnections as any[]) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((r: any) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') received += r.bytesReceived ?? 0;
        if (r.type === 'outbound-rtp' && r.kind === 'audio') sent += r.bytesSent ?? 0;
      });
    }
    return { received, sent };
  });
}

/** How many audio bytes each page received over `ms`. */
export async function audioFlow(pages: Page[], ms: number): Promise<number[]> {
  const before = await Promise.all(pages.map(audioBytes));
  await new Promise((r) => setTimeout(r, ms));
  const after = await Promise.all(pages.map(audioBytes));
  return after.map((a, i) => a.received - before[i]!.received);
}

/** The in-call card for a call with `who` (a patient name, display name or number). */
export function callCard(agent: Agent, who: string | RegExp): Locator {
  return agent.page.getByRole('region', { name: typeof who === 'string' ? `Call with ${who}` : who });
}

export function incoming(agent: Agent): Locator {
  return agent.page.getByRole('alertdialog');
}

/** The phone dock's dialpad: type a number and press Call. */
export async function dialFromPad(agent: Agent, number: string): Promise<void> {
  const { page } = agent;
  if (!(await page.getByLabel('Number to call').isVisible())) await agent.status.click();
  await page.getByLabel('Number to call').fill(number);
  await page.getByRole('button', { name: 'Call', exact: true }).click();
}

/**
 * Sets the agent Available through the status bar's picker and waits until it shows: after a
 * connected call the agent is in after-call work, where inbound calls are declined 486 Busy Here.
 */
export async function beAvailable(agent: Agent): Promise<void> {
  const state = agent.page.getByTestId('agent-state');
  await state.waitFor();
  if ((await state.getAttribute('class'))?.includes('state-available')) return;
  await agent.page.getByLabel('Your state').selectOption('available');
  await waitFor(async () => (await state.getAttribute('class'))?.includes('state-available') ?? false, 10_000, `${agent.name} to show Available`);
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
