import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIpadic } from '../src/metrics/tokenizer/ipadic.js';
import { segment } from '../src/metrics/tokenizer/mecab-lattice.js';
import { rougeTokens } from '../src/metrics/tokenizer/rouge-tokens.js';
import { createRougeTokenizer } from '../src/metrics/tokenizer/index.js';
import { FIXTURES, inThreadTokenizer } from './helpers.js';

// Sentences written for these tests, segmented by `mecab -Owakati` with mecab-ipadic-utf8.
const fixtures = readFileSync(path.join(FIXTURES, 'mecab-ipadic.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { text: string; tokens: string[] });

describe('MeCab-exact segmentation over kuromoji IPADIC', async () => {
  const dic = await loadIpadic();

  it.each(fixtures.map((f) => [f.text, f.tokens] as const))('%s', (text, tokens) => {
    expect(rougeTokens(dic, text)).toEqual(tokens);
  });

  it('offers every unknown-word length, as MeCab does (抜去 stays one word)', () => {
    expect(segment(dic, '抜去した')).toEqual(['抜去', 'し', 'た']);
  });

  it('makes no token of blanks, yet keeps the ideographic space as a symbol that ROUGE then drops', () => {
    expect(segment(dic, 'A B')).toEqual(['A', 'B']);
    expect(segment(dic, '胸水　なし')).toContain('　');
    expect(rougeTokens(dic, '胸水　なし')).not.toContain('　');
  });

  it('reads line breaks as spaces', () => {
    expect(rougeTokens(dic, '胸水なし\n腹水なし')).toEqual(rougeTokens(dic, '胸水なし 腹水なし'));
  });

  it('handles empty text and text of blanks only', () => {
    expect(segment(dic, '')).toEqual([]);
    expect(segment(dic, '   ')).toEqual([]);
  });

  it('reads a NUL as an unknown word of its own (the trie walk once took it to a leaf and threw)', () => {
    expect(segment(dic, 'a\0b')).toEqual(['a', '\0', 'b']);
    expect(segment(dic, '\0')).toEqual(['\0']);
  });
});

describe('the dictionary once forgotten', () => {
  it('leaves memory: the segmenter holds its tables only while it segments', () => {
    // A process of its own, with --expose-gc: arrayBuffers counts the dictionary's shared tables (18 MB).
    const script = `
      import { forgetIpadic, loadIpadic } from ${JSON.stringify(new URL('../src/metrics/tokenizer/ipadic.ts', import.meta.url).href)};
      import { rougeTokens } from ${JSON.stringify(new URL('../src/metrics/tokenizer/rouge-tokens.ts', import.meta.url).href)};
      const mb = () => process.memoryUsage().arrayBuffers / 2 ** 20;
      rougeTokens(await loadIpadic(), '抜去した');
      globalThis.gc();
      const loaded = mb();
      forgetIpadic();
      // (Collected over two rounds: a promise's reactions may still hold it on the first.)
      for (let round = 0; round < 2; round++) {
        await new Promise((r) => setTimeout(r, 10));
        globalThis.gc();
      }
      console.log(JSON.stringify({ loaded, forgotten: mb() }));`;
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const { loaded, forgotten } = JSON.parse(run.stdout) as { loaded: number; forgotten: number };
    expect(loaded).toBeGreaterThan(10);
    expect(forgotten).toBeLessThan(1);
  });
});

describe('the cached tokenizer', () => {
  it('returns the same tokens on worker threads as in this thread, and again from its cache', async () => {
    const texts = fixtures.map((f) => f.text);
    const threaded = createRougeTokenizer({ threads: 2, parallelAbove: 0 });
    try {
      const first = await threaded.tokenize(texts);
      expect(first).toEqual(fixtures.map((f) => f.tokens));
      expect(await threaded.tokenize([...texts].reverse())).toEqual([...first].reverse());
      expect(await inThreadTokenizer().tokenize(texts)).toEqual(first);
    } finally {
      await threaded.close();
    }
  });

  it('caches the texts `keep` names, for all or one flag a text (gold texts recur, outputs do not)', async () => {
    const tokenizer = inThreadTokenizer();
    const first = await tokenizer.tokenize(['患者は', '発熱した', '咳'], [true, false, true]);
    const again = await tokenizer.tokenize(['患者は', '発熱した', '咳']);
    // A cached text's tokens are the same array; a text not cached is tokenized anew.
    expect([again[0] === first[0], again[1] === first[1], again[2] === first[2]]).toEqual([true, false, true]);
    const outputs = await tokenizer.tokenize(['頭痛'], false);
    expect((await tokenizer.tokenize(['頭痛']))[0]).not.toBe(outputs[0]);
  });
});
