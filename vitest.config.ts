import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The suites a newcomer need not wait for (`npm run test:slow`; `.ci/run` runs them after `npm test`): the
 * chaos and store-fault drills, the examples of every help and README line, and the files that run the
 * program end to end dozens of times. Together they took four fifths of the suite's time on a 2-core machine.
 */
export const SLOW = [
  'test/examples.test.ts',
  'test/store-interface-faults.test.ts',
  'test/chaos.test.ts',
  'test/store-stops.test.ts',
  'test/run-owner.test.ts',
  'test/faults.test.ts',
  'test/cli.test.ts',
  'test/cli-output.test.ts',
  'test/cli-free-text.test.ts',
  'test/live-cli.test.ts',
  'test/release.test.ts',
  'test/paths.test.ts',
  'test/packs.test.ts',
  'test/task-files.test.ts',
  'test/private-cli.test.ts',
  'test/document-sets.test.ts',
  // Every file option in every format through the program (~45 s).
  'test/standard-output.test.ts',
  // About 80 s on a busy 2-core machine: the bot's threads warm up from the TypeScript sources first.
  'test/ack-under-load.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Files side by side, one per core at least: most of their time is spent waiting on child processes,
    // servers and databases (vitest's default on 2 cores is a single file at a time).
    maxWorkers: Math.max(2, os.availableParallelism()),
    // Only this one: ioredis rejects commands still queued when a test closes its Redis connection
    // (Bull's internal polling at teardown). Any other unhandled error still fails the run.
    onUnhandledError: (error) => (error.message === 'Connection is closed.' ? false : undefined),
    projects: [
      { extends: true, test: { name: 'quick', include: ['test/**/*.test.ts'], exclude: SLOW } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
