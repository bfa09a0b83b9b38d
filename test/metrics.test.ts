import { describe, expect, it } from 'vitest';
import { f1, mean, ratio, sum } from '../src/metrics/fractions.js';
import { lcsLength, rougeL } from '../src/metrics/rouge-l.js';
import { setF1 } from '../src/metrics/set-f1.js';
import { alignSpans, matchSpans } from '../src/metrics/span-f1.js';

describe('fractions', () => {
  it('scores an empty denominator as 0, not NaN', () => {
    expect(ratio(0, 0)).toBe(0);
    expect(f1(0, 0)).toBe(0);
    expect(mean([])).toBe(0);
    expect(f1(0.5, 1)).toBeCloseTo(2 / 3, 12);
  });
  it('divides, averages and adds by hand-computed values', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(5, 0)).toBe(0);
    expect(f1(1, 0)).toBe(0);
    expect(f1(0, 0.4)).toBe(0);
    expect(f1(0.6, 0.6)).toBeCloseTo(0.6, 12);
    expect(f1(0.25, 0.75)).toBeCloseTo(0.375, 12); // 2·0.1875 / 1
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(mean([0.5])).toBe(0.5);
    expect(sum([1, 2, 3.5])).toBe(6.5);
    expect(sum([])).toBe(0);
  });
});

describe('set F1', () => {
  it('counts each distinct item once', () => {
    expect(setF1(['a', 'a', 'b'], ['a', 'c'])).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
  });
  it('counts an empty item in precision, like any other wrong item', () => {
    expect(setF1(['a', ''], ['a']).precision).toBe(0.5);
  });
  it('scores a partly right answer and a wholly wrong one by hand-computed values', () => {
    // 2 of 4 predicted are right (precision 1/2), 2 of 3 gold found (recall 2/3): F1 = (2/3)/(7/6) = 4/7.
    const partly = setF1(['a', 'b', 'x', 'y'], ['a', 'b', 'c']);
    expect(partly.precision).toBe(0.5);
    expect(partly.recall).toBeCloseTo(2 / 3, 12);
    expect(partly.f1).toBeCloseTo(4 / 7, 12);
    expect(setF1(['x', 'y'], ['a', 'b'])).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(setF1(['b', 'a'], ['a', 'b', 'b'])).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(setF1(['a'], ['a', 'b', 'c', 'd'])).toEqual({ precision: 1, recall: 0.25, f1: 0.4 });
  });
  it('scores an empty prediction and an empty gold as 0', () => {
    expect(setF1([], ['a'])).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(setF1(['a'], [])).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('ROUGE-L', () => {
  it('finds the longest common subsequence', () => {
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'x', 'd'])).toBe(3);
    expect(lcsLength([], ['a'])).toBe(0);
    expect(lcsLength(['x', 'y'], ['y', 'x'])).toBe(1);
  });
  it('divides the LCS by the candidate for precision and by the reference for recall', () => {
    const r = rougeL(['内服薬', 'の', '忘れ'], ['内服薬', 'の', '投与', '忘れ']);
    expect(r.precision).toBe(1);
    expect(r.recall).toBe(0.75);
    expect(r.f1).toBeCloseTo(6 / 7, 12);
    // LCS 2 of a 5-token candidate and a 4-token reference: P = 0.4, R = 0.5, F1 = 0.4/0.9.
    const partly = rougeL(['a', 'x', 'b', 'y', 'z'], ['a', 'b', 'c', 'd']);
    expect(partly).toEqual({ precision: 0.4, recall: 0.5, f1: expect.closeTo(4 / 9, 12) });
    expect(rougeL(['x'], ['a', 'b'])).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(rougeL([], ['a'])).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(rougeL(['a'], [])).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
  it('handles a reference of exactly 32 and 33 tokens (one and two bit words) and a repeated token', () => {
    const ref = Array.from({ length: 33 }, (_, i) => `t${i}`);
    expect(lcsLength(ref, ref)).toBe(33);
    expect(lcsLength(ref.slice(0, 32), ref.slice(0, 32))).toBe(32);
    expect(lcsLength(['t31', 't32'], ref)).toBe(2);
    expect(lcsLength(['t32', 't31'], ref)).toBe(1);
    // A token only in the second word, while the first is untouched: no carry may cross into it.
    expect(lcsLength(['t32'], ref)).toBe(1);
    expect(lcsLength(['x', 't32', 't0'], ref)).toBe(1);
    expect(lcsLength(['a', 'a', 'a'], ['a', 'b', 'a'])).toBe(2);
    expect(lcsLength(['a'], [])).toBe(0);
  });
});

describe('span matching', () => {
  it('matches position and kind as a multiset, whatever the text', () => {
    const gold = [
      { start: 0, end: 2, kind: 'd' },
      { start: 5, end: 7, kind: 'd' },
    ];
    const pred = [
      { start: 0, end: 2, kind: 'd' },
      { start: 0, end: 2, kind: 'd' },
      { start: 5, end: 7, kind: 'm-key' },
    ];
    expect(matchSpans(pred, gold)).toEqual({ tp: 1, fp: 2, fn: 1 });
  });
  it('needs the same start, end and kind, and counts a repeated gold span as often as it occurs', () => {
    const g = { start: 3, end: 6, kind: 'd' };
    expect(
      matchSpans(
        [
          { ...g, start: 2 },
          { ...g, end: 7 },
          { ...g, kind: 'm' },
        ],
        [g],
      ),
    ).toEqual({ tp: 0, fp: 3, fn: 1 });
    expect(matchSpans([g, g], [g, g])).toEqual({ tp: 2, fp: 0, fn: 0 });
    expect(matchSpans([g], [g, g])).toEqual({ tp: 1, fp: 0, fn: 1 });
    expect(matchSpans([], [g])).toEqual({ tp: 0, fp: 0, fn: 1 });
    expect(matchSpans([g], [])).toEqual({ tp: 0, fp: 1, fn: 0 });
    // Keys do not collide across fields: 1:23 vs 12:3.
    expect(matchSpans([{ start: 1, end: 23, kind: 'd' }], [{ start: 12, end: 3, kind: 'd' }]).tp).toBe(0);
  });
  it('aligns each span with the one it matched, gold left to right (the displays mark these)', () => {
    const g = { start: 3, end: 6, kind: 'd' };
    const h = { start: 8, end: 9, kind: 'd' };
    expect(alignSpans([h, g], [g, g, h])).toEqual({ predicted: [true, true], gold: [true, false, true] });
    expect(alignSpans([], [g])).toEqual({ predicted: [], gold: [false] });
    expect(alignSpans([{ ...g, kind: 'm' }], [g])).toEqual({ predicted: [false], gold: [false] });
  });
});

describe('bit-parallel LCS', () => {
  // The textbook dynamic programme, as the reference.
  function lcsTable(a: string[], b: string[]): number {
    const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
    return t[a.length][b.length];
  }

  it('agrees with the dynamic programme on random sequences across word boundaries', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const seq = (n: number, k: number) => Array.from({ length: n }, () => String(Math.floor(rand() * k)));
    for (let trial = 0; trial < 300; trial++) {
      const a = seq(Math.floor(rand() * 120), 1 + Math.floor(rand() * 8));
      const b = seq(Math.floor(rand() * 120), 1 + Math.floor(rand() * 8));
      expect(lcsLength(a, b)).toBe(lcsTable(a, b));
    }
  });
});
