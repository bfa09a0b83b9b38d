// Scoring every released generation must reproduce the release's own results/ files, every key, to 1e-4.
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshStore, releaseDir } from './helpers.js';

const dir = releaseDir();

// The paper's Table 4 (one-shot, ×100), for the cells that have released generations.
const TABLE_4: Record<string, (number | null)[]> = {
  'gpt-4o': [92.4, 44.1, 28.6, 33.7, 35.3, 38.7, 50.8, 41.2, 51.2, 76.8, 69.7, 80.0, 86.4],
  'gpt-5': [94.5, 59.1, 33.7, 29.1, 25.6, 34.1, 45.4, 33.2, 64.9, 78.4, 78.0, 62.1, 86.2],
  'llama-3': [54.5, 17.7, 8.2, 27.6, 34.7, 29.4, 54.3, 27.9, 17.3, 75.2, 32.7, 68.1, 91.3],
  swallow: [null, 11.8, 7.7, 31.6, 34.9, 36.5, 57.9, 32.4, 27.4, 69.4, 52.7, 67.7, 91.8],
  medswallow: [null, 15.6, 11.2, 31.1, 35.9, 37.6, 55.0, 38.5, 33.6, 69.2, 59.5, 71.8, 92.0],
  'llm-jp': [null, 4.4, 8.8, 32.4, 34.6, 38.0, 51.8, 15.5, 15.8, 45.7, 36.6, 61.1, 87.2],
  'sip-jmed': [null, 8.4, 8.9, 25.1, 34.0, 41.5, 51.3, 17.6, 16.7, 60.8, 46.4, 49.6, 79.2],
};

describe.skipIf(!dir)('conformance with the release', () => {
  const services = createServices({ env: { ...process.env, JCB_DATA_DIR: dir } });
  afterAll(() => services.close());
  const scored = services.score();

  it('reproduces every results/ file that has generations (87 one-shot + 3 gpt-5 variants)', async () => {
    const rows = await scored;
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
    const zero = (await scored).filter((r) => r.file.endsWith('/zero_shot.json'));
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
