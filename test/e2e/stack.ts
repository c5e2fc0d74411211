/**
 * The real stack for end-to-end tests: the renderer built by Vite, the central API process, one
 * `npm run host` process per desktop (each with its own DATA_DIR), and Debian's Chromium with one
 * browser context per desktop. Nothing in between is faked.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { ROOT } from '../support/api-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser';
import { startHost, stopHost, type HostProcess } from '../support/host-process';

export const SCREENSHOTS = join(ROOT, 'docs/screenshots');

/** Builds the renderer into a fresh directory, so parallel test files never share an output. */
export async function buildRenderer(): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'oncall-renderer-'));
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: dir, emptyOutDir: true, sourcemap: false } });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface Desktop {
  host: HostProcess;
  page: Page;
  close(): Promise<void>;
}

/** One agent's desktop: a host over its own DATA_DIR and a page in its own browser context. */
export async function openDesktop(browser: Browser, apiUrl: string, rendererDir: string): Promise<Desktop> {
  const host = await startHost({ apiUrl, rendererDir });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[page error]', err.message));
  await host.open(page);
  return {
    host,
    page,
    async close() {
      await context.close().catch(() => undefined);
      await stopHost(host);
    },
  };
}

export async function signIn(page: Page, apiUrl: string, email: string, password = 'demo-password'): Promise<void> {
  await page.getByLabel('Server').fill(apiUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let timers and fonts settle so the picture shows the steady state.
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Presses a shortcut the way a person would: keys on the page body, not inside a field. */
export async function shortcut(page: Page, keys: string): Promise<void> {
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  for (const key of keys.split(' ')) await page.keyboard.press(key);
}
