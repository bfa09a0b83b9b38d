// The release copy has no zero-shot results/: today's scores of its 90 zero-shot generation files are the
// reference (test/fixtures/zero-shot-scores.json, our own numbers). Parsers widened for live outputs must
// read every released zero-shot output as before: every key, to 1e-9.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createServices } from '../src/services/index.js';
import type { Metrics } from '../src/tasks/types.js';
import { FIXTURES, releaseDir } from './helpers.js';

const dir = releaseDir();

interface Snapshot {
  n: number;
  score: number;
  metrics: Metrics;
}

/** Every number of a metrics object by its dotted key (`t.f1`). */
function flatten(m: Metrics, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'number') out[prefix + k] = v;
    else Object.assign(out, flatten(v, `${prefix}${k}.`));
  }
  return out;
}

describe.skipIf(!dir)('zero-shot scores of the release (snapshot)', () => {
  const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'zero-shot-scores.json'), 'utf8')) as Record<
    string,
    Snapshot
  >;
  const services = createServices({ env: { ...process.env, JCB_DATA_DIR: dir } });
  afterAll(() => services.close());

  it('scores every zero-shot generation file as the snapshot, every key to 1e-9', async () => {
    const rows = (await services.score()).filter((r) => r.file.endsWith('/zero_shot.json'));
    expect(rows.map((r) => r.file).sort()).toEqual(Object.keys(expected).sort());
    expect(rows).toHaveLength(90);
    const moved: string[] = [];
    for (const r of rows) {
      const want = expected[r.file];
      const got = { n: r.n, score: r.score, ...flatten(r.metrics) };
      const ref = { n: want.n, score: want.score, ...flatten(want.metrics) };
      expect(Object.keys(got).sort(), r.file).toEqual(Object.keys(ref).sort());
      for (const [k, v] of Object.entries(ref)) {
        if (!(Math.abs(got[k as keyof typeof got] - v) <= 1e-9))
          moved.push(`${r.file} ${k}: ${v} → ${got[k as keyof typeof got]}`);
      }
    }
    expect(moved).toEqual([]);
  });
});
