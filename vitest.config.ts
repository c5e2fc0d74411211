import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // .tsx: the renderer's component tests (each picks jsdom with a docblock).
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: each API test file starts its own server process.
    maxWorkers: 2,
  },
});
