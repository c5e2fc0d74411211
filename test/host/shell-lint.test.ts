/** GitHub Desktop's rule, enforced by lint: ipcMain is used in src-main/electron/ipc.ts and nowhere else. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/api-server';

const eslint = new ESLint({ cwd: ROOT });

async function importErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}/${file}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('ipcMain lint', () => {
  it('refuses ipcMain anywhere in the shell but ipc.ts', async () => {
    const errors = await importErrors('src-main/electron/window-extra.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;");
    expect(errors.join('\n')).toMatch(/Only src-main\/electron\/ipc\.ts may use ipcMain/);
  });

  it('allows ipcMain in ipc.ts, and the rest of electron everywhere in the shell', async () => {
    expect(await importErrors('src-main/electron/ipc.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;")).toEqual([]);
    expect(await importErrors('src-main/electron/window-extra.ts', "import { app } from 'electron';\nexport const x = app;")).toEqual([]);
  });

  it("keeps Node out of the host's page-side bridge client", async () => {
    expect(await importErrors('src-main/host/bridge-client/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;")).not.toEqual([]);
    expect(await importErrors('src-main/host/bridge-client/x.ts', "import { dispatch } from '../../core/dispatch';\nexport const x = dispatch;")).not.toEqual([]);
  });
});
