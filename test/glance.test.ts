// Gold and output at a glance: the alignments the core computes (src/) and the views Slack draws of them.
import { describe, expect, it } from 'vitest';
import { comparisonBlocks } from '../handlers/blocks/run.js';
import { highlighted, inlineEntities } from '../handlers/blocks/comparison.js';
import { createServices } from '../src/services/index.js';
import { nothingToFind } from '../src/evaluation/documents.js';
import { lcsTokensOfA, markTokens } from '../src/metrics/lcs-alignment.js';
import { lcsLength } from '../src/metrics/rouge-l.js';
import { alignSpans, matchSpans, type Span } from '../src/metrics/span-f1.js';
import type { Comparison, Parsed } from '../src/tasks/types.js';
import { TASKS_BY_ID } from '../tasks/index.js';
import { inThreadTokenizer, releaseDir } from './helpers.js';

const blocksText = (c: Comparison) => JSON.stringify(comparisonBlocks(c, 'ROUGE-L', { f1: 0.5 }));

describe('ROUGE-L display alignment', () => {
  it('marks as many tokens as the bit-parallel metric counts, on real tokens and random ones', async () => {
    const tokenizer = inThreadTokenizer();
    const pairs: [string, string][] = [
      ['患者は胸痛を訴えて来院した。', '胸痛を主訴に来院した患者。'],
      ['発熱 と 咳嗽 が あり', '咳嗽と発熱を認めた'],
      ['', '何か'],
      ['同じ文。同じ文。', '同じ文。'],
    ];
    for (const [a, b] of pairs) {
      const [ta, tb] = await tokenizer.tokenize([a, b]);
      expect(lcsTokensOfA(ta, tb).filter(Boolean).length, `${a} / ${b}`).toBe(lcsLength(ta, tb));
    }
    await tokenizer.close();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 50; k++) {
      const word = () => 'abcde'[Math.floor(next() * 5)];
      const a = Array.from({ length: Math.floor(next() * 80) }, word);
      const b = Array.from({ length: Math.floor(next() * 80) }, word);
      const flags = lcsTokensOfA(a, b);
      expect(flags.filter(Boolean).length).toBe(lcsLength(a, b));
      // The marked tokens are a subsequence of b.
      let j = 0;
      for (const t of a.filter((_, i) => flags[i])) {
        j = b.indexOf(t, j) + 1;
        expect(j).toBeGreaterThan(0);
      }
    }
  });

  it('cuts the text into marked tokens and the unmarked text between them, joining neighbours', () => {
    expect(markTokens('胸痛 あり。\n発熱', ['胸痛', 'あり', '。', '発熱'], [true, true, true, false])).toEqual([
      { text: '胸痛', marked: true },
      { text: ' ', marked: false },
      { text: 'あり。', marked: true },
      { text: '\n発熱', marked: false },
    ]);
  });

  it('draws the matched tokens in bold, data escaped and unable to format', () => {
    const text = highlighted([
      { text: '胸痛', mark: 'matched' },
      { text: 'と*強調*' },
      { text: '<@U1>', mark: 'matched' },
    ]);
    expect(text).toBe('\u200b*胸痛*\u200bと＊強調＊\u200b*<@U1>*\u200b');
    const json = blocksText({
      kind: 'texts',
      gold: 'g',
      output: 'o',
      highlight: [{ text: '<!channel>', mark: 'matched' }],
    });
    expect(json).toContain('*&lt;!channel&gt;*');
    expect(json).not.toContain('<!channel>');
  });
});

describe('list tasks: Gold | Output columns', () => {
  it('marks items by the task’s own matching (MR normalises what it reads)', () => {
    const mr = TASKS_BY_ID.get('mr')!;
    const c = mr.compare!(
      ['ロキソプロフェン', 'アムロジピン'],
      mr.parse('["ロキソプロフェン", "<!here>"]') as Parsed<unknown>,
    );
    const blocks = comparisonBlocks(c, 'F1', {});
    const [gold, output] = (blocks[0] as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(gold).toBe('*Gold* (2)\n✓ ロキソプロフェン\n✗ アムロジピン');
    expect(output).toBe('*Output* (2)\n✓ ロキソプロフェン\n+ &lt;!here&gt;');
    expect(JSON.stringify(blocks[1])).toContain('✗ missed (gold only)');
  });
});

describe('NER: entities marked in their sentence', () => {
  const ner = TASKS_BY_ID.get('ner-d')!;
  const gold = {
    sentence: '発熱と肺炎を認めた',
    entities: [
      { start: 0, end: 2, kind: 'd' },
      { start: 3, end: 5, kind: 'd' },
    ] as Span[],
  };

  it('tells matched, missed and extra apart by position and kind, the scorer’s rule', () => {
    const parsed = ner.parse('<d>発熱</d>と肺炎を<d>認め</d>た[EOS]') as Parsed<unknown>;
    const c = ner.compare!(gold, parsed) as Extract<Comparison, { kind: 'entities' }>;
    expect(c.gold.map((g) => g.mark)).toEqual(['matched', 'missed']);
    expect(c.predicted.map((p) => [p.text, p.mark])).toEqual([
      ['発熱', 'matched'],
      ['認め', 'extra'],
    ]);
    expect(inlineEntities(c.sentence)).toBe('\u200b*✓[発熱]*\u200bと✗[肺炎]を認めた');
    expect(inlineEntities(c.output)).toBe('\u200b*✓[発熱]*\u200bと肺炎を+[認め]た');
    // Columns show entity text, never the tags (issue 30).
    const json = blocksText(c);
    expect(json).toContain('✓ 発熱');
    expect(json).toContain('+ 認め');
    expect(json).not.toContain('&lt;d&gt;');
  });

  it('marks both sides where a prediction overlaps gold spans: the missed gold spans and the extra one', () => {
    const parsed = ner.parse('<d>発熱と肺炎</d>を認めた[EOS]') as Parsed<unknown>;
    const c = ner.compare!(gold, parsed) as Extract<Comparison, { kind: 'entities' }>;
    expect(inlineEntities(c.sentence)).toBe('✗[発熱]と✗[肺炎]を認めた');
    expect(inlineEntities(c.output)).toBe('+[発熱と肺炎]を認めた');
    expect(c.sameText).toBe(true);
  });

  it('aligns spans as a multiset, agreeing with the scorer’s counts', () => {
    const g: Span[] = [
      { start: 0, end: 2, kind: 'd' },
      { start: 0, end: 2, kind: 'd' },
      { start: 4, end: 6, kind: 'd' },
    ];
    const p: Span[] = [
      { start: 0, end: 2, kind: 'd' },
      { start: 0, end: 2, kind: 'd' },
      { start: 0, end: 2, kind: 'd' },
      { start: 4, end: 6, kind: 'x' },
    ];
    const a = alignSpans(p, g);
    expect(a).toEqual({ predicted: [true, true, false, false], gold: [true, true, false] });
    expect(matchSpans(p, g)).toEqual({ tp: 2, fp: 2, fn: 1 });
  });
});

describe('a random document has something to find', () => {
  it('knows an empty gold of every shape', () => {
    expect(nothingToFind({ sentence: '【考察】', entities: [] })).toBe(true);
    expect(nothingToFind([])).toBe(true);
    expect(nothingToFind('  ')).toBe(true);
    expect(nothingToFind('有')).toBe(false);
    expect(nothingToFind({ sentence: 'x', entities: [{ start: 0, end: 1, kind: 'd' }] })).toBe(false);
  });

  const dir = releaseDir();
  it.skipIf(!dir)(
    'never picks an NER-D sentence without entities at random, but runs one asked for by id',
    async () => {
      let next = 0;
      const steps = 400;
      const services = createServices({
        env: { JCB_DATA_DIR: dir! },
        tokenizer: inThreadTokenizer(),
        random: () => (next++ % steps) / steps,
      });
      const seen = new Set<string>();
      for (let i = 0; i < steps; i++) {
        const r = await services.run({ task: 'ner-d', model: 'gpt-4o', doc: 'random', shot: 'zero' });
        seen.add(r.document.id);
        expect((r.comparison as Extract<Comparison, { kind: 'entities' }>).gold.length, r.document.id).toBeGreaterThan(
          0,
        );
      }
      expect(seen.size).toBeGreaterThan(20);
      const empty = await services.run({ task: 'ner-d', model: 'gpt-4o', doc: '66-24-6c587a', shot: 'zero' });
      expect(empty.document.text).toBe('【考察】');
    },
    120_000,
  );
});
