// Vitest for the mutation run (stryker.config.json): the unit tests of the mutated scope. Left out are the
// conformance test and the snapshot of the zero-shot scores (the whole release, minutes per run), and the
// integration tests of the bot, queue, store, faults, faces and live models (Redis, PostgreSQL, child processes),
// which reach the scope only through services.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        'node_modules/**',
        'test/conformance*.test.ts',
        'test/bot*.test.ts',
        'test/queue*.test.ts',
        'test/evaluation*.test.ts',
        'test/services*.test.ts',
        'test/schedules*.test.ts',
        'test/cli*.test.ts',
        'test/layout*.test.ts',
        'test/tokenizer*.test.ts',
        'test/chart*.test.ts',
        'test/blocks*.test.ts',
        'test/judge*.test.ts',
        'test/registry*.test.ts',
        'test/array-file*.test.ts',
        'test/live-*.test.ts',
        'test/*snapshot*.test.ts',
        'test/faults*.test.ts',
        'test/free-text*.test.ts',
        'test/socket-mode*.test.ts',
        'test/blocks-hostile*.test.ts',
        'test/honest-scores*.test.ts',
      ],
    },
  }),
);
