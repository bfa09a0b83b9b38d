// Krippendorff's alpha with the ordinal metric: agreement of raters on 1–5 scales beyond chance, over
// the units (outputs) that at least two raters rated.

/** `units`: each unit's ratings (one per rater; missing ratings simply absent). */
export function krippendorffOrdinal(units: readonly (readonly number[])[]): number | null {
  const pairable = units.filter((u) => u.length >= 2);
  const values = [...new Set(pairable.flat())].sort((a, b) => a - b);
  if (values.length === 0) return null;
  const index = new Map(values.map((v, i) => [v, i]));
  const k = values.length;
  // Coincidence matrix: each unit adds its ordered pairs of different raters, weighted 1 / (m − 1).
  const o = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const u of pairable) {
    for (let i = 0; i < u.length; i++) {
      for (let j = 0; j < u.length; j++) if (i !== j) o[index.get(u[i])!][index.get(u[j])!] += 1 / (u.length - 1);
    }
  }
  const nc = o.map((row) => row.reduce((a, b) => a + b, 0));
  const n = nc.reduce((a, b) => a + b, 0);
  // Ordinal distance: the mass of values between c and k, halving the ends.
  const delta2 = (c: number, d: number) => {
    const [lo, hi] = c <= d ? [c, d] : [d, c];
    let s = 0;
    for (let g = lo; g <= hi; g++) s += nc[g];
    return (s - (nc[lo] + nc[hi]) / 2) ** 2;
  };
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < k; d++) {
      if (c === d) continue;
      observed += o[c][d] * delta2(c, d);
      expected += nc[c] * nc[d] * delta2(c, d);
    }
  }
  if (expected === 0) return observed === 0 ? 1 : null;
  return 1 - ((n - 1) * observed) / expected;
}
