// A MeCab-exact word segmenter over kuromoji's IPADIC. kuromoji's own lattice differs from MeCab's in
// three ways that change ROUGE-L scores, and the release was scored with MeCab:
//  1. unknown words: MeCab adds a node for every length 1..char.def `length` besides the grouped one,
//     and groups while each next character shares any category with the previous one;
//  2. blanks (char.def SPACE) make no node: a word's span starts after them, and costs connect the word
//     before to the word after;
//  3. the whole text is one lattice (kuromoji cuts sentences at 、 and 。).
// Ties between equal-cost paths are broken in MeCab's order (the later-built left node wins).
import { chars, readCharacters } from './characters.js';
import type { Ipadic } from './ipadic.js';

const MAX_GROUPING = 24; // MeCab's max-grouping-size
/** Above any path's cost (word and joining costs are int16, paths shorter than 2^15 words). */
const NO_PATH = 0x7fffffff;

// The work is split into small functions (the characters, the words at a position, joining them, the best path):
// V8 optimises each soon and quickly, where one large function ran unoptimised for the first ~0.1 s of a process.
// Their state lives in this module (segment is synchronous); each function reads it into locals first, as a
// module variable is read from memory at each use.

// The dictionary's tables, held only during a call of segment (useDictionary, releaseDictionary): a dictionary
// forgotten (forgetIpadic) must not stay in memory for this module's sake.
const NONE = { int32: new Int32Array(0), int16: new Int16Array(0), uint32: new Uint32Array(0) };
let trie: Int32Array = NONE.int32;
let units = 0;
let words: Int16Array = NONE.int16;
let firstStep: Int32Array = NONE.int32;
let connection: Int16Array = NONE.int16;
let stride = 0;
let kindsOf: Uint32Array = NONE.uint32;
let defaultKinds = 0;
// char.def's categories, five int32 each (length, invoke, group, first and end offset in unknownTable), and their
// unknown words as [left, right, cost] triples; unknownRoom, the most unknown words one position can queue (a
// grouped one and one per length 1..length+1). Built once a dictionary.
export interface Categories {
  categoryTable: Int32Array;
  unknownTable: Int32Array;
  unknownRoom: number;
}
const categoriesOf = new WeakMap<Ipadic, Categories>();
let categoryTable: Int32Array = NONE.int32;
let unknownTable: Int32Array = NONE.int32;
let unknownRoom = 0;

// Scratch tables reused by every text: a text allocates nothing but its surfaces. They only grow, to the longest
// text's needs.
let lastEnding = new Int32Array(0); // per position: the newest node ending there, -1 if none
// The node table, four int32 a node: right id, path cost, best left node, next node ending where it ends (nodes
// ending at a position are chained newest first, as MeCab chains them, so the newest of equal-cost left nodes
// wins). Node 0 is BOS. Beside it, each node's first and end code point.
let nodeRoom = 0;
let nodeTable = new Int32Array(0);
let spanTable = new Int32Array(0);
// Candidate words at one position: [length, left, right, cost] quadruples, in MeCab's build order.
let pendingTable = new Int32Array(4096);
// The nodes ending at the current position that can be a new word's best left node, in chain order.
let endId = new Int32Array(256);
let endTotal = new Int32Array(256);
let endRight = new Int32Array(256);
// The best left node per left id at the current position (memoStamp[left] === position + 1 when known).
let memoStamp = new Int32Array(0);
let memoBest = new Int32Array(0);
let memoCost = new Int32Array(0);
// Per right id: the last gathered node of that right id at the current position (stamped as the memo).
let slotStamp = new Int32Array(0);
let slotAt = new Int32Array(0);

function useDictionary(dic: Ipadic): void {
  ({ trie, words, firstStep, connection, connectionStride: stride, kindsOf } = dic);
  units = trie.length >> 1;
  defaultKinds = 1 << dic.defaultCategory;
  ({ categoryTable, unknownTable, unknownRoom } = categoryTables(dic));
  const lefts = connection.length / stride;
  if (memoStamp.length !== lefts) [memoStamp, memoBest, memoCost] = [0, 0, 0].map(() => new Int32Array(lefts));
  if (slotStamp.length !== stride) [slotStamp, slotAt] = [0, 0].map(() => new Int32Array(stride));
}

function releaseDictionary(): void {
  [trie, words, firstStep, connection, kindsOf] = [NONE.int32, NONE.int16, NONE.int32, NONE.int16, NONE.uint32];
}

/** `dic`'s char.def categories as flat tables (built once a dictionary; the native lattice reads them too). */
export function categoryTables(dic: Ipadic): Categories {
  let categories = categoriesOf.get(dic);
  if (!categories) categoriesOf.set(dic, (categories = flatCategories(dic)));
  return categories;
}

function flatCategories(dic: Ipadic): Categories {
  const categoryTable = new Int32Array(5 * dic.categories.length);
  const unknownTable = new Int32Array(3 * dic.categories.reduce((n, c) => n + c.unknownEntries.length, 0));
  let unknownRoom = 0;
  let at = 0;
  dic.categories.forEach((c, i) => {
    categoryTable.set([c.length, c.invoke ? 1 : 0, c.group ? 1 : 0, at, at + 3 * c.unknownEntries.length], 5 * i);
    for (const e of c.unknownEntries) unknownTable.set([e.left, e.right, e.cost], (at += 3) - 3);
    unknownRoom = Math.max(unknownRoom, (c.length + 2) * c.unknownEntries.length);
  });
  return { categoryTable, unknownTable, unknownRoom };
}

/** `a` copied into an array of `length` (by default twice its own). */
function grown(a: Int32Array<ArrayBuffer>, length = a.length * 2): Int32Array<ArrayBuffer> {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}

function growNodes(n: number): void {
  nodeRoom = Math.max(n, nodeRoom * 2, 1024);
  nodeTable = grown(nodeTable, 4 * nodeRoom);
  spanTable = grown(spanTable, 2 * nodeRoom);
}

/** Queues the dictionary's words of `length` from word `w` on; returns the new end of the queue. */
function queueWords(w: number, length: number, queued: number): number {
  const stop = queued + 4 * (words[4 * w + 3] + 1);
  if (stop > pendingTable.length) pendingTable = grown(pendingTable, Math.max(stop, 2 * pendingTable.length));
  const pending = pendingTable;
  for (let at = 4 * w; queued < stop; queued += 4, at += 4) {
    pending[queued] = length;
    pending[queued + 1] = words[at];
    pending[queued + 2] = words[at + 1];
    pending[queued + 3] = words[at + 2];
  }
  return queued;
}

/** Queues unknown words unknownTable[first..end) of `length`; returns the new end of the queue. */
function queueUnknown(first: number, end: number, length: number, queued: number): number {
  const pending = pendingTable;
  for (let e = first; e < end; e += 3, queued += 4) {
    pending[queued] = length;
    pending[queued + 1] = unknownTable[e];
    pending[queued + 2] = unknownTable[e + 1];
    pending[queued + 3] = unknownTable[e + 2];
  }
  return queued;
}

/** Queues the words starting at code point `from` of `n`, as MeCab's Tokenizer::lookup; returns the queue's end. */
function lookup(from: number, n: number): number {
  const { u8, point, utf8: bytes } = chars;
  const tr = trie,
    steps = firstStep,
    us = units;
  let queued = 0,
    found = 0;
  // Dictionary words: walk the double-array trie over UTF-8 bytes, the first character from its table.
  let node = -1;
  if (point[from] < 0x10000) {
    node = steps[2 * point[from]];
    const w = steps[2 * point[from] + 1];
    if (w >= 0) {
      queued = queueWords(w, 1, queued);
      found++;
    }
  } else node = 0;
  walk: for (let q = node > 0 ? from + 1 : node === 0 ? from : n; q < n; q++) {
    for (let b = u8[q]; b < u8[q + 1]; b++) {
      const child = tr[2 * node] + bytes[b];
      if (child >= us || tr[2 * child + 1] !== node) break walk;
      node = child;
    }
    const leaf = tr[2 * node];
    if (leaf < us && tr[2 * leaf + 1] === node && tr[2 * leaf] <= 0) {
      queued = queueWords(-tr[2 * leaf] - 1, q - from + 1, queued);
      found++;
    }
  }

  // Unknown words.
  const c = 5 * chars.category[from];
  const categories = categoryTable;
  if (found > 0 && categories[c + 1] === 0) return queued;
  if (queued + 4 * unknownRoom > pendingTable.length) pendingTable = grown(pendingTable, queued + 4 * unknownRoom);
  const first = categories[c + 3],
    last = categories[c + 4],
    kinds = kindsOf;
  const kindsFrom = point[from] < 0x10000 ? kinds[point[from]] : defaultKinds;
  const before = queued;
  let groupEnd = -1;
  if (categories[c + 2] === 1) {
    // A run longer than a grouped word can be (or than the lengths below reach) need not be read to its end: reading
    // it all made a long run of one kind (40,000 'a') quadratic.
    const stop = Math.min(n, from + MAX_GROUPING + 2 + Math.max(0, categories[c]));
    let q = from + 1;
    for (let k = kindsFrom; q < stop; q++) {
      const next = point[q] < 0x10000 ? kinds[point[q]] : defaultKinds;
      if ((k & next) === 0) break;
      k = next;
    }
    if (q - from - 1 <= MAX_GROUPING) queued = queueUnknown(first, last, q - from, queued);
    groupEnd = q;
  }
  let q = from + 1;
  for (let i = 1; i <= categories[c]; i++) {
    if (q > n) break;
    if (q === groupEnd) continue;
    queued = queueUnknown(first, last, q - from, queued);
    if (q >= n || (kindsFrom & (point[q] < 0x10000 ? kinds[point[q]] : defaultKinds)) === 0) break;
    q++;
  }
  if (found === 0 && queued === before) queued = queueUnknown(first, last, 1, queued);
  return queued;
}

/**
 * Adds the `queued` words starting at `from` to the lattice, each joined to its best node ending at `pos`; returns
 * the new node count. MeCab links each new node in front of the previous ones, so it connects them in reverse.
 */
function join(pos: number, from: number, queued: number, nodes: number): number {
  if (nodes + (queued >> 2) > nodeRoom) growNodes(nodes + (queued >> 2));
  const lattice = nodeTable,
    spans = spanTable,
    ending = lastEnding,
    pending = pendingTable,
    cost = connection,
    columns = stride;
  // The nodes ending at `pos` that can be a best left node. One no cheaper than an earlier one of the same right
  // id never is (the same joining cost, and the first of equal costs wins): left out, the scans below are a quarter
  // shorter.
  const stamp = pos + 1;
  const slots = slotStamp,
    slotOf = slotAt,
    memo = memoStamp,
    memoNode = memoBest,
    memoTotal = memoCost;
  let ids = endId,
    totals = endTotal,
    rights = endRight,
    ends = 0;
  for (let l = ending[pos]; l >= 0; l = lattice[4 * l + 3]) {
    const r = lattice[4 * l];
    const total = lattice[4 * l + 1];
    if (slots[r] === stamp && total >= totals[slotOf[r]]) continue;
    if (ends === ids.length) {
      [ids, totals, rights] = [endId, endTotal, endRight] = [endId, endTotal, endRight].map((a) => grown(a));
    }
    slots[r] = stamp;
    slotOf[r] = ends;
    ids[ends] = l;
    totals[ends] = total;
    rights[ends++] = r;
  }
  // The nodes ending at `pos` do not change meanwhile (new ones end further on): the best per left id is found once.
  for (let k = queued - 4; k >= 0; k -= 4) {
    const left = pending[k + 1];
    let best: number, bestCost: number;
    if (memo[left] === stamp) {
      best = memoNode[left];
      bestCost = memoTotal[left];
    } else {
      let at = 0;
      bestCost = NO_PATH;
      const row = left * columns;
      for (let e = 0; e < ends; e++) {
        const c = totals[e] + cost[row + rights[e]];
        if (c < bestCost) {
          bestCost = c;
          at = e;
        }
      }
      best = ids[at];
      memo[left] = stamp;
      memoNode[left] = best;
      memoTotal[left] = bestCost;
    }
    const to = from + pending[k];
    lattice[4 * nodes] = pending[k + 2];
    lattice[4 * nodes + 1] = bestCost + pending[k + 3];
    lattice[4 * nodes + 2] = best;
    lattice[4 * nodes + 3] = ending[to];
    spans[2 * nodes] = from;
    spans[2 * nodes + 1] = to;
    ending[to] = nodes++;
  }
  return nodes;
}

/** The surfaces of the best path to EOS, which joins the last position where words end (trailing blanks make none). */
function bestPath(text: string, n: number): string[] {
  const lattice = nodeTable,
    spans = spanTable,
    ending = lastEnding,
    u16 = chars.u16;
  // (A do-while: the step runs on every text, so the optimised code never meets it without type feedback.)
  let last = n + 1;
  do last--;
  while (ending[last] < 0);
  let best = -1,
    bestCost = NO_PATH,
    count = 0;
  for (let l = ending[last]; l >= 0; l = lattice[4 * l + 3]) {
    const cost = lattice[4 * l + 1] + connection[lattice[4 * l]];
    if (cost < bestCost) {
      bestCost = cost;
      best = l;
    }
  }
  for (let id = best; id > 0; id = lattice[4 * id + 2]) count++;
  const surfaces: string[] = new Array<string>(count);
  for (let id = best; id > 0; id = lattice[4 * id + 2])
    surfaces[--count] = text.slice(u16[spans[2 * id]], u16[spans[2 * id + 1]]);
  return surfaces;
}

/** Segments `text` exactly as `mecab -Owakati` with IPADIC would, returning the surface forms. */
export function segment(dic: Ipadic, text: string): string[] {
  useDictionary(dic);
  const { spaceCategory } = dic;
  memoStamp.fill(0);
  slotStamp.fill(0);
  const n = readCharacters(text, dic.categoryOf, dic.defaultCategory);
  if (nodeRoom === 0) growNodes(1);
  nodeTable.fill(0, 0, 4);
  nodeTable[2] = nodeTable[3] = -1;
  spanTable[0] = spanTable[1] = 0;
  if (lastEnding.length < n + 1) lastEnding = new Int32Array(chars.u16.length);
  const cat = chars.category,
    ending = lastEnding;
  ending.fill(-1, 0, n + 1);
  ending[0] = 0;
  let nodes = 1;
  for (let pos = 0; pos < n; pos++) {
    if (ending[pos] < 0) continue;
    // Blanks (char.def SPACE) make no node: the word starts after them.
    let from = pos;
    while (from < n && cat[from] === spaceCategory) from++;
    if (from === n) break;
    nodes = join(pos, from, lookup(from, n), nodes);
  }
  const surfaces = bestPath(text, n);
  releaseDictionary();
  return surfaces;
}
