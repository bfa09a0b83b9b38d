import { f1, ratio } from './fractions.js';

export interface SetScore {
  precision: number;
  recall: number;
  f1: number;
}

/** Precision, recall and F1 of one document's predicted set against its gold set (duplicates count once). */
export function setF1(predicted: readonly string[], gold: readonly string[]): SetScore {
  const pred = new Set(predicted);
  const ref = new Set(gold);
  let hits = 0;
  for (const item of pred) if (ref.has(item)) hits++;
  const precision = ratio(hits, pred.size);
  const recall = ratio(hits, ref.size);
  return { precision, recall, f1: f1(precision, recall) };
}
