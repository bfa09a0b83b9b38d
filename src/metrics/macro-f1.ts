// Macro-averaged F1 over classes, as scikit-learn's f1_score(average='macro'): the classes are the labels that
// occur in gold or prediction, each class's F1 counts 0 where it is undefined, and the mean is unweighted.

import { f1, ratio } from './fractions.js';

/** Macro F1 of gold against predicted labels (same length); 0 for no items. */
export function macroF1(gold: readonly number[], predicted: readonly number[]): number {
  const labels = [...new Set([...gold, ...predicted])];
  if (labels.length === 0) return 0;
  let total = 0;
  for (const label of labels) {
    let tp = 0;
    let goldCount = 0;
    let predCount = 0;
    for (let i = 0; i < gold.length; i++) {
      if (gold[i] === label) goldCount++;
      if (predicted[i] === label) predCount++;
      if (gold[i] === label && predicted[i] === label) tp++;
    }
    total += f1(ratio(tp, predCount), ratio(tp, goldCount));
  }
  return total / labels.length;
}
