// Builds the Electron main process and the preload into out/main (`npm run build:main`), without
// needing the Electron binary. Two builds because the two differ in kind:
// - main (default mode): Node code; `electron`, Node builtins and the runtime dependencies stay
//   external (better-sqlite3 is native and is rebuilt for Electron by electron-builder).
// - preload (`--mode preload`): a sandboxed preload may require only 'electron', so everything
//   else is bundled into one CommonJS file with no chunks.
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const root = import.meta.dirname;
const runtimeDeps = Object.keys(pkg.dependencies ?? {});
const external = (id: string) =>
  id === 'electron' || id.startsWith('node:') || builtinModules.includes(id) || runtimeDeps.some((dep) => id === dep || id.startsWith(`${dep}/`));

export default defineConfig(({ mode }) => {
  const preload = mode === 'preload';
  return {
    root,
    publicDir: false,
    build: {
      outDir: resolve(root, 'out/main'),
      emptyOutDir: !preload,
      target: 'node22',
      ssr: true,
      minify: false,
      sourcemap: true,
      rolldownOptions: {
        input: { [preload ? 'preload' : 'main']: resolve(root, `src-main/electron/${preload ? 'preload' : 'main'}.ts`) },
        external: preload ? ['electron'] : external,
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: !preload },
      },
    },
    ssr: { noExternal: preload ? true : undefined, target: 'node' },
  };
});
