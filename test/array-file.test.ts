import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArrays, writeArrays } from '../src/metrics/tokenizer/array-file.js';

describe('the dictionary cache file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-arrays-'));

  it('reads back the arrays and metadata it wrote, each properly typed', () => {
    const file = path.join(dir, 'tables.bin');
    const arrays = {
      a: Int32Array.from([1, -2, 2 ** 30]),
      b: Int16Array.from([-32768, 7, 32767]),
      c: Uint8Array.from([255, 0, 1, 2, 3]),
      d: Uint32Array.from([0xffffffff]),
    };
    writeArrays(file, arrays, { categories: ['KANJI'] });
    const back = readArrays(file);
    expect(back.meta).toEqual({ categories: ['KANJI'] });
    for (const [name, a] of Object.entries(arrays)) {
      expect(back.arrays[name]).toBeInstanceOf(a.constructor);
      expect(Array.from(back.arrays[name])).toEqual(Array.from(a));
    }
  });

  it('refuses a file that is not one of its own', () => {
    const file = path.join(dir, 'other.bin');
    writeFileSync(file, 'not a cache');
    expect(() => readArrays(file)).toThrow(/not a jcb array file/);
  });
});
