import { describe, expect, it } from 'vitest';
import { f1, mean, ratio } from '../src/metrics/fractions.js';
import { lcsLength, rougeL } from '../src/metrics/rouge-l.js';
import { setF1 } from '../src/metrics/set-f1.js';
import { matchSpans } from '../src/metrics/span-f1.js';

describe('fractions', () => {
  it('scores an empty denominator as 0, not NaN', () => {
    expect(ratio(0, 0)).toBe(0);
    expect(f1(0, 0)).toBe(0);
    expect(mean([])).toBe(0);
    expect(f1(0.5, 1)).toBeCloseTo(2 / 3, 12);
  });
});

describe('set F1', () => {
  it('counts each distinct item once', () => {
    expect(setF1(['a', 'a', 'b'], ['a', 'c'])).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
  });
  it('counts an empty item in precision, like any other wrong item', () => {
    expect(setF1(['a', ''], ['a']).precision).toBe(0.5);
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
