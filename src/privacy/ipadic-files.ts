// kuromoji's compiled IPADIC files, read into compact tables for the part-of-speech tokenizer:
// the words' parts of speech as one small interned table (instead of 36 MB of feature strings), the
// trie-to-word map as three typed arrays (instead of a JS object of 390,000 arrays), and the
// zero-padded files without their padding. Run on a worker thread (ipadic-worker.ts): the ~80 MB
// read on the way is freed when the thread ends, instead of staying in the bot's resident memory.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** tid.dat: 10 bytes a word (left id, right id, cost: int16; offset of its features in tid_pos.dat: int32). */
export const WORD_BYTES = 10;

export interface CompactIpadic {
  /** tid.dat without its padding. */
  words: Uint8Array;
  /** Part of speech of word i (tid.dat offset / 10): an index into `posNames`. */
  posOfWord: Uint16Array;
  /** [pos, detail 1, detail 2, detail 3] */
  posNames: string[][];
  /** UTF-16 length of the longest surface (the trie's longest key). */
  longestWord: number;
  /** tid_map.dat: trie ids ascending; the words of keys[i] are values[starts[i] .. starts[i + 1]). */
  keys: Int32Array;
  starts: Int32Array;
  values: Int32Array;
  unknownWords: Uint8Array;
  unknownFeatures: Uint8Array;
  unknownInvoke: Uint8Array;
}

function gunzipped(file: string): Buffer {
  const gz = readFileSync(file);
  // One output buffer of the size the gzip trailer gives: no chunks to join.
  return gunzipSync(gz, { chunkSize: Math.max(2 ** 16, gz.readUInt32LE(gz.length - 4) + 1) });
}

/** A copy without the trailing zero padding, `keep` bytes of it left (reads never go further). */
function trimmed(data: Uint8Array, keep = 64): Uint8Array {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  return new Uint8Array(data.subarray(0, Math.min(data.length, end + keep)));
}

function partsOfSpeech(
  words: Uint8Array,
  features: Uint8Array,
): Pick<CompactIpadic, 'posOfWord' | 'posNames' | 'longestWord'> {
  const count = Math.floor(words.length / WORD_BYTES);
  const view = new DataView(words.buffer, words.byteOffset, words.byteLength);
  const posOfWord = new Uint16Array(count);
  const posNames: string[][] = [];
  const index = new Map<string, number>();
  const byOffset = new Map<number, number>();
  const decoder = new TextDecoder();
  let longestWord = 0;
  for (let w = 0; w < count; w++) {
    const from = view.getInt32(w * WORD_BYTES + 6, true);
    let id = byOffset.get(from);
    if (id === undefined) {
      // surface, pos, its three details, …: ten fields, none holding a comma.
      const fields = decoder.decode(features.subarray(from, features.indexOf(0, from))).split(',');
      longestWord = Math.max(longestWord, fields[0].length);
      const key = fields.slice(1, 5).join(',');
      id = index.get(key);
      if (id === undefined) {
        id = posNames.length;
        index.set(key, id);
        posNames.push(fields.slice(1, 5));
      }
      byOffset.set(from, id);
    }
    posOfWord[w] = id;
  }
  return { posOfWord, posNames, longestWord };
}

function targetMap(data: Uint8Array): Pick<CompactIpadic, 'keys' | 'starts' | 'values'> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getInt32(0, true);
  const keys = new Int32Array(count);
  const starts = new Int32Array(count + 1);
  const values: number[] = [];
  let at = 4;
  for (let k = 0; k < count && at + 8 <= data.length; k++) {
    keys[k] = view.getInt32(at, true);
    const n = view.getInt32(at + 4, true);
    at += 8;
    for (let i = 0; i < n; i++, at += 4) values.push(view.getInt32(at, true));
    starts[k + 1] = values.length;
  }
  return { keys, starts, values: Int32Array.from(values) };
}

/** The compact tables from the dictionary folder `dir` (kuromoji/dict). */
export function readCompactIpadic(dir: string): CompactIpadic {
  const file = (name: string) => path.join(dir, name);
  const words = trimmed(gunzipped(file('tid.dat.gz')), WORD_BYTES);
  return {
    words,
    ...partsOfSpeech(words, gunzipped(file('tid_pos.dat.gz'))),
    ...targetMap(gunzipped(file('tid_map.dat.gz'))),
    unknownWords: trimmed(gunzipped(file('unk.dat.gz'))),
    unknownFeatures: trimmed(gunzipped(file('unk_pos.dat.gz'))),
    unknownInvoke: trimmed(gunzipped(file('unk_invoke.dat.gz'))),
  };
}

/** What a thread transfers rather than copies. */
export function transferList(c: CompactIpadic): ArrayBuffer[] {
  const arrays = [c.words, c.posOfWord, c.keys, c.starts, c.values, c.unknownWords, c.unknownFeatures, c.unknownInvoke];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

/** A gunzipped file kept as it is (base, check, cc, unk_char, unk_compat, unk_map): exact sizes, no padding. */
export const exactFile = gunzipped;
