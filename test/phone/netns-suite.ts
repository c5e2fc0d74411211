/**
 * Lets a test file run its cases inside a loopback-only network namespace: outside, the file
 * re-runs itself with vitest under `unshare -n` and reports each case from that run (so a failure
 * inside fails here, case by case); inside, the cases run for real. Vitest cannot move its own
 * worker into a namespace, hence the re-run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/api-server';
import { inLoopbackNetns, runInLoopbackNetns } from '../support/netns';

interface CaseResult {
  title: string;
  status: string;
  failureMessages: string[];
}

/**
 * `register` declares the real tests (inside); `titles` must list every `it` title it declares,
 * so the outside run can report them one by one.
 */
export function loopbackSuite(file: string, name: string, titles: readonly string[], timeoutMs: number, register: () => void): void {
  if (inLoopbackNetns()) {
    describe.sequential(name, register);
    return;
  }
  describe(`${name} (run in a loopback-only network namespace)`, () => {
    const results = new Map<string, CaseResult>();
    let output = '';
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'oncall-netns-run-'));
      const report = join(dir, 'report.json');
      try {
        const run = await runInLoopbackNetns(
          [process.execPath, join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', relative(ROOT, file), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
          { cwd: ROOT, timeoutMs, echo: (chunk) => process.stderr.write(chunk) },
        );
        output = run.output;
        if (run.timedOut) throw new Error(`the namespaced run did not finish in ${timeoutMs} ms`);
        const json = JSON.parse(readFileSync(report, 'utf8')) as { testResults: { assertionResults: CaseResult[]; message?: string }[] };
        for (const file of json.testResults) for (const r of file.assertionResults) results.set(r.title, r);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, timeoutMs + 30_000);

    for (const title of titles) {
      it(title, () => {
        const r = results.get(title);
        if (!r) throw new Error(`"${title}" did not run inside the namespace:\n${output.slice(-4000)}`);
        if (r.status !== 'passed') throw new Error(`failed inside the namespace:\n${r.failureMessages.join('\n')}`);
        expect(r.status).toBe('passed');
      });
    }
  });
}
