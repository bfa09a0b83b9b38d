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
