import { f1, ratio } from './fractions.js';

export interface SetScore {
  precision: number;
  recall: number;
  f1: number;
}

/** True positives, false positives and false negatives of one predicted set against its gold set (duplicates count once). */
export function setCounts(predicted: readonly string[], gold: readonly string[]) {
  const pred = new Set(predicted);
  const ref = new Set(gold);
  let tp = 0;
  for (const item of pred) if (ref.has(item)) tp++;
  return { tp, fp: pred.size - tp, fn: ref.size - tp };
}

/** Precision, recall and F1 of one document's predicted set against its gold set (duplicates count once). */
export function setF1(predicted: readonly string[], gold: readonly string[]): SetScore {
  const { tp, fp, fn } = setCounts(predicted, gold);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { precision, recall, f1: f1(precision, recall) };
}
