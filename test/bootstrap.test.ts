import { describe, expect, it } from 'vitest';
import { pairedBootstrap, scoreInterval, seededRandom } from '../src/metrics/bootstrap.js';
import { TASKS_BY_ID } from '../tasks/index.js';
import { createServices } from '../src/services.js';
import { FIXTURE_ENV, inThreadTokenizer } from './helpers.js';

const examqa = TASKS_BY_ID.get('examqa')!; // headline = mean of per-document accuracy
const docs = (bits: number[]) => bits.map((accuracy) => ({ accuracy }));

describe('bootstrap intervals', () => {
  it('are the same for the same seed, and differ for another', () => {
    const d = docs(Array.from({ length: 60 }, (_, i) => (i % 3 ? 1 : 0)));
    expect(scoreInterval(examqa, d, { seed: 7 })).toEqual(scoreInterval(examqa, d, { seed: 7 }));
    expect(scoreInterval(examqa, d, { seed: 7 })).not.toEqual(scoreInterval(examqa, d, { seed: 8 }));
  });

  it('cover the true accuracy about 95 % of the time on synthetic samples', () => {
    const random = seededRandom(123);
    const truth = 0.7;
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const sample = docs(Array.from({ length: 100 }, () => (random() < truth ? 1 : 0)));
      const iv = scoreInterval(examqa, sample, { seed: t, resamples: 400 })!;
      if (iv.low <= truth && truth <= iv.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });

  it('find a real difference significant and no difference not', () => {
    const a = docs(Array.from({ length: 200 }, (_, i) => (i % 10 < 8 ? 1 : 0)));
    const b = docs(Array.from({ length: 200 }, (_, i) => (i % 10 < 5 ? 1 : 0)));
    const better = pairedBootstrap(examqa, a, b);
    expect(better).toMatchObject({ a: 0.8, b: 0.5, significant: true });
    expect(better.difference).toBeCloseTo(0.3, 12);
    expect(pairedBootstrap(examqa, a, a).significant).toBe(false);
    expect(scoreInterval(examqa, [])).toBeNull();
  });
});

describe('jcb compare', () => {
  it('compares two models on the documents both have', async () => {
    const s = createServices({ env: { ...FIXTURE_ENV }, tokenizer: inThreadTokenizer() });
    const rows = await s.compare('gpt-4o', 'gpt-4o', 'mr');
    expect(rows).toEqual([
      { task: 'mr', documents: 2, result: expect.objectContaining({ difference: 0, significant: false }) },
    ]);
    expect((await s.compare('gpt-4o', 'llm-jp', 'mr'))[0]).toEqual({ task: 'mr', documents: 0, result: null });
    const board = await s.leaderboard('one');
    const mr = board.columns.findIndex((c) => c.id === 'mr');
    const iv = board.rows.find((r) => r.model === 'gpt-4o')!.intervals![mr]!;
    expect(iv.low).toBeLessThanOrEqual(0.75);
    expect(iv.high).toBeGreaterThanOrEqual(0.75);
    await s.close();
  });
});
