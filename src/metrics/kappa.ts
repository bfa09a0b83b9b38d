// Cohen's kappa, plain and linearly weighted, computed the way scikit-learn's cohen_kappa_score does
// (sklearn/metrics/_classification.py): the labels are the sorted union of both raters' labels, the expected
// table is the outer product of the marginals, and linear weights are |i - j| over the positions in that union.

/**
 * Cohen's kappa of two raters' labels (`gold[i]` against `predicted[i]`), as scikit-learn computes it.
 * Labels are compared as numbers; their order (the sorted union of the labels present) is the order of the
 * categories for the linear weights, so code labels so that their numeric order is the intended one.
 * @param weights `none` (agreement counts only on the diagonal) or `linear` (disagreement costs |i − j|).
 * @returns kappa in [−1, 1]; NaN when it is undefined (every label the same on both sides: 0 / 0), as
 *   scikit-learn returns NaN there. Throws when the two lists differ in length.
 */
export function cohenKappa(gold: readonly number[], predicted: readonly number[], weights: 'none' | 'linear' = 'none'): number {
  if (gold.length !== predicted.length) throw new Error(`kappa: ${gold.length} gold labels but ${predicted.length} predicted`);
  const labels = [...new Set([...gold, ...predicted])].sort((a, b) => a - b);
  const index = new Map(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < gold.length; i++) confusion[index.get(gold[i])!][index.get(predicted[i])!]++;
  const rowSums = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = labels.map((_, j) => confusion.reduce((a, row) => a + row[j], 0));
  const total = gold.length;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weights === 'linear' ? Math.abs(i - j) : i === j ? 0 : 1;
      observed += w * confusion[i][j];
      expected += (w * rowSums[i] * colSums[j]) / total;
    }
  }
  return 1 - observed / expected;
}
