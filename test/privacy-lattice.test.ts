// The detector's word lattice (src/privacy/lattice.ts) against kuromoji's own ViterbiBuilder on the real
// IPADIC: the same best path on texts with supplementary-plane characters, long runs of one character class and
// the test set's notes; and the check of a long note in time linear in its length (issue 28: it was quadratic).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectPersonalInformation, maskToFixedPoint } from '../src/privacy/detect.js';
import { buildLattice, type LatticeSource } from '../src/privacy/lattice.js';

const require = createRequire(import.meta.url);

interface Kuromoji {
  viterbi_builder: LatticeSource & { build(s: string): unknown };
  viterbi_searcher: {
    search(lattice: unknown): { surface_form: string; start_pos: number; type: string; name: number }[];
  };
}

const notes = readFileSync(new URL('./fixtures/pii/testset.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { text: string }).text);

/** The test set's notes one after another, a line each, cut at `chars`. */
const note = (chars: number) => {
  let text = '';
  for (let i = 0; text.length < chars; i++) text += `${notes[i % notes.length]}\n`;
  return text.slice(0, chars);
};

describe("the detector's word lattice", () => {
  let kuromoji: Kuromoji;
  let longestWord = 0;

  beforeAll(async () => {
    const dicPath = path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
    const builder = (
      require('kuromoji') as { builder(o: object): { build(cb: (e: Error, t: Kuromoji) => void): void } }
    ).builder({
      dicPath,
    });
    kuromoji = await new Promise<Kuromoji>((resolve, reject) => builder.build((e, t) => (e ? reject(e) : resolve(t))));
    const { readCompactIpadic } = await import('../src/privacy/ipadic-files.js');
    longestWord = readCompactIpadic(dicPath).longestWord;
  }, 120_000);

  it('gives the best path kuromoji gives', () => {
    const texts = [
      '𠮷野家で𠮷田さんが𩸽を食べた',
      `${'ア'.repeat(40)}𩸽ア`,
      '1234567890'.repeat(5),
      'ラテン・アメリカ・スモーラー・カンパニーズ・ファンドの件',
      'abc𝐀𝐁𝐂def 😀😀😀 ｱｲｳ',
      `${'漢'.repeat(30)}です`,
      ...notes,
      note(3000),
    ];
    const path_ = (lattice: unknown) =>
      kuromoji.viterbi_searcher.search(lattice).map((n) => [n.surface_form, n.start_pos, n.type, n.name]);
    for (const text of texts) {
      const ours = path_(buildLattice(kuromoji.viterbi_builder, text, longestWord));
      expect(ours, text.slice(0, 40)).toEqual(path_(kuromoji.viterbi_builder.build(text)));
    }
  });

  it('hands the trie at most the longest word at each character', () => {
    const trie = kuromoji.viterbi_builder.trie;
    let read = 0;
    const counting = {
      ...kuromoji.viterbi_builder,
      trie: { commonPrefixSearch: (key: string) => ((read += key.length), trie.commonPrefixSearch(key)) },
    };
    const text = note(20_000).replace(/[、。\n]/g, ' ');
    buildLattice(counting, text, longestWord);
    expect(longestWord).toBe(26);
    expect(read).toBeLessThanOrEqual(longestWord * text.length);
  });

  it('checks a long note in time proportional to its length', async () => {
    await detectPersonalInformation('温度');
    const perChar = async (chars: number) => {
      const text = note(chars);
      let best = Infinity;
      for (let run = 0; run < 2; run++) {
        const started = performance.now();
        await maskToFixedPoint(text, detectPersonalInformation);
        best = Math.min(best, performance.now() - started);
      }
      return best / chars;
    };
    const short = await perChar(1000);
    const long = await perChar(8000);
    // Quadratic, 8 times the text took about 4 times as long a character; linear, about as long (or less, warm).
    expect(long / short).toBeLessThan(2.5);
  }, 120_000);
});
