// Vitest for the mutation run (stryker.config.json): only the unit tests of the mutated scope. A static mutant
// (module-level code: the task table, the command table, the patterns) reloads every related test file, so
// each file listed here is paid for hundreds of times: the conformance test, the snapshot of the zero-shot
// scores and the integration tests of the bot, queue, store, faces and live models (which reach the scope only
// through services, seconds of imports each) stay out.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The run of one part can name its own tests (comma-separated globs), e.g.
// JCB_MUTATION_TESTS='test/privacy*.test.ts' for src/privacy: a static mutant then reloads only those.
const only = process.env.JCB_MUTATION_TESTS?.split(',').filter(Boolean);

// Replaced, not merged: mergeConfig would append to the base's `test/**` pattern.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // One list of files, not the quick and slow projects of `npm test`.
    projects: undefined,
    include: only?.length
      ? only
      : [
          'test/metrics.test.ts',
          'test/krippendorff.test.ts',
          'test/bootstrap.test.ts',
          'test/tasks.test.ts',
          'test/task-*.test.ts',
          'test/parsers.test.ts',
          'test/label-shapes.test.ts',
          'test/grammar*.test.ts',
          'test/privacy*.test.ts',
          'test/unit-*.test.ts',
        ],
  },
});
