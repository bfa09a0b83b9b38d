// ROUGE-L's tokens as integer ids of a vocabulary: what scoring compares when it needs no surface (issue 28: the LCS
// over surfaces, a Map lookup a token, and the surfaces made only to be compared were a third of `jcb score`'s
// ROUGE time). Natively (native/token-ids.cc: no string made for a token, a 64-bit LCS) when the addon is loaded;
// else over rougeTokens' surfaces and rouge-l.ts's LCS, with the same ids and lengths.
import { lcsLength } from '../rouge-l.js';
import type { Ipadic } from './ipadic.js';
import { nativeBounds, nativeLattice, NATIVE_MAX_TEXT, type NativeLattice } from './native-lattice.js';
import { rougeTokens } from './rouge-tokens.js';

/** Token ids of one vocabulary: equal ids, equal surfaces. Ids of two vocabularies are unrelated. */
export interface Vocabulary {
  /** ROUGE-L's tokens of `text` (rougeTokens: the same tokens, in order) as ids of this vocabulary. */
  ids(text: string): Int32Array;
  /** The length of the longest common subsequence of two id sequences of this vocabulary (a RangeError for others). */
  lcs(a: Int32Array, b: Int32Array): number;
}

/** A vocabulary over the native addon: tokens interned in C++, never made as strings. */
function nativeVocabulary(lattice: NativeLattice, dic: Ipadic): Vocabulary {
  const handle = lattice.vocabulary();
  let out = new Int32Array(1024);
  const whole = new Int32Array(2);
  return {
    ids(text) {
      const line = text.replace(/\n/g, ' ');
      if (out.length < line.length) out = new Int32Array(Math.max(line.length, 2 * out.length));
      // Past the addon's lattice: the TypeScript lattice's tokens, as one text the addon cuts at its blanks
      // (a token holds none: rougeTokens cut them there).
      if (line.length > NATIVE_MAX_TEXT) {
        const joined = rougeTokens(dic, text).join(' ');
        whole[1] = joined.length;
        if (out.length < joined.length) out = new Int32Array(joined.length);
        return out.slice(0, lattice.ids(handle, joined, whole, 1, out));
      }
      const { bounds, count } = nativeBounds(lattice, dic, line);
      return out.slice(0, lattice.ids(handle, line, bounds, count, out));
    },
    lcs: (a, b) => lattice.lcs(handle, a, b),
  };
}

/** A vocabulary in TypeScript: rougeTokens' surfaces interned in a Map. */
function scriptVocabulary(dic: Ipadic): Vocabulary {
  const ids = new Map<string, number>();
  const idOf = (surface: string) => {
    let id = ids.get(surface);
    if (id === undefined) ids.set(surface, (id = ids.size));
    return id;
  };
  const known = (a: Int32Array) => a.every((id) => id >= 0 && id < ids.size);
  return {
    ids: (text) => Int32Array.from(rougeTokens(dic, text), idOf),
    lcs(a, b) {
      if (!known(a) || !known(b)) throw new RangeError('a, b: ids of the vocabulary given');
      return lcsLength(a, b);
    },
  };
}

/** A new vocabulary over `dic`: native with the addon loaded (JCB_TOKENIZER not `js`), in TypeScript with `null`. */
export function createVocabulary(dic: Ipadic, lattice: NativeLattice | null = nativeLattice() ?? null): Vocabulary {
  return lattice ? nativeVocabulary(lattice, dic) : scriptVocabulary(dic);
}
