import { f1, ratio } from './fractions.js';

export interface RougeL {
  precision: number;
  recall: number;
  f1: number;
}

/** A text's ROUGE-L tokens: their surfaces, or their ids in one vocabulary (tokenizer/token-ids.ts). */
export type Tokens = readonly string[] | Int32Array;

/**
 * Length of the longest common subsequence of two token sequences of one kind (surfaces, or ids of one vocabulary),
 * bit-parallel (Allison & Dix 1986; Hyyrö 2004): one row of the dynamic programme is a bit vector over `b`, updated
 * 32 positions per machine operation.
 */
export function lcsLength<T extends string | number>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  const m = b.length;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut; the loops give 0 for these too
  if (a.length === 0 || m === 0) return 0;
  const words = (m + 31) >>> 5;
  // For each distinct token of b, the bit set of its positions in b: row `row` of one flat table.
  const rows = new Map<T, number>();
  for (let j = 0; j < m; j++) if (!rows.has(b[j])) rows.set(b[j], rows.size);
  const matches = new Uint32Array(rows.size * words);
  for (let j = 0; j < m; j++) matches[rows.get(b[j])! * words + (j >>> 5)] |= 1 << (j & 31);
  // v has a 0 bit wherever the LCS grows; it starts all ones.
  const v = new Uint32Array(words).fill(0xffffffff);
  for (let i = 0; i < a.length; i++) {
    const row = rows.get(a[i]);
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

/** ROUGE-L of a candidate of `candidateLength` tokens against a reference of `referenceLength`, sharing `lcs`. */
export function rougeOfLcs(lcs: number, candidateLength: number, referenceLength: number): RougeL {
  const precision = ratio(lcs, candidateLength);
  const recall = ratio(lcs, referenceLength);
  return { precision, recall, f1: f1(precision, recall) };
}

/** ROUGE-L of a candidate against a reference, both already tokenized. */
export const rougeL = <T extends string | number>(candidate: ArrayLike<T>, reference: ArrayLike<T>): RougeL =>
  rougeOfLcs(lcsLength(candidate, reference), candidate.length, reference.length);
