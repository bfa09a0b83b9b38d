// The IPADIC dictionary bundled with kuromoji, read straight from its compiled files, plus MeCab's
// character table. Only what segmentation needs is loaded (no part-of-speech strings), with Node's own
// gunzip, once, lazily, on first use; its tables lie in shared memory, so that worker threads given them
// (useIpadic) hold no copy of their own.
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readArrays, shared, writeArrays } from './array-file.js';

const require = createRequire(import.meta.url);

/** One dictionary or unknown-word entry: connection ids and word cost. */
export interface Entry {
  left: number;
  right: number;
  cost: number;
}

/** A character category of char.def (DEFAULT, SPACE, KANJI, ...). */
export interface CharCategory {
  name: string;
  invoke: boolean;
  group: boolean;
  length: number;
  unknownEntries: Entry[];
}

export interface Ipadic {
  /**
   * The double-array trie over UTF-8 bytes, each unit's base and check side by side (trie[2i], trie[2i + 1]), as
   * MeCab's Darts keeps them: a step of the walk reads one cache line, not one in each of two 6 MB arrays.
   * A leaf's base is -w - 1, w the first of its surface's words.
   */
  trie: Int32Array;
  /**
   * The dictionary words, four int16 each: left id, right id, cost, and how many words of the same surface follow
   * it (a surface's words are consecutive). One record holds all a word's lookup needs: one cache line, where a
   * table of surfaces and three of ids and costs were four.
   */
  words: Int16Array;
  /**
   * Per BMP code point (a lone surrogate read as U+FFFD, as TextEncoder writes it): the trie node its UTF-8 bytes
   * lead to from the root, -1 when none, and the first word of that node's surface, -1 when none. The walk of
   * every position starts here: one read, where its first character's bytes were two to four steps.
   */
  firstStep: Int32Array;
  /**
   * matrix.def, transposed: the cost of joining a left word's right id r to a right word's left id l is
   * connection[l * connectionStride + r]. The lattice asks it for one l against every word ending where a new one
   * starts: one row of 2.6 KB, not a cache line from each of as many rows of a 3.4 MB table.
   */
  connection: Int16Array;
  connectionStride: number;
  categories: CharCategory[];
  /** Per BMP code point: its default category id. */
  categoryOf: Uint8Array;
  /** Per BMP code point: bit set of every category it belongs to (default and compatible). */
  kindsOf: Uint32Array;
  spaceCategory: number;
  defaultCategory: number;
}

// char.def's SPACE lines. kuromoji's compiled table files every code point that char.def does not
// list under class 1 (SPACE) instead of DEFAULT (its DictionaryBuilder writes `1 << default_id`, a
// bit, where a class id belongs), so non-breaking spaces, control characters and the like would be
// skipped like blanks. MeCab only skips these. (0x00D0 is also listed, but the later ALPHA range
// overrides it, as MeCab and kuromoji agree.)
const MECAB_SPACES = [0x20, 0x09, 0x0b, 0x0a];

/** A compiled token table: 10-byte records (left id, right id, cost as int16 LE, then a POS pointer). */
function readEntry(table: DataView, offset: number): Entry {
  return {
    left: table.getInt16(offset, true),
    right: table.getInt16(offset + 2, true),
    cost: table.getInt16(offset + 4, true),
  };
}

/** Keys to lists of record offsets, stored flat: the values of `key` are values[start[key]..start[key + 1]). */
interface TargetMap {
  start: Int32Array;
  values: Int32Array;
}

/** A compiled target map (int32 LE: key count, then key, value count, values... for ascending keys). */
function readTargetMap(bytes: Uint8Array): TargetMap {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let maxKey = -1;
  let total = 0;
  for (let at = 4; at + 8 <= bytes.byteLength;) {
    const key = view.getInt32(at, true);
    const count = view.getInt32(at + 4, true);
    if (count > 0) {
      if (key <= maxKey) throw new Error('IPADIC target map: keys out of order (a damaged kuromoji dictionary?)');
      maxKey = key;
      total += count;
    }
    at += 8 + 4 * count;
  }
  const start = new Int32Array(maxKey + 2);
  const values = new Int32Array(total);
  let filled = 0;
  let nextKey = 0;
  for (let at = 4; at + 8 <= bytes.byteLength;) {
    const key = view.getInt32(at, true);
    const count = view.getInt32(at + 4, true);
    at += 8;
    if (count > 0) {
      while (nextKey <= key) start[nextKey++] = filled;
      for (let i = 0; i < count; i++, at += 4) values[filled++] = view.getInt32(at, true);
    } else at += 4 * count;
  }
  while (nextKey <= maxKey + 1) start[nextKey++] = filled;
  return { start, values };
}

function targetsOf(map: TargetMap, key: number): Int32Array {
  return key + 1 < map.start.length ? map.values.subarray(map.start[key], map.start[key + 1]) : new Int32Array(0);
}

/** char.def's categories as compiled: invoke byte, group byte, int32 length, NUL-terminated name. */
function readCategories(bytes: Uint8Array): Omit<CharCategory, 'unknownEntries'>[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Omit<CharCategory, 'unknownEntries'>[] = [];
  // The file ends in zero padding: stop at the first nameless record.
  for (let at = 0; at + 6 < bytes.byteLength && bytes[at + 6] !== 0;) {
    let end = at + 6;
    while (end < bytes.byteLength && bytes[end] !== 0) end++;
    out.push({
      name: new TextDecoder().decode(bytes.subarray(at + 6, end)),
      invoke: bytes[at] === 1,
      group: bytes[at + 1] === 1,
      length: view.getInt32(at + 2, true),
    });
    at = end + 1;
  }
  return out;
}

/** Builds the segmenter's tables from kuromoji's compiled IPADIC files. */
async function buildFromKuromoji(dir: string): Promise<Ipadic> {
  // Imported here: a process that reads the cache (every run after the first) never loads them (~10 ms).
  const [{ readFile }, { promisify }, { gunzip }] = await Promise.all([
    import('node:fs/promises'),
    import('node:util'),
    import('node:zlib'),
  ]);
  const gunzipAsync = promisify(gunzip);
  const load = async (name: string): Promise<Uint8Array> => {
    const bytes = await gunzipAsync(await readFile(path.join(dir, `${name}.dat.gz`)));
    // Typed views need 4-byte alignment; gunzip's large outputs have it, small pooled ones may not.
    return bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  };
  const [base, check, tid, tidMap, cc, unk, unkMap, unkChar, unkCompat, unkInvoke] = await Promise.all(
    ['base', 'check', 'tid', 'tid_map', 'cc', 'unk', 'unk_map', 'unk_char', 'unk_compat', 'unk_invoke'].map(load),
  );
  const int32 = (b: Uint8Array) => new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
  const unkTable = new DataView(unk.buffer, unk.byteOffset, unk.byteLength);
  const unkTargets = readTargetMap(unkMap);
  const categories: CharCategory[] = readCategories(unkInvoke).map((c, id) => ({
    ...c,
    unknownEntries: Array.from(targetsOf(unkTargets, id), (offset) => readEntry(unkTable, offset)),
  }));
  const spaceCategory = categories.findIndex((c) => c.name === 'SPACE');
  const defaultCategory = categories.findIndex((c) => c.name === 'DEFAULT');
  const compatible = new Uint32Array(unkCompat.buffer, unkCompat.byteOffset, unkCompat.byteLength >> 2);
  const categoryOf = new Uint8Array(unkChar);
  const kindsOf = new Uint32Array(0x10000);
  const spaces = new Set(MECAB_SPACES);
  for (let cp = 0; cp < 0x10000; cp++) {
    if (categoryOf[cp] === spaceCategory && !spaces.has(cp)) categoryOf[cp] = defaultCategory;
    kindsOf[cp] = (1 << categoryOf[cp]) | compatible[cp];
  }
  const words = readTargetMap(tidMap);
  const tokenTable = new DataView(tid.buffer, tid.byteOffset, tid.byteLength);
  const n = words.values.length;
  const table = new Int16Array(4 * n);
  for (let w = 0; w < n; w++) {
    const entry = readEntry(tokenTable, words.values[w]);
    table[4 * w] = entry.left;
    table[4 * w + 1] = entry.right;
    table[4 * w + 2] = entry.cost;
  }
  for (let v = 0; v + 1 < words.start.length; v++) {
    for (let w = words.start[v]; w < words.start[v + 1]; w++) table[4 * w + 3] = words.start[v + 1] - 1 - w;
  }
  // cc.dat: two int16 dimensions (right ids of left words, left ids of right words), then the matrix with a row
  // per left word's right id.
  const costs = new Int16Array(cc.buffer, cc.byteOffset, cc.byteLength >> 1);
  const [rights, lefts] = [costs[0], costs[1]];
  const connection = new Int16Array(rights * lefts);
  for (let r = 0; r < rights; r++)
    for (let l = 0; l < lefts; l++) connection[l * rights + r] = costs[2 + r * lefts + l];
  const [bases, allChecks] = [int32(base), int32(check)];
  // kuromoji's arrays run to a power of two (2,097,152 units); past the last unit in use (or a base's reach, 256
  // further) every check is -1, which the walk reads as no child: 6 MB less to read and hold.
  let used = 0;
  for (let i = 0; i < allChecks.length; i++) if (allChecks[i] >= 0) used = Math.max(used, i + 1, bases[i] + 256);
  const checks = allChecks.subarray(0, Math.min(used, allChecks.length));
  const trie = new Int32Array(2 * checks.length);
  for (let i = 0; i < checks.length; i++) {
    trie[2 * i] = bases[i];
    trie[2 * i + 1] = checks[i];
  }
  // Each leaf (the unit a node's base points to, checked by that node, base <= 0: the lattice's own test) names its
  // first word instead of its trie value.
  for (let node = 1; node < checks.length; node++) {
    const leaf = bases[node];
    if (leaf <= 0 || leaf >= checks.length || checks[leaf] !== node || bases[leaf] > 0) continue;
    const value = -bases[leaf] - 1;
    if (words.start[value] === words.start[value + 1])
      throw new Error('IPADIC: a surface without words (a damaged kuromoji dictionary?)');
    trie[2 * leaf] = -words.start[value] - 1;
  }
  return {
    trie,
    words: table,
    firstStep: firstSteps(trie),
    connection,
    connectionStride: rights,
    categories,
    categoryOf,
    kindsOf,
    spaceCategory,
    defaultCategory,
  };
}

/** Ipadic.firstStep of `trie`. */
function firstSteps(trie: Int32Array): Int32Array {
  const units = trie.length >> 1;
  const steps = new Int32Array(2 * 0x10000).fill(-1);
  const encoder = new TextEncoder();
  for (let cp = 0; cp < 0x10000; cp++) {
    let node = 0;
    for (const byte of encoder.encode(String.fromCharCode(cp))) {
      const child = trie[2 * node] + byte;
      // (Byte 0, a NUL, would lead back to the root: no word starts with it.)
      node = child > 0 && child < units && trie[2 * child + 1] === node ? child : -1;
      if (node < 0) break;
    }
    if (node < 0) continue;
    steps[2 * cp] = node;
    const leaf = trie[2 * node];
    if (leaf < units && trie[2 * leaf + 1] === node && trie[2 * leaf] <= 0) steps[2 * cp + 1] = -trie[2 * leaf] - 1;
  }
  return steps;
}

const TABLES = ['trie', 'words', 'firstStep', 'connection', 'categoryOf', 'kindsOf'] as const;
const CACHE_FORMAT = 5;

/** Where the built tables are kept between runs: JCB_CACHE_DIR, else ~/.cache/jcb. */
function cacheFile(kuromojiVersion: string): string {
  const dir = process.env.JCB_CACHE_DIR || path.join(os.homedir(), '.cache', 'jcb');
  return path.join(dir, `ipadic-kuromoji-${kuromojiVersion}-v${CACHE_FORMAT}.bin`);
}

// Building the tables takes about 0.5 s of gunzip and parsing; reading them back, a few milliseconds.
async function readDictionary(): Promise<Ipadic> {
  const pkg = require('kuromoji/package.json') as { version: string };
  const file = cacheFile(pkg.version);
  try {
    const { arrays, meta } = readArrays(file);
    if (TABLES.some((t) => !(t in arrays))) throw new Error('not this layout');
    return {
      ...(meta as Pick<Ipadic, 'categories' | 'spaceCategory' | 'defaultCategory' | 'connectionStride'>),
      ...arrays,
    } as Ipadic;
  } catch {
    // no cache yet, or an unreadable one: build it
  }
  const built = await buildFromKuromoji(path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict'));
  const dic: Ipadic = { ...built, ...Object.fromEntries(TABLES.map((t) => [t, shared(built[t])])) };
  try {
    const { categories, spaceCategory, defaultCategory, connectionStride } = dic;
    writeArrays(file, Object.fromEntries(TABLES.map((t) => [t, dic[t]])), {
      categories,
      spaceCategory,
      defaultCategory,
      connectionStride,
    });
  } catch {
    // a read-only home: work without the cache
  }
  return dic;
}

let loading: Promise<Ipadic> | undefined;
let source: (() => Promise<Ipadic>) | undefined;

/** The dictionary, loaded on first call and shared afterwards (its tables over SharedArrayBuffers). */
export function loadIpadic(): Promise<Ipadic> {
  loading ??= (source ?? readDictionary)();
  return loading;
}

/** Forgets the loaded dictionary: its memory goes once nothing else holds it; the next loadIpadic reads it again. */
export function forgetIpadic(): void {
  loading = undefined;
}

/**
 * Has this thread take the dictionary from `source` (the one another thread loaded, e.g. a pool's shared table)
 * instead of loading its own copy; asked on first use. No effect once the dictionary is loaded here.
 */
export function useIpadic(from: () => Promise<Ipadic>): void {
  source = from;
}
