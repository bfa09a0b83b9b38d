// A MeCab-exact word segmenter over kuromoji's IPADIC. kuromoji's own lattice differs from MeCab's in
// three ways that change ROUGE-L scores, and the release was scored with MeCab:
//  1. unknown words: MeCab adds a node for every length 1..char.def `length` besides the grouped one,
//     and groups while each next character shares any category with the previous one;
//  2. blanks (char.def SPACE) make no node: a word's span starts after them, and costs connect the word
//     before to the word after;
//  3. the whole text is one lattice (kuromoji cuts sentences at 、 and 。).
// Ties between equal-cost paths are broken in MeCab's order (the later-built left node wins).
import type { CharCategory, Ipadic } from './ipadic.js';

const MAX_GROUPING = 24; // MeCab's max-grouping-size
const encoder = new TextEncoder();

// Scratch tables reused by every call in this thread (segment is synchronous): a text allocates nothing but its
// bytes and its surfaces. They only grow, to the longest text's needs.
let perChar = 0;
let u16 = new Int32Array(0);
let u8 = new Int32Array(0);
let cat = new Uint8Array(0);
let kinds = new Uint32Array(0);
let lastEnding = new Int32Array(0);
// The node table, a column each; node 0 is BOS.
let nodeRoom = 0;
let start = new Int32Array(0);
let end = new Int32Array(0);
let right = new Int32Array(0);
let total = new Int32Array(0);
let prev = new Int32Array(0);
let nextEnding = new Int32Array(0);
// Candidate words at one position: [length, left, right, cost] quadruples, in MeCab's build order.
let pending = new Int32Array(4096);
// The nodes ending at the current position, gathered in chain order: each new word scans them, contiguous.
let endId = new Int32Array(256);
let endTotal = new Int32Array(256);
let endRight = new Int32Array(256);
// The best left node per left id at the current position (memoStamp[left] === position + 1 when known).
let memoStamp = new Int32Array(0);
let memoBest = new Int32Array(0);
let memoCost = new Int32Array(0);
/** Above any path's cost (word and joining costs are int16, paths shorter than 2^15 words). */
const NO_PATH = 0x7fffffff;

function roomForChars(n: number): void {
  if (n + 1 <= perChar) return;
  perChar = Math.max(n + 1, perChar * 2);
  u16 = new Int32Array(perChar);
  u8 = new Int32Array(perChar);
  cat = new Uint8Array(perChar);
  kinds = new Uint32Array(perChar);
  lastEnding = new Int32Array(perChar);
}

function roomForNodes(n: number): void {
  if (n <= nodeRoom) return;
  const room = Math.max(n, nodeRoom * 2, 1024);
  [start, end, right, total, prev, nextEnding] = [start, end, right, total, prev, nextEnding].map((a) => grown(a, room));
  nodeRoom = room;
}

/** `a` copied into an array of `length` (by default twice its own). */
function grown(a: Int32Array<ArrayBuffer>, length = a.length * 2): Int32Array<ArrayBuffer> {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}

function roomForPending(n: number): void {
  if (n <= pending.length) return;
  pending = grown(pending, Math.max(n, pending.length * 2));
}

/**
 * Queues the unknown words of category `c` and `length` at `queued`; returns the new end. (A function of the
 * module, not a closure: a closure over the lattice's counters would keep them in memory, not in registers.)
 */
function queueUnknown(c: CharCategory, length: number, queued: number): number {
  roomForPending(queued + 4 * c.unknownEntries.length);
  for (const e of c.unknownEntries) {
    pending[queued++] = length;
    pending[queued++] = e.left;
    pending[queued++] = e.right;
    pending[queued++] = e.cost;
  }
  return queued;
}

/** Segments `text` exactly as `mecab -Owakati` with IPADIC would, returning the surface forms. */
export function segment(dic: Ipadic, text: string): string[] {
  const { trie, connection, connectionStride: stride, categoryOf, kindsOf, categories } = dic;
  const { wordStart, wordLeft, wordRight, wordCost, spaceCategory, defaultCategory } = dic;
  const lefts = connection.length / stride;
  const units = trie.length >> 1;
  if (memoStamp.length < lefts) {
    memoStamp = new Int32Array(lefts);
    memoBest = new Int32Array(lefts);
    memoCost = new Int32Array(lefts);
  }
  memoStamp.fill(0, 0, lefts);
  // Per code point: its UTF-16 offset, UTF-8 offset (the trie walks bytes), category and kinds.
  const n = countCodePoints(text);
  roomForChars(n);
  for (let i = 0, k = 0, b = 0; k < n; k++) {
    const cp = text.codePointAt(i)!;
    u16[k] = i;
    u8[k] = b;
    cat[k] = cp < 0x10000 ? categoryOf[cp] : defaultCategory;
    kinds[k] = cp < 0x10000 ? kindsOf[cp] : 1 << defaultCategory;
    i += cp > 0xffff ? 2 : 1;
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    u16[k + 1] = i;
    u8[k + 1] = b;
  }
  const bytes = encoder.encode(text);

  // Nodes ending at a position are chained newest first, as MeCab chains them, so the newest of equal-cost left
  // nodes wins.
  lastEnding.fill(-1, 0, n + 1);
  roomForNodes(1);
  start[0] = end[0] = right[0] = total[0] = 0;
  prev[0] = nextEnding[0] = -1;
  lastEnding[0] = 0;
  let nodes = 1;

  for (let pos = 0; pos < n; pos++) {
    if (lastEnding[pos] < 0) continue;
    let from = pos;
    while (from < n && cat[from] === spaceCategory) from++;
    if (from === n) break;
    let queued = 0;

    // Dictionary words starting at `from`: walk the double-array trie over UTF-8 bytes.
    let node = 0,
      found = 0;
    walk: for (let q = from; q < n; q++) {
      for (let b = u8[q]; b < u8[q + 1]; b++) {
        const child = trie[2 * node] + bytes[b];
        if (child >= units || trie[2 * child + 1] !== node) break walk;
        node = child;
      }
      const leaf = trie[2 * node];
      if (leaf < units && trie[2 * leaf + 1] === node && trie[2 * leaf] <= 0) {
        const value = -trie[2 * leaf] - 1;
        const first = wordStart[value];
        const last = wordStart[value + 1];
        roomForPending(queued + 4 * (last - first));
        for (let w = first; w < last; w++, queued += 4) {
          pending[queued] = q - from + 1;
          pending[queued + 1] = wordLeft[w];
          pending[queued + 2] = wordRight[w];
          pending[queued + 3] = wordCost[w];
        }
        found++;
      }
    }

    // Unknown words, as MeCab's Tokenizer::lookup builds them.
    const c = categories[cat[from]];
    if (found === 0 || c.invoke) {
      const before = queued;
      let groupEnd = -1;
      if (c.group) {
        let q = from + 1;
        while (q < n && (kinds[q - 1] & kinds[q]) !== 0) q++;
        if (q - from - 1 <= MAX_GROUPING) queued = queueUnknown(c, q - from, queued);
        groupEnd = q;
      }
      let q = from + 1;
      for (let i = 1; i <= c.length; i++) {
        if (q > n) break;
        if (q === groupEnd) continue;
        queued = queueUnknown(c, q - from, queued);
        if (q >= n || (kinds[from] & kinds[q]) === 0) break;
        q++;
      }
      if (found === 0 && queued === before) queued = queueUnknown(c, 1, queued);
    }

    // MeCab links each new node in front of the previous ones, so it connects them in reverse. The nodes ending
    // at `pos` do not change meanwhile (new ones end further on): the best of them per left id is found once.
    if (nodes + queued / 4 > nodeRoom) roomForNodes(nodes + queued / 4);
    let ends = 0;
    for (let l = lastEnding[pos]; l >= 0; l = nextEnding[l], ends++) {
      if (ends === endId.length) [endId, endTotal, endRight] = [endId, endTotal, endRight].map(grown);
      endId[ends] = l;
      endTotal[ends] = total[l];
      endRight[ends] = right[l];
    }
    const stamp = pos + 1;
    for (let k = queued - 4; k >= 0; k -= 4) {
      const left = pending[k + 1];
      let best: number, bestCost: number;
      if (memoStamp[left] === stamp) {
        best = memoBest[left];
        bestCost = memoCost[left];
      } else {
        let at = 0;
        bestCost = NO_PATH;
        const row = left * stride;
        for (let e = 0; e < ends; e++) {
          const cost = endTotal[e] + connection[row + endRight[e]];
          if (cost < bestCost) {
            bestCost = cost;
            at = e;
          }
        }
        best = endId[at];
        memoStamp[left] = stamp;
        memoBest[left] = best;
        memoCost[left] = bestCost;
      }
      const to = from + pending[k];
      start[nodes] = from;
      end[nodes] = to;
      right[nodes] = pending[k + 2];
      total[nodes] = bestCost + pending[k + 3];
      prev[nodes] = best;
      nextEnding[nodes] = lastEnding[to];
      lastEnding[to] = nodes++;
    }
  }

  // EOS joins the last position where words end (trailing blanks make none).
  // (A do-while: the step runs on every text, so the optimised code never meets it without type feedback.)
  let last = n + 1;
  do last--;
  while (lastEnding[last] < 0);
  let best = -1,
    bestCost = NO_PATH;
  for (let l = lastEnding[last]; l >= 0; l = nextEnding[l]) {
    const cost = total[l] + connection[right[l]];
    if (cost < bestCost) {
      bestCost = cost;
      best = l;
    }
  }
  const surfaces: string[] = [];
  for (let id = best; id > 0; id = prev[id]) surfaces.push(text.slice(u16[start[id]], u16[end[id]]));
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
