// NFKC for matching (full-width digits and letters, half-width katakana) with a map back to the
// original text, so that findings keep the original's JS string indices.

export interface Normalized {
  text: string;
  /** Original index where the normalized code unit i starts; length text.length + 1. */
  startOf: number[];
  /** Original index where the normalized code unit i ends (exclusive). */
  endOf: number[];
}

/** NFKC code point by code point: an original character maps to one or more normalized code units. */
export function normalizeForMatching(original: string): Normalized {
  let text = '';
  const startOf: number[] = [];
  const endOf: number[] = [];
  let i = 0;
  for (const ch of original) {
    const n = ch.normalize('NFKC');
    for (let k = 0; k < n.length; k++) {
      startOf.push(i);
      endOf.push(i + ch.length);
    }
    text += n;
    i += ch.length;
  }
  startOf.push(i);
  return { text, startOf, endOf };
}

/** The original span of the normalized span [start, end). */
export function originalSpan(n: Normalized, start: number, end: number): [number, number] {
  return [n.startOf[start], end > start ? n.endOf[end - 1] : n.startOf[start]];
}
