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
const encoder = new TextEncoder();

/** A growable Int32 column of the lattice's node table. */
class Column {
  data = new Int32Array(1024);
  push(i: number, v: number): void {
    if (i >= this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[i] = v;
  }
}

/** Segments `text` exactly as `mecab -Owakati` with IPADIC would, returning the surface forms. */
export function segment(dic: Ipadic, text: string): string[] {
  const { base, check, connection, connectionStride: stride, categoryOf, kindsOf, categories } = dic;
  const { wordStart, wordLeft, wordRight, wordCost } = dic;
  // Per code point: its UTF-16 offset, UTF-8 offset (the trie walks bytes), category and kinds.
  const n = countCodePoints(text);
  const u16 = new Int32Array(n + 1);
  const u8 = new Int32Array(n + 1);
  const cat = new Uint8Array(n);
  const kinds = new Uint32Array(n);
  for (let i = 0, k = 0, b = 0; k < n; k++) {
    const cp = text.codePointAt(i)!;
    u16[k] = i;
    u8[k] = b;
    cat[k] = cp < 0x10000 ? categoryOf[cp] : dic.defaultCategory;
    kinds[k] = cp < 0x10000 ? kindsOf[cp] : 1 << dic.defaultCategory;
    i += cp > 0xffff ? 2 : 1;
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    u16[k + 1] = i;
    u8[k + 1] = b;
  }
  const bytes = encoder.encode(text);

  // The node table; node 0 is BOS. Nodes ending at a position are chained newest first, as MeCab
  // chains them, so the newest of equal-cost left nodes wins.
  const start = new Column(),
    end = new Column(),
    right = new Column(),
    total = new Column(),
    prev = new Column(),
    nextEnding = new Column();
  const lastEnding = new Int32Array(n + 1).fill(-1);
  start.push(0, 0);
  end.push(0, 0);
  right.push(0, 0);
  total.push(0, 0);
  prev.push(0, -1);
  nextEnding.push(0, -1);
  lastEnding[0] = 0;
  let nodes = 1;
  const pending: number[] = []; // [length, left, right, cost] quadruples, in MeCab's build order

  for (let pos = 0; pos < n; pos++) {
    if (lastEnding[pos] < 0) continue;
    let from = pos;
    while (from < n && cat[from] === dic.spaceCategory) from++;
    if (from === n) break;
    pending.length = 0;

    // Dictionary words starting at `from`: walk the double-array trie over UTF-8 bytes.
    let node = 0,
      found = 0;
    walk: for (let q = from; q < n; q++) {
      for (let b = u8[q]; b < u8[q + 1]; b++) {
        const child = base[node] + bytes[b];
        if (child >= check.length || check[child] !== node) break walk;
        node = child;
      }
      const leaf = base[node];
      if (leaf < check.length && check[leaf] === node && base[leaf] <= 0) {
        const value = -base[leaf] - 1;
        for (let w = wordStart[value]; w < wordStart[value + 1]; w++)
          pending.push(q - from + 1, wordLeft[w], wordRight[w], wordCost[w]);
        found++;
      }
    }

    // Unknown words, as MeCab's Tokenizer::lookup builds them.
    const c = categories[cat[from]];
    if (found === 0 || c.invoke) {
      const before = pending.length;
      let groupEnd = -1;
      if (c.group) {
        let q = from + 1;
        while (q < n && (kinds[q - 1] & kinds[q]) !== 0) q++;
        if (q - from - 1 <= MAX_GROUPING)
          for (const e of c.unknownEntries) pending.push(q - from, e.left, e.right, e.cost);
        groupEnd = q;
      }
      let q = from + 1;
      for (let i = 1; i <= c.length; i++) {
        if (q > n) break;
        if (q === groupEnd) continue;
        for (const e of c.unknownEntries) pending.push(q - from, e.left, e.right, e.cost);
        if (q >= n || (kinds[from] & kinds[q]) === 0) break;
        q++;
      }
      if (found === 0 && pending.length === before)
        for (const e of c.unknownEntries) pending.push(1, e.left, e.right, e.cost);
    }

    // MeCab links each new node in front of the previous ones, so it connects them in reverse.
    for (let k = pending.length - 4; k >= 0; k -= 4) {
      const left = pending[k + 1];
      let best = -1,
        bestCost = Infinity;
      for (let l = lastEnding[pos]; l >= 0; l = nextEnding.data[l]) {
        const cost = total.data[l] + connection[right.data[l] * stride + left];
        if (cost < bestCost) {
          bestCost = cost;
          best = l;
        }
      }
      const to = from + pending[k];
      start.push(nodes, from);
      end.push(nodes, to);
      right.push(nodes, pending[k + 2]);
      total.push(nodes, bestCost + pending[k + 3]);
      prev.push(nodes, best);
      nextEnding.push(nodes, lastEnding[to]);
      lastEnding[to] = nodes++;
    }
  }

  // EOS joins the last position where words end (trailing blanks make none).
  let last = n;
  while (lastEnding[last] < 0) last--;
  let best = -1,
    bestCost = Infinity;
  for (let l = lastEnding[last]; l >= 0; l = nextEnding.data[l]) {
    const cost = total.data[l] + connection[right.data[l] * stride];
    if (cost < bestCost) {
      bestCost = cost;
      best = l;
    }
  }
  const surfaces: string[] = [];
  for (let id = best; id > 0; id = prev.data[id]) surfaces.push(text.slice(u16[start.data[id]], u16[end.data[id]]));
  return surfaces.reverse();
}

function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
