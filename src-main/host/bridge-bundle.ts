/**
 * Bundles bridge-client/ (typed TS, DOM) into the classic script served as /oncall-bridge.js.
 * Built at host startup with Vite (the project's bundler) so the served script always matches
 * the source: no stale generated file to forget.
 */
import { resolve } from 'node:path';
import { build, type Rolldown } from 'vite';

const ENTRY = resolve(import.meta.dirname, 'bridge-client/index.ts');

export async function buildBridgeClient(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: import.meta.dirname,
    publicDir: false,
    build: {
      write: false,
      target: 'es2022',
      minify: false,
      lib: { entry: ENTRY, formats: ['iife'], name: 'OnCallBridge', fileName: () => 'oncall-bridge.js' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((file) => file.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('bridge client bundle produced no script');
  return chunk.code;
}
