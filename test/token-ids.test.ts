// ROUGE-L over token ids (src/metrics/tokenizer/token-ids.ts, native/token-ids.cc) against its reference, the LCS
// over rougeTokens' surfaces (rouge-l.ts): the same token count and LCS for any pair of strings, through the native
// vocabulary and the TypeScript one; ids equal exactly where surfaces are; foreign ids and bad bounds refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lcsLength, rougeL } from '../src/metrics/rouge-l.js';
import { loadIpadic } from '../src/metrics/tokenizer/ipadic.js';
import { nativeLattice, NATIVE_MAX_TEXT } from '../src/metrics/tokenizer/native-lattice.js';
import { rougeTokens } from '../src/metrics/tokenizer/rouge-tokens.js';
import { createVocabulary, type Vocabulary } from '../src/metrics/tokenizer/token-ids.js';
import { rougeScores } from '../src/tasks/rouge-scores.js';
import type { ScoringContext } from '../src/tasks/types.js';

const dic = await loadIpadic();
const lattice = process.env.JCB_TOKENIZER === 'js' ? undefined : nativeLattice();

// Clinical Japanese, every blank Python's str.split() knows (and some it does not), line breaks, astral and lone
// surrogates, NULs: the texts whose tokens are cut or dropped.
const piece = fc.constantFrom(
  '患者は',
  '38度',
  'の発熱',
  'を認め',
  '。',
  'カテーテル',
  '抜去',
  'した',
  'ｶﾃｰﾃﾙ',
  'ＣＴ',
  'CT',
  'mg',
  '1.5',
  ' ',
  '　',
  '\n',
  '\t',
  '\u0085',
  '\u00a0',
  '\u2003',
  '\u200b',
  '\u3000\u3000',
  '\x1c',
  '\x00',
  '😀',
  '\ud800',
  'a',
);
const text = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

/** Each vocabulary kind this build has: the TypeScript one always, the native one where the addon is loaded. */
const vocabularies: [string, () => Vocabulary][] = [
  ['TypeScript', () => createVocabulary(dic, null)],
  ...(lattice ? [['native', () => createVocabulary(dic, lattice)] as [string, () => Vocabulary]] : []),
];

describe.each(vocabularies)('the %s vocabulary', (_, make) => {
  it('gives as many ids as rougeTokens gives tokens, equal exactly where the surfaces are', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (texts) => {
        const v = make();
        const surfaces = texts.map((t) => rougeTokens(dic, t));
        const ids = texts.map((t) => v.ids(t));
        const pairs = new Map<string, number>();
        surfaces.forEach((s, i) => {
          expect(ids[i].length).toBe(s.length);
          s.forEach((surface, k) => {
            const id = ids[i][k];
            // One id a surface, one surface an id.
            expect(pairs.get(surface) ?? id).toBe(id);
            pairs.set(surface, id);
          });
        });
        expect(new Set(pairs.values()).size).toBe(pairs.size);
      }),
      { numRuns: 400 },
    );
  });

  it('gives the LCS of the surfaces', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const v = make();
        expect(v.lcs(v.ids(a), v.ids(b))).toBe(lcsLength(rougeTokens(dic, a), rougeTokens(dic, b)));
      }),
      { numRuns: 600 },
    );
  });

  it('over words past 64 and 128 tokens (the bit vectors span several words)', () => {
    const v = make();
    const a = '患者は38度の発熱を認め、カテーテルを抜去した。'.repeat(23);
    const b = '発熱のため38度、カテーテル抜去。患者は改善した。'.repeat(19);
    expect(v.lcs(v.ids(a), v.ids(b))).toBe(lcsLength(rougeTokens(dic, a), rougeTokens(dic, b)));
    expect(v.lcs(v.ids(a), v.ids(a))).toBe(rougeTokens(dic, a).length);
  });

  it('refuses ids it never gave', () => {
    const v = make();
    const known = v.ids('患者は発熱した');
    expect(() => v.lcs(known, Int32Array.of(known.length + 5))).toThrow(RangeError);
    expect(() => v.lcs(Int32Array.of(-1), known)).toThrow(RangeError);
  });
});

describe.skipIf(!lattice)('the native addon', () => {
  it('tokenizes a text past its lattice’s limit through the TypeScript lattice, with the same tokens', () => {
    const v = createVocabulary(dic);
    const long = `${'発熱 を認め\n'.repeat(Math.ceil(NATIVE_MAX_TEXT / 7) + 3)}`;
    expect(long.length).toBeGreaterThan(NATIVE_MAX_TEXT);
    const ids = v.ids(long);
    const surfaces = rougeTokens(dic, long);
    expect(ids.length).toBe(surfaces.length);
    expect(v.lcs(ids, v.ids('発熱を認め'))).toBe(lcsLength(surfaces, rougeTokens(dic, '発熱を認め')));
  });

  it('refuses bounds outside the text, overlapping or out of order, and a foreign vocabulary, with an error', () => {
    const handle = lattice!.vocabulary();
    const out = new Int32Array(16);
    const ids = (bounds: number[], count = bounds.length / 2) =>
      lattice!.ids(handle, 'abcdef', Int32Array.from(bounds), count, out);
    expect(ids([0, 3, 3, 6])).toBe(2);
    expect(() => ids([0, 7])).toThrow(RangeError);
    expect(() => ids([-1, 2])).toThrow(RangeError);
    expect(() => ids([3, 2])).toThrow(RangeError);
    expect(() => ids([0, 4, 2, 6])).toThrow(RangeError);
    expect(() => ids([0, 6], 2)).toThrow(/count/);
    expect(() => lattice!.ids(handle, 'abcdef', Int32Array.of(0, 6), 1, new Int32Array(2))).toThrow(/out/);
    const anyIds = lattice!.ids as (...args: unknown[]) => number;
    expect(() => anyIds({}, 'a', Int32Array.of(0, 1), 1, out)).toThrow(/vocabulary/);
    const anyLcs = lattice!.lcs as (...args: unknown[]) => number;
    expect(() => anyLcs(handle, [1], Int32Array.of(0))).toThrow(/Int32Arrays/);
  });
});

describe('ROUGE-L scores on ids and on surfaces', () => {
  it('are equal (rougeScores with and without a context’s ids)', async () => {
    const surfacesOnly: ScoringContext = { tokenize: async (texts) => texts.map((t) => rougeTokens(dic, t)) };
    const v = createVocabulary(dic);
    const withIds: ScoringContext = {
      ...surfacesOnly,
      ids: { tokenize: async (texts) => texts.map((t) => v.ids(t)), lcs: (a, b) => v.lcs(a, b) },
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 5 }), async (pairs) => {
        const golds = pairs.map(([g]) => g);
        const outputs = pairs.map(([, o]) => o);
        const expected = pairs.map(([g, o]) => rougeL(rougeTokens(dic, o), rougeTokens(dic, g)));
        expect(await rougeScores(withIds, golds, outputs)).toEqual(expected);
        expect(await rougeScores(surfacesOnly, golds, outputs)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
