// A MeCab-exact word segmenter over kuromoji's IPADIC. kuromoji's own lattice differs from MeCab's in
// three ways that change ROUGE-L scores, and the release was scored with MeCab:
//  1. unknown words: MeCab adds a node for every length 1..char.def `length` besides the grouped one,
//     and groups while each next character shares any category with the previous one;
//  2. blanks (char.def SPACE) make no node: a word's span starts after them, and costs connect the word
//     before to the word after;
//  3. the whole text is one lattice (kuromoji cuts sentences at 、 and 。).
// Ties between equal-cost paths are broken in MeCab's order (the later-built left node wins).
import type { Ipadic } from './ipadic.js';

const MAX_GROUPING = 24; // MeCab's max-grouping-size

function utf8Bytes(cp: number, out: number[]): void {
  out.length = 0;
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/** Segments `text` exactly as `mecab -Owakati` with IPADIC would, returning the surface forms. */
export function segment(dic: Ipadic, text: string): string[] {
  const cps = Array.from(text, (c) => c.codePointAt(0)!);
  const n = cps.length;
  const category = (cp: number) => (cp < 0x10000 ? dic.categoryOf[cp] : dic.defaultCategory);
  const kinds = (cp: number) => (cp < 0x10000 ? dic.kindsOf[cp] : 1 << dic.defaultCategory);
  const { base, check, connection, connectionStride } = dic;

  // Nodes as parallel arrays; node 0 is BOS.
  const start = [0],
    end = [0],
    right = [0],
    total = [0],
    prev = [-1];
  const endingAt: number[][] = [[0]];
  const bytes: number[] = [];
  const pending: number[] = []; // [length, left, right, cost] quadruples, in MeCab's build order

  const connect = (pos: number, from: number, len: number, left: number, rightId: number, cost: number) => {
    const lefts = endingAt[pos];
    let best = -1,
      bestCost = Infinity;
    for (let k = lefts.length - 1; k >= 0; k--) {
      const l = lefts[k];
      const c = total[l] + connection[right[l] * connectionStride + left];
      if (c < bestCost) {
        bestCost = c;
        best = l;
      }
    }
    const id = start.length;
    start.push(from);
    end.push(from + len);
    right.push(rightId);
    total.push(bestCost + cost);
    prev.push(best);
    (endingAt[from + len] ??= []).push(id);
  };

  for (let pos = 0; pos < n; pos++) {
    if (!endingAt[pos]) continue;
    let from = pos;
    while (from < n && category(cps[from]) === dic.spaceCategory) from++;
    if (from === n) break;
    pending.length = 0;

    // Dictionary words starting at `from`: walk the double-array trie byte by byte.
    let node = 0,
      found = 0;
    walk: for (let q = from; q < n; q++) {
      utf8Bytes(cps[q], bytes);
      for (const b of bytes) {
        const child = base[node] + b;
        if (child >= check.length || check[child] !== node) break walk;
        node = child;
      }
      const leaf = base[node];
      if (leaf < check.length && check[leaf] === node && base[leaf] <= 0) {
        for (const e of dic.entriesOf(-base[leaf] - 1)) pending.push(q - from + 1, e.left, e.right, e.cost);
        found++;
      }
    }

    // Unknown words, as MeCab's Tokenizer::lookup builds them.
    const head = cps[from];
    const cat = dic.categories[category(head)];
    if (found === 0 || cat.invoke) {
      const addUnknown = (len: number) => {
        for (const e of cat.unknownEntries) pending.push(len, e.left, e.right, e.cost);
      };
      const before = pending.length;
      let groupEnd = -1;
      if (cat.group) {
        let q = from + 1,
          last = kinds(head);
        while (q < n && (last & kinds(cps[q])) !== 0) {
          last = kinds(cps[q]);
          q++;
        }
        if (q - from - 1 <= MAX_GROUPING) addUnknown(q - from);
        groupEnd = q;
      }
      let q = from + 1;
      for (let i = 1; i <= cat.length; i++) {
        if (q > n) break;
        if (q === groupEnd) continue;
        addUnknown(q - from);
        if (q >= n || (kinds(head) & kinds(cps[q])) === 0) break;
        q++;
      }
      if (found === 0 && pending.length === before) addUnknown(1);
    }

    // MeCab links each new node in front of the previous ones, so it connects them in reverse.
    for (let k = pending.length - 4; k >= 0; k -= 4) {
      connect(pos, from, pending[k], pending[k + 1], pending[k + 2], pending[k + 3]);
    }
  }

  // EOS joins the last position where words end (trailing blanks make none).
  let last = n;
  while (!endingAt[last]) last--;
  let best = -1,
    bestCost = Infinity;
  const lefts = endingAt[last];
  for (let k = lefts.length - 1; k >= 0; k--) {
    const c = total[lefts[k]] + connection[right[lefts[k]] * connectionStride];
    if (c < bestCost) {
      bestCost = c;
      best = lefts[k];
    }
  }
  const surfaces: string[] = [];
  for (let id = best; id > 0; id = prev[id]) surfaces.push(String.fromCodePoint(...cps.slice(start[id], end[id])));
  return surfaces.reverse();
}
