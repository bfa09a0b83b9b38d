import type { Ipadic } from './ipadic.js';
import { segmentText } from './native-lattice.js';

// Python's str.split() whitespace. The release split MeCab's space-joined output with it, so tokens
// that are blanks vanish (U+3000 among them: HS-DS and CTS gold texts hold many) and a token that
// contains one is cut in two.
const PYTHON_WHITESPACE = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const HAS_WHITESPACE = new RegExp(PYTHON_WHITESPACE.source);

/**
 * Whether `s` may hold Python whitespace: false for nearly every token at the cost of a character loop (a
 * regular expression a token cost ~5 % of tokenizing); true also for a few characters that are not (C0 controls).
 */
function mayHoldWhitespace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 || c === 0x3000) return true;
    if (c >= 0x2000 && c <= 0x205f && (c <= 0x200a || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f))
      return true;
  }
  return false;
}

/** The tokens ROUGE-L compares: the text as one line, segmented by MeCab-IPADIC rules. */
export function rougeTokens(dic: Ipadic, text: string): string[] {
  const surfaces = segmentText(dic, text.replace(/\n/g, ' '));
  if (!surfaces.some(mayHoldWhitespace)) return surfaces;
  const tokens: string[] = [];
  for (const surface of surfaces) {
    if (!HAS_WHITESPACE.test(surface)) tokens.push(surface);
    else for (const piece of surface.split(PYTHON_WHITESPACE)) if (piece) tokens.push(piece);
  }
  return tokens;
}
