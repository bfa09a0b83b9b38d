// Cohen's kappa (plain, linear), macro-F1 and JMED-LLM's list F1s, against values computed by hand.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohenKappa } from '../src/metrics/kappa.js';
import { exactListF1, partialListF1 } from '../src/metrics/list-f1.js';
import { macroF1 } from '../src/metrics/macro-f1.js';

describe("Cohen's kappa as scikit-learn computes it", () => {
  it('two categories: p_o = 3/4, p_e = (2·3 + 2·1)/16 = 1/2, kappa = 1/2', () => {
    expect(cohenKappa([0, 1, 1, 0], [0, 1, 0, 0])).toBeCloseTo(0.5, 12);
  });

  it('three ordered categories, linear weights |i − j|: observed 1, expected 34/6', () => {
    const gold = [0, 2, 0, 2, 1, 1];
    const predicted = [0, 2, 0, 2, 2, 1];
    expect(cohenKappa(gold, predicted)).toBeCloseTo(1 - 1 / 4, 12);
    expect(cohenKappa(gold, predicted, 'linear')).toBeCloseTo(1 - 6 / 34, 12);
  });

  it('weights follow the positions in the sorted union of the labels present, not the codes themselves', () => {
    // Codes 0, 5, 9 behave as positions 0, 1, 2.
    expect(cohenKappa([0, 9, 0, 9, 5, 5], [0, 9, 0, 9, 9, 5], 'linear')).toBeCloseTo(1 - 6 / 34, 12);
  });

  it('a constant answer against varied gold scores 0; one label everywhere is undefined (NaN)', () => {
    expect(cohenKappa([0, 1, 2, 1], [1, 1, 1, 1])).toBe(0);
    expect(cohenKappa([1, 1], [1, 1])).toBeNaN();
  });

  it('is symmetric, 1 on full agreement of two or more labels, and at most 1', () => {
    const labels = fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), {
      minLength: 2,
      maxLength: 40,
    });
    fc.assert(
      fc.property(labels, fc.constantFrom('none' as const, 'linear' as const), (pairs, weights) => {
        const a = pairs.map((p) => p[0]);
        const b = pairs.map((p) => p[1]);
        const k = cohenKappa(a, b, weights);
        if (Number.isNaN(k)) return;
        expect(k).toBeCloseTo(cohenKappa(b, a, weights), 12);
        expect(k).toBeLessThanOrEqual(1 + 1e-12);
        if (new Set(a).size > 1) expect(cohenKappa(a, a, weights)).toBeCloseTo(1, 12);
      }),
    );
  });
});

describe('macro-F1', () => {
  it('averages each present category’s F1 without weights: (1 + 2/3 + 4/5) / 3', () => {
    expect(macroF1([0, 2, 0, 2, 1, 1], [0, 2, 0, 2, 2, 1])).toBeCloseTo((1 + 2 / 3 + 0.8) / 3, 12);
    expect(macroF1([], [])).toBe(0);
  });
});

describe("JMED-LLM's list F1s (src/utils.py at 3774a34)", () => {
  it('exact: set F1; an empty prediction scores 0', () => {
    expect(exactListF1(['a', 'b'], ['a'])).toBeCloseTo(2 / 3, 12);
    expect(exactListF1(['a'], ['a', 'x'])).toBeCloseTo(2 / 3, 12);
    expect(exactListF1(['a'], [])).toBe(0);
  });

  it('partial: one equal item makes every gold item found; precision |gold|/|predicted| may exceed 1', () => {
    // gold 3, predicted 1 equal: precision 3, recall 1, F1 = 2·3·1/4.
    expect(partialListF1(['a', 'b', 'c'], ['a'])).toBeCloseTo(1.5, 12);
    // gold 3, predicted 2 with one equal: precision 3/2, recall 1, F1 = 2·1.5/2.5.
    expect(partialListF1(['a', 'b', 'c'], ['x', 'a'])).toBeCloseTo(1.2, 12);
    // Its `in` tests sets, so a longer or shorter string is no match.
    expect(partialListF1(['発熱'], ['発熱あり'])).toBe(0);
    expect(partialListF1(['a'], [])).toBe(0);
  });
});
