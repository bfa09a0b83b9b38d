// Lengths and offsets in code points: the release counts entity spans in characters as Python does (one per
// code point), while JavaScript strings index UTF-16 units.

/**
 * Code points of `text` in UTF-16 units [from, to): Array.from(text.slice(from, to)).length, without building
 * either (the NER scorer counts one for every tag of every output). A surrogate pair counts one; a lone
 * surrogate, one.
 */
export function codePointLength(text: string, from = 0, to = text.length): number {
  let n = to - from;
  for (let i = from + 1; i < to; i++) {
    const unit = text.charCodeAt(i);
    // a low surrogate right after a high one completes a pair, counted at its high surrogate
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      const before = text.charCodeAt(i - 1);
      if (before >= 0xd800 && before <= 0xdbff) n--;
    }
  }
  return n;
}
