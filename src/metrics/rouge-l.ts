import { f1, ratio } from './fractions.js';

export interface RougeL {
  precision: number;
  recall: number;
  f1: number;
}

/** Length of the longest common subsequence, in O(|a|·|b|) time and O(|b|) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  // Compare integer ids, not strings, in the inner loop.
  const ids = new Map<string, number>();
  const idOf = (t: string) => {
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = ids.size));
    return id;
  };
  const bs = Int32Array.from(b, idOf);
  let row = new Int32Array(bs.length + 1);
  let next = new Int32Array(bs.length + 1);
  for (const token of a) {
    const x = idOf(token);
    for (let j = 1; j <= bs.length; j++) {
      next[j] = bs[j - 1] === x ? row[j - 1] + 1 : next[j - 1] > row[j] ? next[j - 1] : row[j];
    }
    [row, next] = [next, row];
  }
  return row[bs.length];
}

/** ROUGE-L of a candidate against a reference, both already tokenized. */
export function rougeL(candidate: readonly string[], reference: readonly string[]): RougeL {
  const lcs = lcsLength(candidate, reference);
  const precision = ratio(lcs, candidate.length);
  const recall = ratio(lcs, reference.length);
  return { precision, recall, f1: f1(precision, recall) };
}
