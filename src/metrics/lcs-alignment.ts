// For display only: which tokens the longest common subsequence uses. The metric itself (rouge-l.ts)
// counts the LCS bit-parallel and never needs the alignment.

/**
 * One longest common subsequence of `a` and `b`, as a flag per token of `a` (true: in the LCS).
 * Classic O(|a|·|b|) dynamic programme with backtracking; the number of true flags equals
 * lcsLength(a, b). Memory: (|a|+1)·(|b|+1) 32-bit cells, fine for one document's texts.
 */
export function lcsTokensOfA(a: readonly string[], b: readonly string[]): boolean[] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] =
        a[i] === b[j]
          ? table[(i + 1) * width + j + 1] + 1
          : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const used = a.map(() => false);
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) {
      used[i] = true;
      i++;
      j++;
    } else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) i++;
    else j++;
  }
  return used;
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
