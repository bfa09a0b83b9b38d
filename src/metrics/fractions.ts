/** a / b, or 0 when b is 0 (the release scores an empty denominator as 0, never NaN). */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Harmonic mean of precision and recall; 0 when both are 0. */
export function f1(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return ratio(sum, values.length);
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
