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
    // (2,2,3) (4,4,4) (1,1,1), weight 1/2: o22 = o23 = o32 = 1, o44 = o11 = 3 → n1=3 n2=2 n3=1 n4=3, n=9.
    // δ²: (1,2) 2.5² = 6.25, (1,3) 4² = 16, (1,4) 6² = 36, (2,3) 1.5² = 2.25, (2,4) 3.5² = 12.25, (3,4) 2² = 4.
    // Observed: 2·2.25 = 4.5. Expected: 2·(6·6.25 + 3·16 + 9·36 + 2·2.25 + 6·12.25 + 3·4) = 999.
    const three = krippendorffOrdinal([
      [2, 2, 3],
      [4, 4, 4],
      [1, 1, 1],
    ]);
    expect(three).toBeCloseTo(1 - (8 * 4.5) / 999, 12);
  });

  it('weights units of two, three and four raters each by 1/(m − 1)', () => {
    // (1,2) w=1: o12 = o21 = 1. (2,2,2,3) w=1/3: o22 = 6/3 = 2, o23 = o32 = 1. (3,3,3) w=1/2: o33 = 3.
    // n1 = 1, n2 = 4, n3 = 4, n = 9. δ²(1,2) = (5 − 2.5)² = 6.25, δ²(1,3) = (9 − 2.5)² = 42.25,
    // δ²(2,3) = (8 − 4)² = 16. Observed: 2·6.25 + 2·16 = 44.5. Expected: 2·(4·6.25 + 4·42.25 + 16·16) = 900.
    const mixed = krippendorffOrdinal([[1, 2], [2, 2, 2, 3], [3, 3, 3], [5]]);
    expect(mixed).toBeCloseTo(1 - (8 * 44.5) / 900, 12);
    // The order of a unit's ratings and of the units does not matter (values first seen as 2, 3, 1 or 3, 2, 1).
    expect(
      krippendorffOrdinal([
        [2, 2, 2, 3],
        [1, 2],
        [3, 3, 3],
      ]),
    ).toBeCloseTo(1 - (8 * 44.5) / 900, 12);
    expect(
      krippendorffOrdinal([
        [3, 3, 3],
        [2, 1],
        [3, 2, 2, 2],
      ]),
    ).toBeCloseTo(1 - (8 * 44.5) / 900, 12);
  });

  it('is 1 when every rating is the same value (no expected disagreement), also with many raters', () => {
    expect(krippendorffOrdinal([[3, 3], [3, 3, 3, 3], [2]])).toBe(1);
    expect(krippendorffOrdinal([[5, 5, 5]])).toBe(1);
    expect(krippendorffOrdinal([])).toBeNull();
  });
});
