import { f1, ratio } from './fractions.js';

export interface RougeL {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Length of the longest common subsequence, bit-parallel (Allison & Dix 1986; Hyyrö 2004): one row of
 * the dynamic programme is a bit vector over `b`, updated 32 positions per machine operation.
 */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const m = b.length;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut; the loops give 0 for these too
  if (a.length === 0 || m === 0) return 0;
  const words = (m + 31) >>> 5;
  // For each distinct token of b, the bit set of its positions in b: row `row` of one flat table.
  const rows = new Map<string, number>();
  for (const token of b) if (!rows.has(token)) rows.set(token, rows.size);
  const matches = new Uint32Array(rows.size * words);
  for (let j = 0; j < m; j++) matches[rows.get(b[j])! * words + (j >>> 5)] |= 1 << (j & 31);
  // v has a 0 bit wherever the LCS grows; it starts all ones.
  const v = new Uint32Array(words).fill(0xffffffff);
  for (const token of a) {
    const row = rows.get(token);
    if (row === undefined) continue;
    const at = row * words;
    let carry = 0;
    let borrow = 0;
    // Stryker disable next-line EqualityOperator: a step past the last word reads undefined and writes nothing
    for (let k = 0; k < words; k++) {
      const x = v[k];
      const u = (x & matches[at + k]) >>> 0;
      const sum = x + u + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      const diff = x - u - borrow;
      borrow = diff < 0 ? 1 : 0;
      v[k] = (sum >>> 0) | (diff >>> 0);
    }
  }
  let lcs = 0;
  for (let j = 0; j < m; j++) if ((v[j >>> 5] & (1 << (j & 31))) === 0) lcs++;
  return lcs;
}

/** ROUGE-L of a candidate against a reference, both already tokenized. */
export function rougeL(candidate: readonly string[], reference: readonly string[]): RougeL {
  const lcs = lcsLength(candidate, reference);
  const precision = ratio(lcs, candidate.length);
  const recall = ratio(lcs, reference.length);
  return { precision, recall, f1: f1(precision, recall) };
}
