// Once per `npm test`: find the release the data tests use, then hide the user's own folders from
// every test, so that no test reads, fills or auto-fetches into ~/.local/share/jcb, nor reaches a network.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { releaseRoot } from '../../src/release/data-dir.js';
import { buildIfStale } from './build.js';

export default function setup(): void {
  buildIfStale();
  if (!process.env.JCB_DATA_DIR) {
    // A release `jcb data pull` (or `jcb leaderboard`) already fetched serves the data tests too.
    try {
      process.env.JCB_TEST_RELEASE = releaseRoot(process.env);
    } catch {
      if (!process.env.CI)
        process.stderr.write(
          'jcb: the tests that need the release are skipped; run `npx jcb data pull` (or set JCB_DATA_DIR) and `npm test` again to run them.\n',
        );
    }
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'jcb-test-home-'));
  process.env.HOME = home;
  process.env.XDG_DATA_HOME = path.join(home, 'data');
  delete process.env.JCB_HOME;
  delete process.env.JCB_STORE;
  delete process.env.JCB_RELEASE_REF;
  // Nothing answers here: a test that would fetch the release fails fast instead of downloading it.
  process.env.JCB_RELEASE_URL = `file://${path.join(home, 'no-release-here.git')}`;
}
