// The shared task machinery of src/tasks (prompts, candidate lists, baselines, the NER, relation and ROUGE
// task factories, the ROUGE highlight) on inputs written for these tests, with hand-computed expectations.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Release } from '../src/release/release.js';
import { TASKS_BY_ID } from '../tasks/index.js';
import { lead, majority, namesInText } from '../src/tasks/baselines.js';
import { candidateList } from '../src/tasks/candidates.js';
import { normalizeLabelText } from '../src/tasks/label-text.js';
import { nerTask, type NerGold, type TaggedOutput } from '../src/tasks/ner-task.js';
import { readListOutput, readPythonList } from '../src/tasks/lists.js';
import { buildPrompt, fillTemplate, normalizeId, unescapeNewlines } from '../src/tasks/prompt.js';
import { relationTask } from '../src/tasks/relation-task.js';
import { rougeHighlight } from '../src/tasks/rouge-highlight.js';
import { rougeTask } from '../src/tasks/rouge-task.js';
import { SHOTS } from '../src/release/shots.js';
import { defineTask, type Document, type Parsed, type ScoringContext } from '../src/tasks/types.js';
import { FIXTURE_RELEASE } from './helpers.js';

const doc = <G>(id: string, gold: G, text = '', fields: Record<string, string> = {}): Document<G> => ({
  id,
  text,
  fields,
  gold,
});

describe('prompt helpers', () => {
  it('fills every occurrence of each declared placeholder and nothing else', () => {
    expect(fillTemplate('<a>|<b>|<a>|<c>|<e1>x</e1>', { a: '1', b: '<a>' })).toBe('1|<a>|1|<c>|<e1>x</e1>');
    expect(fillTemplate('<text>', {})).toBe('<text>');
  });

  it("builds a prompt from the release's template for the shot", () => {
    const release = new Release(FIXTURE_RELEASE);
    const d = doc('0', 'region', '肺に結節', { text: '肺に結節', source: 'x.xml' });
    expect(buildPrompt(release, TASKS_BY_ID.get('re-ent')!, d, 'zero')).toBe('### 入力文: 肺に結節\n出力:\n');
  });

  it('turns every stored `\\n` into a line break', () => {
    expect(unescapeNewlines(String.raw`a\nb\n`)).toBe('a\nb\n');
    expect(unescapeNewlines('a\nb')).toBe('a\nb');
  });

  it('compares ids in NFC, and reads a missing id as empty', () => {
    expect(normalizeId('ガ'.normalize('NFD'))).toBe('ガ');
    expect(normalizeId('ガ'.normalize('NFD')).length).toBe(1);
    expect(normalizeId(12)).toBe('12');
    expect(normalizeId(null)).toBe('');
    expect(normalizeId(undefined)).toBe('');
  });

  it('knows the two shots, one-shot first', () => {
    expect(SHOTS).toEqual(['one', 'zero']);
  });
});

describe('candidate lists (CCA, MR)', () => {
  it('offers every gold name once, sorted, as a Python list', () => {
    expect(candidateList([['b', 'a'], ['a', 'c'], []])).toBe("['a', 'b', 'c']");
    expect(candidateList([])).toBe('[]');
  });
});

describe('label text', () => {
  it('reduces each emphasis on its own, shortest first', () => {
    expect(normalizeLabelText('**a** and **b**')).toBe('a and b');
    expect(normalizeLabelText('__a__ x __b__')).toBe('a x b');
    expect(normalizeLabelText('**ab**')).toBe('ab');
    expect(normalizeLabelText('****')).toBe('****');
  });
});

describe('baseline building blocks', () => {
  it('majority: the most frequent value of the others, the first seen on a tie, its own without others', () => {
    const pool = [doc('a', 'x'), doc('b', 'y'), doc('c', 'z'), doc('d', 'y')];
    expect(majority(pool[0], pool, (d) => d.gold)).toBe('y');
    // Leaving pool[1] out ties y (1) with x (1) and z (1): x is seen first.
    expect(majority(pool[1], pool, (d) => d.gold)).toBe('x');
    const tie = [doc('a', 'p'), doc('b', 'q'), doc('c', 'r'), doc('d', 'q'), doc('e', 'p')];
    expect(majority(tie[2], tie, (d) => d.gold)).toBe('p');
    expect(majority(tie[0], [tie[0]], (d) => d.gold)).toBe('p');
    expect(majority(tie[0], [], (d) => d.gold)).toBe('p');
  });

  it('lead: the mean length of the other references, rounded, in code points, at least one', () => {
    const pool = [doc('a', 'x'), doc('b', 'yy'), doc('c', '𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷')];
    // Others of a: lengths 2 and 10 → 6.
    expect(lead(pool[0], '𠮷0123456789', pool, (d) => d.gold)).toBe('𠮷01234');
    // Others of c: lengths 1 and 2 → 1.5 → 2.
    expect(lead(pool[2], 'abcdef', pool, (d) => d.gold)).toBe('ab');
    expect(lead(pool[0], 'abc', [pool[0]], (d) => d.gold)).toBe('a');
    expect(lead(pool[0], 'abc', [doc('e', '')], (d) => d.gold)).toBe('a');
  });

  it('namesInText: distinct non-empty names found in the text, longest first', () => {
    expect(namesInText('肺炎と胸水貯留', ['胸水', '', '肺炎', '胸水貯留', '胸水', '頭痛'])).toEqual([
      '胸水貯留',
      '胸水',
      '肺炎',
    ]);
    expect(namesInText('abc', [''])).toEqual([]);
  });
});

describe('the task factories keep what they are given', () => {
  it('defineTask returns the declaration itself', () => {
    const declared = { id: 'cca' } as never;
    expect(defineTask(declared)).toBe(declared);
  });
});

const ner = nerTask({ id: 'ner-d', label: 'NER-D', title: 't', folder: 'CLU/NER_Disease', kinds: ['d'] });
const nerGold = (sentence: string, ...spans: [number, number, string?][]): NerGold => ({
  sentence,
  entities: spans.map(([start, end, kind]) => ({ start, end, kind: kind ?? 'd' })),
});
const nerDoc = (id: string, gold: NerGold) => doc(id, gold, gold.sentence, { text: gold.sentence });

describe('NER: rows of the release', () => {
  // FNV-1a test vectors: "a" → e40c292c, "foobar" → bf9cf968; "akd" → 0d368b73 has a leading zero.
  const rows = {
    'train_cr.json': [
      {
        ID: [0, 1],
        text: 'a',
        annotated_sentence: '<d>a</d>',
        entities: [{ name: 'a', span: [0, 1], type: 'd_positive' }],
      },
    ],
    'train_rr.json': [{ ID: [3, 4], annotated_sentence: '<d state="x">foo</d>bar', entities: [] }],
    'test_rr.json': [{ ID: [5, 6], text: 'akd', annotated_sentence: 'akd', entities: [] }],
  };
  const root = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-ner-')), 'release');
  mkdirSync(path.join(root, 'data', 'benchmarks', 'CLU', 'NER_Disease'), { recursive: true });
  for (const [file, list] of Object.entries(rows))
    writeFileSync(
      path.join(root, 'data', 'benchmarks', 'CLU', 'NER_Disease', file),
      list.map((r) => JSON.stringify(r)).join('\n'),
    );

  it('loads the three files in order, ids from (ID) and a hash of the sentence, kinds before `_`', () => {
    const docs = ner.loadDocuments(new Release(root));
    expect(docs).toEqual([
      { id: '0-1-e40c29', text: 'a', fields: { text: 'a' }, gold: nerGold('a', [0, 1]) },
      { id: '3-4-bf9cf9', text: 'foobar', fields: { text: 'foobar' }, gold: nerGold('foobar') },
      { id: '5-6-0d368b', text: 'akd', fields: { text: 'akd' }, gold: nerGold('akd') },
    ]);
  });

  it('reads a generated row with its own document, and writes one back', () => {
    const row = { ...rows['train_cr.json'][0], generated: '<d>a</d>[EOS]' };
    const g = ner.fromGeneration(row);
    expect(g).toEqual({
      id: '0-1-e40c29',
      gold: nerGold('a', [0, 1]),
      output: '<d>a</d>[EOS]',
      document: { id: '0-1-e40c29', text: 'a', fields: { text: 'a' }, gold: nerGold('a', [0, 1]) },
    });
    expect(ner.fromGeneration({ ...row, generated: undefined }).output).toBe('');
    const gold = nerGold('𠮷肺炎と胸水', [4, 6], [1, 3], [2, 4]);
    expect(ner.toGeneration(doc('7-8-abcdef', gold), 'out', gold)).toEqual({
      ID: [7, 8],
      entities: [
        { name: '胸水', span: [4, 6], type: 'd' },
        { name: '肺炎', span: [1, 3], type: 'd' },
        { name: '炎と', span: [2, 4], type: 'd' },
      ],
      // Sorted by start; the span overlapping an earlier one is not tagged.
      annotated_sentence: '𠮷<d>肺炎</d>と<d>胸水</d>',
      generated: 'out',
    });
  });

  it('makes a document of free text with no entities', () => {
    expect(ner.documentFromText!('肺炎', new Release(root))).toEqual({
      id: 'text',
      text: '肺炎',
      fields: { text: '肺炎' },
      gold: nerGold('肺炎'),
    });
  });

  it('declares its metric and nothing to leave out one-shot', () => {
    expect(ner.metric).toBe('F1');
    expect(ner.oneShotExamples).toEqual([]);
    expect(ner.headline({ f1: 0.25, precision: 1 })).toBe(0.25);
  });
});

describe('NER: reading tags', () => {
  it('reads nothing after an [EOS] at the very start', () => {
    expect(ner.parse('[EOS]<d>肺炎</d>')).toEqual({ value: { text: '', spans: [] }, ok: true });
  });

  it('pairs tags with attributes, digits, `_` and `-` in their names, and leaves other tags as text', () => {
    const kinds = nerTask({ id: 'ner-med', label: 'x', title: 'x', folder: 'x', kinds: ['m_1', 'm-key'] });
    const parsed = kinds.parse('<m_1 a="b">x</m_1><m-key>yz</m-key></m-key><b>') as Parsed<TaggedOutput>;
    expect(parsed.value).toEqual({
      text: 'xyz</m-key><b>',
      spans: [
        { start: 0, end: 1, kind: 'm_1' },
        { start: 1, end: 3, kind: 'm-key' },
      ],
    });
  });
});

describe('NER: gold against output', () => {
  it('marks matched, missed and extra entities, each side in its own text, by entity text', () => {
    const gold = nerGold('肺炎と胸水あり', [0, 2], [3, 5]);
    const parsed = ner.parse('<d>肺炎</d>と胸<d>水あ</d>り[EOS]');
    expect(ner.compare!(gold, parsed)).toStrictEqual({
      kind: 'entities',
      gold: [
        { text: '肺炎', mark: 'matched' },
        { text: '胸水', mark: 'missed' },
      ],
      predicted: [
        { text: '肺炎', mark: 'matched' },
        { text: '水あ', mark: 'extra' },
      ],
      // The extra span (4–6) overlaps the missed one (3–5): each shows, on its own side (issue 30).
      sentence: [{ text: '肺炎', mark: 'matched' }, { text: 'と' }, { text: '胸水', mark: 'missed' }, { text: 'あり' }],
      output: [{ text: '肺炎', mark: 'matched' }, { text: 'と胸' }, { text: '水あ', mark: 'extra' }, { text: 'り' }],
      sameText: true,
    });
  });

  it('puts the longer of two spans with one start first, and skips empty spans and spans past the end', () => {
    const gold = nerGold('肺炎あり', [0, 2]);
    const longer = ner.compare!(gold, ner.parse('<d>肺炎あ</d>り[EOS]'));
    expect(longer).toMatchObject({
      sentence: [{ text: '肺炎', mark: 'missed' }, { text: 'あり' }],
      output: [{ text: '肺炎あ', mark: 'extra' }, { text: 'り' }],
    });
    const odd = ner.compare!(gold, ner.parse('肺炎<d></d>あり<d>です</d>[EOS]'));
    expect(odd).toStrictEqual({
      kind: 'entities',
      gold: [{ text: '肺炎', mark: 'missed' }],
      predicted: [
        { text: '', mark: 'extra' },
        { text: 'です', mark: 'extra' },
      ],
      sentence: [{ text: '肺炎', mark: 'missed' }, { text: 'あり' }],
      output: [{ text: '肺炎あり' }, { text: 'です', mark: 'extra' }],
      sameText: false,
    });
    const whole = ner.compare!(nerGold('肺炎', [0, 2]), ner.parse('<d>肺炎</d>[EOS]'));
    expect(whole).toMatchObject({ sentence: [{ text: '肺炎', mark: 'matched' }] });
    expect((whole as { sentence: unknown[] }).sentence).toHaveLength(1);
  });

  it('shows entities in tags, or says there are none', () => {
    expect(ner.showGold(nerGold('肺炎と胸水', [0, 2], [3, 5]))).toBe('<d>肺炎</d> <d>胸水</d>');
    expect(ner.showGold(nerGold('肺炎'))).toBe('(no entities)');
    expect(ner.showParsed(ner.parse('𠮷<d>肺炎</d>[EOS]'))).toBe('<d>肺炎</d>');
  });
});

describe('NER: the dictionary baseline', () => {
  it('tags names of two or more characters with their kind, longest first, never overlapping', () => {
    const pool = [
      nerDoc('1', nerGold('胸水貯留と肺', [0, 4, 'd'], [5, 6])),
      nerDoc('2', nerGold('留ありと無', [0, 3, 'x'], [4, 5])),
      nerDoc('3', nerGold('𠮷胸水貯留ありと肺と無')),
    ];
    // 胸水貯留 (4) before 留あり (3), which overlaps it; 肺 and 無 are single characters.
    expect(ner.baseline(pool[2], pool)).toBe('𠮷<d>胸水貯留</d>ありと肺と無[EOS]');
    const parsed = nerTask({ id: 'ner-d', label: 'x', title: 'x', folder: 'x', kinds: ['d', 'x'] }).parse(
      ner.baseline(nerDoc('4', nerGold('x留あり')), pool),
    ) as Parsed<TaggedOutput>;
    expect(parsed.value.spans).toEqual([{ start: 1, end: 4, kind: 'x' }]);
  });

  it('prefers the longer name where a shorter one starts earlier and overlaps it', () => {
    // 肺胸 (0–2) is in the dictionary first and starts first; 胸水貯留 (1–5) is longer and wins.
    const pool = [nerDoc('1', nerGold('肺胸', [0, 2])), nerDoc('2', nerGold('胸水貯留', [0, 4]))];
    expect(ner.baseline(nerDoc('3', nerGold('肺胸水貯留')), pool)).toBe('肺<d>胸水貯留</d>[EOS]');
  });

  it('skips a name overlapping one tagged before it, wherever the names stand', () => {
    // Equal lengths: 胸水 (1–3) comes first in the dictionary and is tagged; 肺胸 (0–2) overlaps it.
    const pool = [nerDoc('1', nerGold('胸水', [0, 2])), nerDoc('2', nerGold('肺胸', [0, 2]))];
    expect(ner.baseline(nerDoc('3', nerGold('肺胸水')), pool)).toBe('肺<d>胸水</d>[EOS]');
    // A name starting further in than its length: 胸水貯 (3–6) is tagged, 肺胸 (2–4) overlaps it.
    const later = [nerDoc('4', nerGold('胸水貯', [0, 3])), nerDoc('5', nerGold('肺胸', [0, 2]))];
    expect(ner.baseline(nerDoc('6', nerGold('無無肺胸水貯')), later)).toBe('無無肺<d>胸水貯</d>[EOS]');
  });

  it("takes the document's own names off only when its sentence is in the pool", () => {
    const pool = [nerDoc('1', nerGold('胸水なし', [0, 2]))];
    expect(ner.baseline(nerDoc('2', nerGold('胸水あり', [0, 2])), pool)).toBe('<d>胸水</d>あり[EOS]');
    expect(ner.baseline(pool[0], pool)).toBe('胸水なし[EOS]');
  });

  it('counts a name once per sentence that tags it, its own sentence taken off', () => {
    const pool = [nerDoc('1', nerGold('胸水と胸水', [0, 2], [3, 5])), nerDoc('2', nerGold('胸水', [0, 2]))];
    expect(ner.baseline(pool[0], pool)).toBe('<d>胸水</d>と<d>胸水</d>[EOS]');
    expect(ner.baseline(pool[1], pool)).toBe('<d>胸水</d>[EOS]');
  });
});

describe('relation settings', () => {
  const re = relationTask({
    id: 're-ent',
    label: 'RE-Ent',
    title: 't',
    folder: 'CLU/RE_Ent',
    relations: ['p', 'q', 'r', 's', 't'],
  });

  it("numbers the pairs of rel_data.json and keeps each pair's source", () => {
    const docs = re.loadDocuments(new Release(FIXTURE_RELEASE));
    expect(docs.map((d) => [d.id, d.gold, d.fields.source])).toEqual([
      ['0', 'region', 'x.xml'],
      ['1', 'change', 'y.xml'],
      ['2', 'value', 'y.xml'],
    ]);
    expect(docs[0].text).toBe('<e1 type=a>肺</e1>に<e2 type=d>結節</e2>を認める。');
    expect(docs[0].fields.text).toBe(docs[0].text);
    expect(re.oneShotExamples).toEqual(['0']);
    expect(re.metric).toBe('F1');
  });

  it('writes and reads rows of the release format', () => {
    expect(re.toGeneration(doc('0', 'p', 'x', { text: 'x', source: 's.xml' }), '1', 'p')).toEqual({
      relation: 'p',
      source: 's.xml',
      generated: '1',
    });
    expect(re.toGeneration(doc('0', 'p', 'x', { text: 'x' }), '1', 'p').source).toBe('');
    expect(re.fromGeneration({ relation: 'q', generated: 2 })).toEqual({ gold: 'q', output: '2' });
    expect(re.fromGeneration({ relation: 'q' }).output).toBe('');
  });

  it('reads 選択肢 with a space, emphasis and full width, and nothing else before the number', () => {
    expect(re.parse(' 選択肢 3').value).toBe('r');
    expect(re.parse('**５**').value).toBe('t');
    expect(re.parse('\n\n1')).toEqual({ value: 'p', ok: true });
    expect(re.parse('x1').ok).toBe(false);
    expect(re.parse('').ok).toBe(false);
  });

  it('answers the option number of the majority relation', () => {
    const pool = [doc('0', 's'), doc('1', 'p'), doc('2', 'p')];
    expect(re.baseline(pool[0], pool)).toBe('1');
    // A tie (s, p) goes to the first seen.
    expect(re.baseline(pool[1], pool)).toBe('4');
  });

  it('scores a wrong readable answer in precision, and reads the headline from f1', async () => {
    const ctx = { tokenize: async () => [] };
    const items = [
      { gold: 'p', parsed: re.parse('1') },
      { gold: 'p', parsed: re.parse('2') },
    ];
    const docs = await re.score(items, ctx);
    expect(docs).toEqual([
      { correct: 1, readable: 1 },
      { correct: 0, readable: 1 },
    ]);
    const m = re.aggregate(docs);
    expect(m).toEqual({ accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(re.headline({ f1: 0.3, accuracy: 1 })).toBe(0.3);
  });
});

describe('ROUGE-L settings', () => {
  const spec = {
    id: 'irs' as const,
    label: 'IRS',
    title: 't',
    folder: 'CLG/IRS',
    oneShotExamples: ['1'],
    loadDocuments: () => [],
    generationId: (row: Record<string, unknown>) => `id-${String(row.key)}`,
    baseline: () => 'b',
  };
  const withText = rougeTask({ ...spec, textField: 'notes' });
  const without = rougeTask(spec);

  it('writes and reads rows of the release format', () => {
    expect(withText.toGeneration(doc('d1', 'g'), 'out', 'g')).toEqual({ id: 'd1', generated: 'out', gold: 'g' });
    expect(withText.fromGeneration({ key: 7, gold: 'g', generated: 'o' })).toEqual({
      id: 'id-7',
      gold: 'g',
      output: 'o',
    });
    expect(withText.fromGeneration({ key: 7 })).toEqual({ id: 'id-7', gold: '', output: '' });
    expect(withText.metric).toBe('ROUGE-L');
  });

  it('makes a document of free text only where the input is one text', () => {
    expect(withText.documentFromText!('本文', new Release(FIXTURE_RELEASE))).toEqual({
      id: 'text',
      text: '本文',
      fields: { notes: '本文' },
      gold: '',
    });
    expect(without.documentFromText).toBeUndefined();
  });

  it('shows gold and output side by side, as they are', () => {
    const parsed = withText.parse(' 出力 ');
    expect(withText.compare!('正解', parsed)).toEqual({ kind: 'texts', gold: '正解', output: '出力' });
    expect(withText.showGold('正解')).toBe('正解');
    expect(withText.showParsed(parsed)).toBe('出力');
  });

  it('cuts at one or more #, with spaces around the colon, and at a bare python', () => {
    const cut = (s: string) => (withText.parse(s) as Parsed<string>).value;
    expect(cut('要約\n#入力:x')).toBe('要約');
    expect(cut('要約\n## 解説 :x')).toBe('要約');
    expect(cut('要約\n### 入力\nx')).toBe('要約\n### 入力\nx');
    expect(cut('要約\n```python\nx')).toBe('要約');
    expect(cut('要約 ```\nx')).toBe('要約 ```\nx');
  });
});

describe('ROUGE highlight', () => {
  const spaces: ScoringContext = { tokenize: async (texts) => texts.map((t) => t.split(/\s+/).filter(Boolean)) };

  it('marks the output tokens of one longest common subsequence with the gold', async () => {
    expect(await rougeHighlight('a b c d', 'a x c\nd y', spaces)).toStrictEqual([
      { text: 'a', mark: 'matched' },
      { text: ' x ' },
      { text: 'c', mark: 'matched' },
      { text: '\n' },
      { text: 'd', mark: 'matched' },
      { text: ' y' },
    ]);
    expect(await rougeHighlight('z', 'a b', spaces)).toStrictEqual([{ text: 'a b' }]);
  });

  it('aligns up to 4,000,000 token pairs and skips larger texts', async () => {
    const sized = (n: number): ScoringContext => ({ tokenize: async () => [new Array<string>(n).fill('a'), ['a']] });
    expect(await rougeHighlight('', 'a', sized(4_000_000))).toStrictEqual([{ text: 'a', mark: 'matched' }]);
    expect(await rougeHighlight('', 'a', sized(4_000_001))).toBeUndefined();
  });
});

describe('list escapes and lenient items', () => {
  it('decodes \\u, \\U and \\x with hex digits of either case', () => {
    const literal = String.raw`['\u00e9\u00E9', '\U0001f600', '\x4A\x4a']`;
    expect(readPythonList(literal)).toEqual(['éé', '😀', 'JJ']);
  });

  it('trims each lenient item inside its quotes too', () => {
    expect(readListOutput('[\' a \', " b "]')).toEqual({ items: ['a', 'b'], json: false });
  });
});

describe('NER: tags stripped from an annotated sentence without its text', () => {
  it('strips tags whose names are letters, digits, `_` or `-`, with attributes', () => {
    const row = {
      ID: [1, 2],
      annotated_sentence: '<m-key state="x">a</m-key><2>b</2><_>c</_><->d</->',
      entities: [],
    };
    expect((ner.fromGeneration(row).gold as NerGold).sentence).toBe('abcd');
  });
});

describe('NER: the dictionary of a pool', () => {
  it('is read once per pool: documents added to the pool later teach nothing', () => {
    const pool = [nerDoc('1', nerGold('胸水なし', [0, 2]))];
    const target = nerDoc('9', nerGold('肺炎と胸水'));
    expect(ner.baseline(target, pool)).toBe('肺炎と<d>胸水</d>[EOS]');
    pool.push(nerDoc('2', nerGold('肺炎なし', [0, 2])));
    expect(ner.baseline(target, pool)).toBe('肺炎と<d>胸水</d>[EOS]');
    expect(ner.baseline(target, [...pool])).toBe('<d>肺炎</d>と<d>胸水</d>[EOS]');
  });
});

describe('ROUGE-L scores per document', () => {
  it('pairs each output with its own gold, every document', async () => {
    const t = rougeTask({
      id: 'irs',
      label: 'IRS',
      title: 't',
      folder: 'CLG/IRS',
      oneShotExamples: [],
      loadDocuments: () => [],
      generationId: () => '',
      baseline: () => '',
    });
    const spaces: ScoringContext = { tokenize: async (texts) => texts.map((x) => x.split(' ')) };
    const items = (
      [
        ['a b', 'a b'],
        ['c d e f', 'c x'],
        ['g h', 'g h i j'],
      ] as const
    ).map(([gold, output]) => ({ gold, parsed: t.parse(output) }));
    const docs = await t.score(items, spaces);
    // LCS 2 of 2/2; 1 of 2 output tokens and 4 gold tokens; 2 of 4 and 2.
    expect(docs).toEqual([
      { empty: 0, precision: 1, recall: 1, f1: 1 },
      { empty: 0, precision: 0.5, recall: 0.25, f1: expect.closeTo(1 / 3, 12) },
      { empty: 0, precision: 0.5, recall: 1, f1: expect.closeTo(2 / 3, 12) },
    ]);
  });
});
