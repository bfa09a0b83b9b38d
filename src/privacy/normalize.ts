// NFKC for matching (full-width digits and letters, half-width katakana) with a map back to the
// original text, so that findings keep the original's JS string indices. Characters the tokenizer cannot
// take (kuromoji throws on NUL and on a lone surrogate) are read as a space, and invisible format
// characters (U+200B, soft hyphen) as nothing, so that 田\u200B中さん reads as 田中さん.

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
    const n = matchingForm(ch);
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

const UNREADABLE = /^(?:[\p{Cc}\p{Co}\p{Cn}]|[\uD800-\uDFFF])$/u;
const INVISIBLE = /^\p{Cf}$/u;

/** One code point as matched: NFKC; a control, private-use, unassigned or lone surrogate as a space; format as nothing. */
function matchingForm(ch: string): string {
  if (ch === '\n' || ch === '\t' || ch === '\r') return ch;
  if (UNREADABLE.test(ch)) return ' ';
  if (INVISIBLE.test(ch)) return '';
  return ch.normalize('NFKC');
}

/** The original span of the normalized span [start, end). */
export function originalSpan(n: Normalized, start: number, end: number): [number, number] {
  return [n.startOf[start], end > start ? n.endOf[end - 1] : n.startOf[start]];
}
