// The per-character tables of the text being segmented (mecab-lattice.ts), reused by every text: they only grow, to
// the longest text's needs.

/** Per code point of the text: its UTF-16 offset, its UTF-8 offset in `utf8` (the trie walks bytes), the code point
 * and its default category; u16 and u8 have one more entry, the text's end. */
export const chars = {
  u16: new Int32Array(0),
  u8: new Int32Array(0),
  point: new Int32Array(0),
  category: new Uint8Array(0),
  utf8: new Uint8Array(0),
};

/** Fills the per-character tables of `text`; returns its length in code points. */
export function readCharacters(text: string, categoryOf: Uint8Array, defaultCategory: number): number {
  if (text.length + 1 > chars.u16.length) {
    const room = Math.max(text.length + 1, chars.u16.length * 2);
    Object.assign(chars, {
      u16: new Int32Array(room),
      u8: new Int32Array(room),
      point: new Int32Array(room),
      category: new Uint8Array(room),
      utf8: new Uint8Array(3 * room),
    });
  }
  const { u16, u8, point, category: cat, utf8: bytes } = chars;
  let i = 0,
    b = 0,
    k = 0;
  for (; i < text.length; k++) {
    let cp = text.charCodeAt(i);
    u16[k] = i++;
    u8[k] = b;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const low = cp <= 0xdbff && i < text.length ? text.charCodeAt(i) : 0;
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    point[k] = cp;
    cat[k] = cp < 0x10000 ? categoryOf[cp] : defaultCategory;
    // UTF-8, as TextEncoder writes it: a lone surrogate as U+FFFD.
    const c = cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
    if (c < 0x80) bytes[b++] = c;
    else if (c < 0x800) {
      bytes[b++] = 0xc0 | (c >> 6);
      bytes[b++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      bytes[b++] = 0xe0 | (c >> 12);
      bytes[b++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[b++] = 0x80 | (c & 0x3f);
    } else {
      bytes[b++] = 0xf0 | (c >> 18);
      bytes[b++] = 0x80 | ((c >> 12) & 0x3f);
      bytes[b++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[b++] = 0x80 | (c & 0x3f);
    }
  }
  u16[k] = i;
  u8[k] = b;
  return k;
}
