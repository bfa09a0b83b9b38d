import type { Ipadic } from './ipadic.js';
import { segment } from './mecab-lattice.js';

// Python's str.split() whitespace. The release split MeCab's space-joined output with it, so tokens
// that are blanks vanish (U+3000 among them: HS-DS and CTS gold texts hold many) and a token that
// contains one is cut in two.
const PYTHON_WHITESPACE = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const HAS_WHITESPACE = new RegExp(PYTHON_WHITESPACE.source);

/** The tokens ROUGE-L compares: the text as one line, segmented by MeCab-IPADIC rules. */
export function rougeTokens(dic: Ipadic, text: string): string[] {
  const tokens: string[] = [];
  for (const surface of segment(dic, text.replace(/\n/g, ' '))) {
    if (!HAS_WHITESPACE.test(surface)) tokens.push(surface);
    else for (const piece of surface.split(PYTHON_WHITESPACE)) if (piece) tokens.push(piece);
  }
  return tokens;
}
