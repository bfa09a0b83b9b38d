import { describe, expect, it } from 'vitest';
import { pairedBootstrap, scoreInterval, seededRandom } from '../src/metrics/bootstrap.js';
import type { Task } from '../src/tasks/types.js';
import { TASKS_BY_ID } from '../tasks/index.js';

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
    // …and not nearly always, as an interval wider than 95 % (the range, the 99th percentile) would.
    expect(covered / trials).toBeLessThan(0.985);
  });

  it('find a real difference significant and no difference not', () => {
    const a = docs(Array.from({ length: 200 }, (_, i) => (i % 10 < 8 ? 1 : 0)));
    const b = docs(Array.from({ length: 200 }, (_, i) => (i % 10 < 5 ? 1 : 0)));
    const better = pairedBootstrap(examqa, a, b);
    expect(better).toMatchObject({ a: 0.8, b: 0.5, significant: true });
    expect(better.difference).toBeCloseTo(0.3, 12);
    // a − b is 1 on 30 % of the documents: sd √(0.3·0.7/200) ≈ 0.032, the interval ≈ 0.3 ± 0.064.
    expect(better.interval.low).toBeGreaterThan(0.22);
    expect(better.interval.low).toBeLessThan(0.26);
    expect(better.interval.high).toBeGreaterThan(0.34);
    expect(better.interval.high).toBeLessThan(0.39);
    // b better than a is significant too, with the interval mirrored below 0.
    const worse = pairedBootstrap(examqa, b, a);
    expect(worse).toMatchObject({ a: 0.5, b: 0.8, significant: true });
    expect(worse.difference).toBeCloseTo(-0.3, 12);
    expect(worse.interval.low).toBeCloseTo(-better.interval.high, 12);
    expect(worse.interval.high).toBeCloseTo(-better.interval.low, 12);
    // The same model, and two models right on different halves of the documents: no difference.
    const same = pairedBootstrap(examqa, a, a);
    expect(same).toMatchObject({ difference: 0, interval: { low: 0, high: 0 }, significant: false });
    const odd = docs(Array.from({ length: 200 }, (_, i) => i % 2));
    const even = docs(Array.from({ length: 200 }, (_, i) => (i + 1) % 2));
    const tie = pairedBootstrap(examqa, odd, even);
    expect(tie.difference).toBe(0);
    expect(tie.interval.low).toBeLessThan(0);
    expect(tie.interval.high).toBeGreaterThan(0);
    expect(tie.significant).toBe(false);
    expect(scoreInterval(examqa, [])).toBeNull();
  });
});

// A task whose r-th resample scores a permutation of 0, 1, …, resamples − 1 (r · 7919 mod resamples, in
// scrambled order): sorted, they are 0 … resamples − 1, so each bound is exactly the percentile index
// round(q · (resamples − 1)).
function countingTask(resamples: number): Task & { calls: () => number } {
  let r = 0;
  return {
    aggregate: () => ({ r: (r++ * 7919) % resamples }),
    headline: (m: Record<string, number>) => m.r,
    calls: () => r,
  } as unknown as Task & { calls: () => number };
}

describe('bootstrap percentiles', () => {
  const one = docs([1]);

  it('take the 2.5th and 97.5th percentiles of 1,000 resamples by default', () => {
    const t = countingTask(1000);
    // round(0.025 · 999) = 25, round(0.975 · 999) = 974.
    expect(scoreInterval(t, one)).toEqual({ low: 25, high: 974 });
    expect(t.calls()).toBe(1000);
  });

  it('follow the requested level and number of resamples, never beyond the samples', () => {
    const at = (resamples: number, level?: number) => scoreInterval(countingTask(resamples), one, { resamples, level });
    expect(at(1001)).toEqual({ low: 25, high: 975 });
    expect(at(1001, 0.9)).toEqual({ low: 50, high: 950 });
    expect(at(101, 0.5)).toEqual({ low: 25, high: 75 });
    expect(at(11, 1)).toEqual({ low: 0, high: 10 });
    expect(at(11, 1.5)).toEqual({ low: 0, high: 10 });
    expect(at(1)).toEqual({ low: 0, high: 0 });
  });

  it('draw each resample as n documents with replacement from the seeded generator', () => {
    // The recipe written out: resample r takes floor(u · n) for the next n draws u, then percentiles.
    const bits = [1, 0, 1, 1, 0, 0, 1];
    const random = seededRandom(5);
    const means = Array.from({ length: 40 }, () => {
      let hits = 0;
      for (let i = 0; i < bits.length; i++) hits += bits[Math.floor(random() * bits.length)];
      return hits / bits.length;
    }).sort((x, y) => x - y);
    // level 0.8: indices round(0.1 · 39) = 4 and round(0.9 · 39) = 35.
    expect(scoreInterval(examqa, docs(bits), { seed: 5, resamples: 40, level: 0.8 })).toEqual({
      low: means[4],
      high: means[35],
    });
    expect(means[4]).toBeLessThan(means[35]);
  });

  it('match the known distribution of the mean of two documents, 0 and 1', () => {
    // A resample of two is {0,0}, {0,1} or {1,1}: mean 0, 0.5, 1 with probability 1/4, 1/2, 1/4.
    const d = docs([0, 1]);
    expect(scoreInterval(examqa, d)).toEqual({ low: 0, high: 1 });
    // The 30th and 70th percentiles both fall in the middle half.
    expect(scoreInterval(examqa, d, { level: 0.4 })).toEqual({ low: 0.5, high: 0.5 });
    // The 20th lies in the lower quarter, the 80th in the upper one.
    expect(scoreInterval(examqa, d, { level: 0.6 })).toEqual({ low: 0, high: 1 });
    // Every document resampled: a constant sample has a zero-width interval at its value.
    expect(scoreInterval(examqa, docs([1, 1, 1]))).toEqual({ low: 1, high: 1 });
  });
});

describe('mulberry32', () => {
  // The published algorithm in plain 32-bit integer arithmetic, as the reference for the fast version.
  function reference(seed: number) {
    const M = 2n ** 32n;
    const u = (x: bigint) => ((x % M) + M) % M;
    let a = BigInt(seed >>> 0);
    return () => {
      a = u(a + 0x6d2b79f5n);
      let t = a;
      t = u((t ^ (t >> 15n)) * (t | 1n));
      t = t ^ u(t + u((t ^ (t >> 7n)) * (t | 61n)));
      return Number(t ^ (t >> 14n)) / 2 ** 32;
    };
  }

  it('draws the reference sequence, in [0, 1), evenly over ten bins', () => {
    for (const seed of [1, 7, 123, 2 ** 31 + 5]) {
      const fast = seededRandom(seed);
      const slow = reference(seed);
      for (let i = 0; i < 50; i++) expect(fast()).toBe(slow());
    }
    const random = seededRandom(99);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const x = random();
      expect(x >= 0 && x < 1).toBe(true);
      bins[Math.floor(x * 10)]++;
    }
    for (const b of bins) expect(Math.abs(b - 1000)).toBeLessThan(100);
  });
});
