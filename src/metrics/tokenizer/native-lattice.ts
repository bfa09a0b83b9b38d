// The native lattice (native/lattice.cc, built by `npm install` when a C++ compiler is there): the same lattice as
// mecab-lattice.ts over the same tables, in place (no copy of the dictionary), ~2× faster. mecab-lattice.ts stays
// the reference and the fallback: without the addon, or with JCB_TOKENIZER=js, every text goes there.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ipadic } from './ipadic.js';
import { categoryTables, segment as segmentJs } from './mecab-lattice.js';

const require = createRequire(import.meta.url);

/** The addon's functions (native/addon.cc says their contracts). */
export interface NativeLattice {
  /** Writes tokens' UTF-16 [start, end) into `out`; their count. */
  segment(
    text: string,
    out: Int32Array,
    trie: Int32Array,
    words: Int16Array,
    firstStep: Int32Array,
    connection: Int16Array,
    kindsOf: Uint32Array,
    categoryOf: Uint8Array,
    categoryTable: Int32Array,
    unknownTable: Int32Array,
    params: Int32Array,
  ): number;
  /** A new vocabulary of token ids (token-ids.ts). */
  vocabulary(): NativeVocabulary;
  /** ROUGE-L's tokens of `text` cut where `bounds` says, as ids of `vocabulary` in `out`; their count. */
  ids(vocabulary: NativeVocabulary, text: string, bounds: Int32Array, count: number, out: Int32Array): number;
  /** The LCS length of two id sequences of `vocabulary`. */
  lcs(vocabulary: NativeVocabulary, a: Int32Array, b: Int32Array): number;
}

/** A vocabulary the addon made (an opaque handle). */
export type NativeVocabulary = { readonly kind: 'vocabulary' };

const FUNCTIONS = ['segment', 'vocabulary', 'ids', 'lcs'] as const;

/** Where `npm install` builds the addon: beside the sources, run from src/ (tsx) or from dist/src/. */
const ADDON = 'metrics/tokenizer/native/build/Release/jcb_lattice.node';
const CANDIDATES = [new URL(`../../${ADDON}`, import.meta.url), new URL(`../../../../src/${ADDON}`, import.meta.url)];

/** Above this many UTF-16 units a text goes to the TypeScript lattice (the addon refuses it: its node table's room). */
export const NATIVE_MAX_TEXT = 1 << 20;

/**
 * What looking for the addon found: it, loaded; or why the TypeScript lattice runs: `off` (JCB_TOKENIZER=js),
 * `not built` (no file), or `unloadable` (a file that would not load, `reason` in words, no path).
 */
export type NativeLoad =
  | { lattice: NativeLattice }
  | { lattice?: undefined; why: 'off' }
  | { lattice?: undefined; why: 'not built' }
  | { lattice?: undefined; why: 'unloadable'; reason: string };

/** Why the system would not load `file`, in a few words with no path: another Node's build, or the loader's own. */
function loadFailure(err: unknown, file: string): string {
  const said = err instanceof Error ? err.message : String(err);
  const abi = /NODE_MODULE_VERSION (\d+)\. This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(said);
  if (abi) return `built for another Node.js: module version ${abi[1]}, this one needs ${abi[2]}`;
  const own = said
    .split(file)
    .join('')
    .split('\n')[0]
    .replace(/^[\s:]+/, '');
  return own.slice(0, 120) || 'the system would not load it';
}

/** The addon from the first of `files` that exists (the build's places by default), or why there is none. */
export function loadNativeLattice(files: readonly URL[] = CANDIDATES): NativeLoad {
  const file = files.map((f) => fileURLToPath(f)).find((f) => existsSync(f));
  if (!file) return { why: 'not built' };
  try {
    const addon = require(file) as Partial<NativeLattice>;
    const missing = FUNCTIONS.filter((f) => typeof addon[f] !== 'function');
    if (!missing.length) return { lattice: addon as NativeLattice };
    return { why: 'unloadable', reason: `it has no ${missing.join(', ')} (built from older sources)` };
  } catch (err) {
    return { why: 'unloadable', reason: loadFailure(err, file) };
  }
}

let loaded: NativeLoad | undefined;

/** This thread's look for the addon (once a thread): the lattice, or why the TypeScript one runs. */
export function nativeLatticeLoad(): NativeLoad {
  loaded ??= process.env.JCB_TOKENIZER === 'js' ? { why: 'off' } : loadNativeLattice();
  return loaded;
}

/** This thread's native lattice, or undefined when JCB_TOKENIZER=js, it is not built, or it will not load. */
export const nativeLattice = (): NativeLattice | undefined => nativeLatticeLoad().lattice;

/** Which lattice `segmentText` runs in this thread. */
export const latticeKind = (): 'native' | 'js' => (nativeLattice() ? 'native' : 'js');

// Token bounds, reused by every text (grown to the longest text's needs).
let out = new Int32Array(1024);
const paramsOf = new WeakMap<Ipadic, Int32Array>();

/**
 * Segments `text` (at most NATIVE_MAX_TEXT units) with `lattice`: its tokens' UTF-16 [start, end) in the first
 * 2 × count entries of `bounds`, an array the next call reuses.
 */
export function nativeBounds(lattice: NativeLattice, dic: Ipadic, text: string): { bounds: Int32Array; count: number } {
  if (out.length < 2 * text.length) out = new Int32Array(Math.max(2 * text.length, 2 * out.length));
  let params = paramsOf.get(dic);
  if (!params)
    paramsOf.set(dic, (params = Int32Array.of(dic.connectionStride, dic.spaceCategory, dic.defaultCategory)));
  const { categoryTable, unknownTable } = categoryTables(dic);
  const { trie, words, firstStep, connection, kindsOf, categoryOf } = dic;
  const count = lattice.segment(
    text,
    out,
    trie,
    words,
    firstStep,
    connection,
    kindsOf,
    categoryOf,
    categoryTable,
    unknownTable,
    params,
  );
  return { bounds: out, count };
}

/** Segments `text` with `lattice` (the addon): the same surfaces as mecab-lattice.ts's segment. */
export function segmentNative(lattice: NativeLattice, dic: Ipadic, text: string): string[] {
  if (text.length > NATIVE_MAX_TEXT) return segmentJs(dic, text);
  const { bounds, count } = nativeBounds(lattice, dic, text);
  const surfaces = new Array<string>(count);
  for (let i = 0; i < count; i++) surfaces[i] = text.slice(bounds[2 * i], bounds[2 * i + 1]);
  return surfaces;
}

/**
 * Segments `text` as `mecab -Owakati` with IPADIC would: with `lattice` (this thread's addon by default) when
 * there is one, else in TypeScript.
 */
export function segmentText(dic: Ipadic, text: string, lattice = nativeLattice()): string[] {
  return lattice ? segmentNative(lattice, dic, text) : segmentJs(dic, text);
}
