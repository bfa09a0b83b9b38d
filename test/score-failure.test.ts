// A file that cannot be scored, beside files the pool's threads are still scoring: `score` rejects with its one
// line once the others are done, never an unhandled rejection that ends the process (review of issue 28's change).
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/base/errors.js';
import { createServices } from '../src/services/index.js';
import { releaseDir } from './helpers.js';

const dir = releaseDir();

describe.skipIf(!dir)('scoring a tree with a broken file', () => {
  it('rejects with the broken file named, after the pool has scored the others', async () => {
    const root = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-score-failure-')), 'generated');
    const model = path.join(root, 'CLR', 'MR', 'Some-Model');
    mkdirSync(model, { recursive: true });
    // Large: scored on the pool's thread (real time passes); small and broken: read in this thread at once.
    const released = path.join(dir!, 'data', 'generated', 'CLR', 'MR', 'Llama-3-Swallow-70B-Instruct-v0.1');
    copyFileSync(path.join(released, 'one_shot.json'), path.join(model, 'one_shot.json'));
    writeFileSync(path.join(model, 'zero_shot.json'), '[{"broken": ');
    const services = createServices({ env: { ...process.env, JCB_DATA_DIR: dir }, threads: 1 });
    try {
      const failure = await services.score(root).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(UserError);
      expect((failure as Error).message).toContain('zero_shot.json');
    } finally {
      await services.close();
    }
  });
});
