// Scoring every released generation must reproduce the release's own results/ files, every key, to 1e-4.
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshStore, PAPER_TABLE_4, releaseDir } from './helpers.js';

const dir = releaseDir();

const TABLE_4 = PAPER_TABLE_4;

describe.skipIf(!dir)('conformance with the release', () => {
  const services = createServices({ env: { ...process.env, JCB_DATA_DIR: dir } });
  afterAll(() => services.close());
  // Started by the first test, not here: a skipped describe still runs its body, and without a release the
  // promise would reject unhandled.
  let scoring: ReturnType<typeof services.score> | undefined;
  const scored = () => (scoring ??= services.score());

  it('reproduces every results/ file that has generations (87 one-shot + 3 gpt-5 variants)', async () => {
    const rows = await scored();
    const compared = rows.filter((r) => r.matchesRelease !== null);
    const differing = compared.filter((r) => !r.matchesRelease).map((r) => r.file);
    expect(differing).toEqual([]);
    expect(compared.filter((r) => r.file.endsWith('/one_shot.json'))).toHaveLength(87);
    expect(
      compared
        .map((r) => r.file)
        .filter((f) => !f.endsWith('/one_shot.json'))
        .sort(),
    ).toEqual([
      'CLG/HS_PN/gpt-5/one_shot4096.json',
      'CLG/HS_PN/gpt-5/one_shot8192.json',
      'CLG/IRS/gpt-5/one_shot2048.json',
    ]);
  });

  it('scores every zero-shot file with the same code', async () => {
    const zero = (await scored()).filter((r) => r.file.endsWith('/zero_shot.json'));
    expect(zero.length).toBeGreaterThanOrEqual(88);
    for (const r of zero) {
      expect(r.n).toBeGreaterThan(0);
      expect(Number.isFinite(r.score)).toBe(true);
    }
  });

  it('prints Table 4 from the replayed generations, cell for cell', async () => {
    const board = await services.leaderboard('one');
    for (const row of board.rows) {
      const shown = row.cells.map((c) => (c === null ? null : Math.round(c * 1000) / 10));
      expect(shown, row.model).toEqual(TABLE_4[row.model]);
    }
  });

  it('exports a run of every setting in the release format, and jcb score gives its scores back', async () => {
    const store = await freshStore('sqlite');
    const s = createServices({ env: { ...process.env, JCB_DATA_DIR: dir, ...store.env } });
    try {
      const run = await s.evaluate({ task: 'all', model: 'baseline', shot: 'one', limit: 15 });
      const out = mkdtempSync(path.join(os.tmpdir(), 'jcb-export-'));
      await s.exportRun(run.run.id, out);
      const rows = await s.score(path.join(out, 'generated'));
      expect(rows.map((r) => [r.task, r.matchesRelease]).sort()).toEqual(
        run.outcomes.map((o) => [o.task, true]).sort(),
      );
    } finally {
      await s.close();
    }
  });

  it('replays a named document of the release', async () => {
    const r = await services.run({ task: 'irs', model: 'gpt-4o', doc: '3', shot: 'one' });
    expect(r.document.id).toBe('3');
    expect(r.metrics).toEqual({ precision: 1, recall: 1, f1: 1 });
    const hsPn = await services.run({ task: 'hs-pn', model: 'gpt-4o', doc: 'random', shot: 'one' });
    expect(hsPn.document.text.length).toBeGreaterThan(0);
  });
});
