import { describe, expect, it } from 'vitest';
import { krippendorffOrdinal } from '../src/metrics/krippendorff.js';

describe("Krippendorff's alpha, ordinal", () => {
  it('matches a hand-computed example', () => {
    // Two raters, four outputs: (1,1) (2,2) (3,4) (4,4). Values n1=2 n2=2 n3=1 n4=3, n=8.
    // Observed: o34 = o43 = 1, δ²(3,4) = ((1+3)/2)² = 4 → Σ o·δ² = 8.
    // Expected: Σ_{c≠k} n_c n_k δ²_ck = 2·(4·4 + 2·12.25 + 6·30.25 + 2·2.25 + 6·12.25 + 3·4) = 624.
    // α = 1 − (n − 1)·8 / 624 = 1 − 56/624.
    expect(
      krippendorffOrdinal([
        [1, 1],
        [2, 2],
        [3, 4],
        [4, 4],
      ]),
    ).toBeCloseTo(1 - 56 / 624, 12);
  });

  it('is 1 for perfect agreement, lower for disagreement, and undefined without two ratings of one output', () => {
    expect(
      krippendorffOrdinal([
        [1, 1],
        [3, 3],
        [5, 5],
      ]),
    ).toBe(1);
    expect(
      krippendorffOrdinal([
        [1, 5],
        [5, 1],
        [3, 3],
      ])!,
    ).toBeLessThan(0);
    expect(krippendorffOrdinal([[4], [2]])).toBeNull();
  });

  it('counts a unit rated by three raters with weight 1/(m − 1)', () => {
    const three = krippendorffOrdinal([
      [2, 2, 3],
      [4, 4, 4],
      [1, 1, 1],
    ])!;
    expect(three).toBeGreaterThan(0.5);
    expect(three).toBeLessThan(1);
  });
});
