import { defineConfig } from 'vitest/config';

/** The API suite (REST, sync, fuzz) runs once per store; test/pg holds PostgreSQL-only behaviour. */
const BOTH_STORES = ['test/api/**/*.test.ts', 'test/sync/**/*.test.ts'];

export default defineConfig({
  test: {
    // A deadline against a hang, not a speed limit: a test waits for its outcome, and on a loaded
    // machine (a second suite alongside, 2 cores) a case that takes 40 s idle can take 5 minutes.
    // Test files leave it to this one setting rather than each guessing its own.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // expect.poll waits for an outcome; on a loaded machine (a second suite alongside) 1 s, the
    // default, is a wall-clock threshold. A longer wait only delays a real failure.
    expect: { poll: { timeout: 60_000 } },
    pool: 'forks',
    // Two cores: each API test file starts its own server process.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          // .tsx: the renderer's component tests (each picks jsdom with a docblock).
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/pg/**', 'test/cluster/**', '**/node_modules/**'],
          env: { ONCALL_TEST_STORE: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [...BOTH_STORES, 'test/pg/**/*.test.ts', 'test/cluster/**/*.test.ts'],
          env: { ONCALL_TEST_STORE: 'postgres' },
          // One throwaway cluster for the run (initdb as an unprivileged user, loopback only);
          // every API server a test starts gets a database of its own in it. No cluster, no run:
          // the setup throws, so a machine without PostgreSQL fails instead of skipping.
          globalSetup: ['test/support/postgres.ts'],
        },
      },
    ],
  },
});
