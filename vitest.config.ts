import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Only this one: ioredis rejects commands still queued when a test closes its Redis connection
    // (Bull's internal polling at teardown). Any other unhandled error still fails the run.
    onUnhandledError: (error) => (error.message === 'Connection is closed.' ? false : undefined),
  },
});
