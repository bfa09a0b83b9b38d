import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRougeTokenizer } from '../src/metrics/tokenizer/index.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const FIXTURE_RELEASE = path.join(FIXTURES, 'release');

/** One in-thread tokenizer for a test file (workers are exercised by the conformance test). */
export const inThreadTokenizer = () => createRougeTokenizer({ threads: 0 });

/**
 * The release copy for the tests that need the real data. CI sets JCB_DATA_DIR; a laptop without
 * the release skips those tests, but CI must never skip them.
 */
export function releaseDir(): string | undefined {
  const dir = process.env.JCB_DATA_DIR;
  if (!dir && process.env.CI) throw new Error('CI must set JCB_DATA_DIR: the conformance tests may not be skipped.');
  return dir || undefined;
}
