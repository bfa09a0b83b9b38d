// The compact IPADIC tables (src/privacy/ipadic-files.ts) read from a small dictionary folder written here,
// in kuromoji's file layouts: tid.dat (10 bytes a word, the features' offset at byte 6), tid_pos.dat
// (NUL-terminated "surface,pos,pos1,pos2,pos3,..." lines), tid_map.dat (count, then key, n, n values).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { exactFile, readCompactIpadic, transferList, WORD_BYTES } from '../src/privacy/ipadic-files.js';

const int32s = (...values: number[]) => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeInt32LE(v, i * 4));
  return b;
};
/** A word of tid.dat: left id, right id, cost (int16) and the offset of its features (int32). */
const word = (left: number, right: number, cost: number, features: number) => {
  const b = Buffer.alloc(WORD_BYTES);
  b.writeInt16LE(left, 0);
  b.writeInt16LE(right, 2);
  b.writeInt16LE(cost, 4);
  b.writeInt32LE(features, 6);
  return b;
};

function dictionary(files: Record<string, Buffer>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-ipadic-'));
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), gzipSync(data));
  return dir;
}

const FEATURES = ['森,名詞,固有名詞,人名,姓,*', '林,名詞,固有名詞,人名,姓,*', 'は,助詞,係助詞,*,*,*'];
const featureBytes = Buffer.concat(FEATURES.map((f) => Buffer.from(`${f}\0`)));
const offsets = FEATURES.map((_, i) =>
  Buffer.byteLength(
    FEATURES.slice(0, i)
      .map((f) => `${f}\0`)
      .join(''),
  ),
);
const zeros = (n: number) => Buffer.alloc(n);

describe('the compact IPADIC tables', () => {
  const dir = dictionary({
    // Four words (the last two share the features of the first at one offset and of は), then padding.
    'tid.dat.gz': Buffer.concat([
      word(1, 2, -300, offsets[0]),
      word(3, 4, 500, offsets[1]),
      word(5, 6, 7, offsets[0]),
      word(8, 9, 10, offsets[2]),
      zeros(100),
    ]),
    'tid_pos.dat.gz': featureBytes,
    // Three keys: 7 → [0, 2], 11 → [], 42 → [1, 3, 0].
    'tid_map.dat.gz': int32s(3, 7, 2, 0, 2, 11, 0, 42, 3, 1, 3, 0),
    'unk.dat.gz': Buffer.concat([Buffer.from([1, 2, 0, 3]), zeros(200)]),
    'unk_pos.dat.gz': Buffer.concat([Buffer.from('記号,一般\0'), zeros(70)]),
    'unk_invoke.dat.gz': zeros(30),
  });
  const c = readCompactIpadic(dir);

  it('keep the words up to their last non-zero byte, then one word of zeros', () => {
    // The last word's last non-zero byte is the low byte of its features' offset (byte 36).
    expect(c.words.length).toBe(37 + WORD_BYTES);
    expect(Buffer.from(c.words.subarray(0, 10)).equals(word(1, 2, -300, offsets[0]))).toBe(true);
    expect([...c.words.subarray(36)]).toEqual([offsets[2], ...Array(10).fill(0)]);
  });

  it('intern the parts of speech, one entry per distinct [pos, pos1, pos2, pos3]', () => {
    expect(c.posNames).toEqual([
      ['名詞', '固有名詞', '人名', '姓'],
      ['助詞', '係助詞', '*', '*'],
    ]);
    expect([...c.posOfWord]).toEqual([0, 0, 0, 1]);
  });

  it('read the trie-to-word map as keys, starts and values', () => {
    expect([...c.keys]).toEqual([7, 11, 42]);
    expect([...c.starts]).toEqual([0, 2, 2, 5]);
    expect([...c.values]).toEqual([0, 2, 1, 3, 0]);
  });

  it('keep 64 bytes after the last non-zero byte of the unknown-word files, never more than the file', () => {
    expect([...c.unknownWords]).toEqual([1, 2, 0, 3, ...Array(64).fill(0)]);
    expect(c.unknownFeatures.length).toBe(Buffer.byteLength('記号,一般') + 64);
    expect(c.unknownInvoke.length).toBe(30);
    const short = readCompactIpadic(
      dictionary({
        'tid.dat.gz': word(0, 0, 0, 0),
        'tid_pos.dat.gz': featureBytes,
        'tid_map.dat.gz': int32s(1, 5, 1, 0),
        'unk.dat.gz': Buffer.from([9, 9]),
        'unk_pos.dat.gz': Buffer.from([0, 0, 7, 0]),
        'unk_invoke.dat.gz': Buffer.from([0, 0, 0]),
      }),
    );
    expect([...short.unknownWords]).toEqual([9, 9]);
    expect([...short.unknownFeatures]).toEqual([0, 0, 7, 0]);
    expect(short.unknownInvoke.length).toBe(3);
    expect([...short.keys, ...short.starts, ...short.values]).toEqual([5, 0, 1, 0]);
  });

  it('stop reading the map where the file ends, even when its count says more', () => {
    const cut = readCompactIpadic(
      dictionary({
        'tid.dat.gz': word(0, 0, 0, 0),
        'tid_pos.dat.gz': featureBytes,
        'tid_map.dat.gz': int32s(3, 5, 1, 9, 6, 0),
        'unk.dat.gz': zeros(1),
        'unk_pos.dat.gz': zeros(1),
        'unk_invoke.dat.gz': zeros(1),
      }),
    );
    expect([...cut.keys]).toEqual([5, 6, 0]);
    expect([...cut.starts]).toEqual([0, 1, 1, 0]);
    expect([...cut.values]).toEqual([9]);
  });

  it('hand over every array’s buffer', () => {
    const arrays = [
      c.words,
      c.posOfWord,
      c.keys,
      c.starts,
      c.values,
      c.unknownWords,
      c.unknownFeatures,
      c.unknownInvoke,
    ];
    const buffers = transferList(c);
    expect(buffers).toHaveLength(8);
    buffers.forEach((b, i) => expect(b).toBe(arrays[i].buffer));
  });

  it('read a file as it is, padding included', () => {
    const data = Buffer.concat([Buffer.from([4, 5]), zeros(3)]);
    expect([...exactFile(path.join(dictionary({ 'x.dat.gz': data }), 'x.dat.gz'))]).toEqual([4, 5, 0, 0, 0]);
  });
});
