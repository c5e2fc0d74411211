/**
 * The Electron shell's security audit (`npm run lint:electron-security`, part of `npm test`):
 * electronegativity over src-main/electron must report nothing of MEDIUM severity or above.
 * Findings that were reviewed and accepted are marked where they occur with an
 * `// eng-disable CHECK_ID` comment that says why (see docs/shells.md), never excluded here.
 */
import run, { type Finding } from '@doyensec/electronegativity';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/api-server';

const MEDIUM = 2;
const electronVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version as string;

async function audit(dir: string) {
  return run(
    {
      input: join(ROOT, dir),
      electronVersionOverride: electronVersion,
      // This check downloads Electron's release list from the internet; the pinned version's
      // currency is npm's business (`npm outdated electron`), not a network call in every test run.
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      isRelative: true,
    },
    false,
  );
}

const serious = (issues: Finding[]) =>
  issues.filter((i) => i.severity.value >= MEDIUM).map((i) => `${i.id} ${i.severity.name} at ${i.file}:${i.location.line} ${i.description}`);

describe('electronegativity audit', () => {
  it('finds nothing of medium severity or above in the Electron shell, and parses every file', async () => {
    const { errors, issues } = await audit('src-main/electron');
    expect(errors.filter((e) => !e.tolerable)).toEqual([]);
    expect(serious(issues)).toEqual([]);
  });

  it('does report an insecure main process (the gate can fail)', async () => {
    const { issues } = await audit('test/fixtures/insecure-electron');
    const ids = issues.filter((i) => i.severity.value >= MEDIUM).map((i) => i.id);
    expect(ids).toEqual(
      expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']),
    );
  });
});
