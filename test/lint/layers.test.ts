/** The layer rules of docs/ARCHITECTURE.md are enforced by lint: check each rule bites. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/api-server';

const eslint = new ESLint({ cwd: ROOT });

async function importErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}/${file}` });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('layer lint', () => {
  it.each([
    ['src-shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['src-shared/x.ts', "import { app } from '../src-server/app';\nexport const x = app;"],
    ['src-shared/x.ts', 'export const w = window.location;'],
    ['src-main/core/x.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['src-main/core/x.ts', "import { y } from '../electron/main';\nexport const x = y;"],
    ['src-server/x.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;"],
    ['src-renderer/x.ts', "import { y } from '../src-main/core/store';\nexport const x = y;"],
    ['src-renderer/x.ts', "import { y } from '../src-server/app';\nexport const x = y;"],
    ['src-main/host/x.ts', "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;"],
  ])('%s refuses: %s', async (file, source) => {
    expect(await importErrors(file, source)).not.toEqual([]);
  });

  it.each([
    ['src-main/electron/x.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['src-main/core/x.ts', "import { z } from 'zod';\nimport { readFileSync } from 'node:fs';\nexport const x = [z, readFileSync];"],
    ['src-server/x.ts', "import { CallCreate } from '../src-shared/schemas/calls';\nexport const x = CallCreate;"],
    ['src-renderer/x.ts', "import { CallCreate } from '../src-shared/schemas/calls';\nexport const x = CallCreate;"],
  ])('%s allows: %s', async (file, source) => {
    expect(await importErrors(file, source)).toEqual([]);
  });
});
