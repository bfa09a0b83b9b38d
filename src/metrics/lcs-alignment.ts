// For display only: which tokens the longest common subsequence uses. The metric itself (rouge-l.ts)
// counts the LCS bit-parallel and never needs the alignment.

/**
 * One longest common subsequence of `a` and `b`, as a flag per token of `a` (true: in the LCS); the number of true
 * flags equals lcsLength(a, b). The classic backtrack over the table L(i, j) = LCS of a[i..] and b[j..]: from
 * (0, 0), a match is taken, else a token of `a` is skipped when that keeps as long an LCS, else one of `b`. The
 * table is kept as rows of bits (Hyyrö's bit-parallel LCS over both texts read backwards: row k, after the last k
 * tokens of `a`, has a 0 bit wherever the LCS grows along `b`), so L(i, j) is a count of bits: O(|a|·|b|/32) time
 * and memory instead of one cell each, since the bot aligns on its event loop (issue 28).
 */
export function lcsTokensOfA(a: readonly string[], b: readonly string[]): boolean[] {
  const n = a.length;
  const m = b.length;
  const used = a.map(() => false);
  const words = (m + 31) >>> 5;
  // Bit m-1-j of a token's mask: b[j] is that token (b read backwards).
  const masks = new Map<string, Uint32Array>();
  for (let j = 0; j < m; j++) {
    let mask = masks.get(b[j]);
    if (!mask) masks.set(b[j], (mask = new Uint32Array(words)));
    mask[(m - 1 - j) >>> 5] |= 1 << ((m - 1 - j) & 31);
  }
  const rows = new Uint32Array((n + 1) * words);
  rows.fill(0xffffffff, 0, words);
  for (let k = 1; k <= n; k++) {
    const mask = masks.get(a[n - k]);
    const from = (k - 1) * words;
    if (!mask) {
      rows.copyWithin(k * words, from, from + words);
      continue;
    }
    let carry = 0;
    for (let w = 0; w < words; w++) {
      const x = rows[from + w];
      const u = (x & mask[w]) >>> 0;
      const sum = x + u + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      rows[k * words + w] = (sum >>> 0) | (x & ~mask[w]);
    }
  }
  // L(i, j): the 0 bits among the first m - j of row n - i.
  const lcs = (i: number, j: number) => {
    const row = (n - i) * words;
    const bits = m - j;
    let ones = 0;
    for (let w = 0; w < bits >>> 5; w++) ones += popcount(rows[row + w]);
    if (bits & 31) ones += popcount(rows[row + (bits >>> 5)] & ((1 << (bits & 31)) - 1));
    return bits - ones;
  };
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) {
      used[i] = true;
      i++;
      j++;
    } else if (lcs(i + 1, j) >= lcs(i, j + 1)) i++;
    else j++;
  }
  return used;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * `text` cut into pieces that are, in order, its tokens (`marked` as the flags say) and the text between
 * them (unmarked). Tokens are looked up left to right (ROUGE tokens are substrings of the text with
 * newlines read as spaces); a token not found is left unmarked. Adjacent marked pieces are joined.
 */
export function markTokens(text: string, tokens: readonly string[], flags: readonly boolean[]) {
  const pieces: { text: string; marked: boolean }[] = [];
  const push = (t: string, marked: boolean) => {
    if (!t) return;
    const last = pieces[pieces.length - 1];
    if (last && last.marked === marked) last.text += t;
    else pieces.push({ text: t, marked });
  };
  let at = 0;
  tokens.forEach((token, i) => {
    const found = text.indexOf(token, at);
    if (found < 0) return;
    push(text.slice(at, found), false);
    push(token, flags[i]);
    at = found + token.length;
  });
  push(text.slice(at), false);
  return pieces;
}
