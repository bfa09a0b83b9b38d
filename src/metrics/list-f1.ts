// F1 over lists of strings as JMED-LLM scores its named-entity tasks (src/utils.py at sociocom/JMED-LLM
// 3774a34: exact_f1_score, partial_f1_score), one document at a time; the task's score is their mean.

import { f1 } from './fractions.js';

/**
 * Exact-match F1 of one document: the sets' intersection over the predicted set (precision) and the gold set
 * (recall). An empty prediction scores 0. An empty gold list is undefined in the authors' code (it divides by
 * zero); here it scores 0.
 */
export function exactListF1(gold: readonly string[], predicted: readonly string[]): number {
  const ref = new Set(gold);
  const pred = new Set(predicted);
  let hits = 0;
  for (const p of pred) if (ref.has(p)) hits++;
  if (ref.size === 0 || pred.size === 0) return 0;
  return f1(hits / pred.size, hits / ref.size);
}

/**
 * "Partial-match" F1 of one document, exactly as JMED-LLM's partial_f1_score computes it. Its test
 * `(answer_v in predict) or (predict_v in answer)` is a membership test in the *sets* (not a substring test),
 * and the second half does not depend on the gold item: so every gold item counts as found as soon as one
 * predicted item equals one gold item. Recall is then 1 (else 0) and precision is |gold| / |predicted|, which
 * exceeds 1 when fewer items are predicted than gold ones (F1 can exceed 1). This reproduces the published
 * leaderboard; it is not a substring F1.
 */
export function partialListF1(gold: readonly string[], predicted: readonly string[]): number {
  const ref = new Set(gold);
  const pred = new Set(predicted);
  const anyHit = [...pred].some((p) => ref.has(p));
  const found = anyHit ? ref.size : 0;
  if (ref.size === 0 || pred.size === 0) return 0;
  return f1(found / pred.size, found / ref.size);
}
