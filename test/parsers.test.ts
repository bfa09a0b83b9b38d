// Each parser's reading, `ok` flag and `problem` on valid, broken and edge outputs, and each task kind's
// metrics against hand-computed values, wrong answers and empty denominators included.
import { describe, expect, it } from 'vitest';
import type { DocScore, Parsed, Task, TaskId } from '../src/tasks/types.js';
import { TASKS_BY_ID } from '../tasks/index.js';
import { halfWidthAscii, readListOutput, readPythonList, toPythonList } from '../src/tasks/lists.js';
import { readTaggedSpans } from '../src/tasks/ner-task.js';
import { cleanGeneration } from '../src/tasks/rouge-task.js';
import { inThreadTokenizer } from './helpers.js';

const task = (id: TaskId) => TASKS_BY_ID.get(id)!;
const ctx = inThreadTokenizer();

/** Scores (gold, output) pairs through the task's own parse, score and aggregate. */
async function scoreAll(t: Task, pairs: [unknown, string][]) {
  const items = pairs.map(([gold, output]) => ({ gold, parsed: t.parse(output) as Parsed<unknown> }));
  const docs = await t.score(items, ctx);
  return { docs, metrics: t.aggregate(docs) };
}

describe('Python list literals (gold lists)', () => {
  it("decodes every escape Python's repr writes", () => {
    const literal = String.raw`['it\'s', 'back\\slash', 'two\nlines', 'tab\tx', 'cr\r', 'nul\0', '\x41\x7e', '\u3000', '\U0001F600', '\q']`;
    expect(readPythonList(literal)).toEqual([
      "it's",
      'back\\slash',
      'two\nlines',
      'tab\tx',
      'cr\r',
      'nul\0',
      'A~',
      '\u3000',
      '😀',
      'q',
    ]);
    // A backslash before the closing quote does not end the item.
    expect(readPythonList(String.raw`["say \"hi\"", 'a\\']`)).toEqual(['say "hi"', 'a\\']);
  });

  it('reads a text that is no list literal the lenient way, and an array as it is', () => {
    expect(readPythonList('発熱, 腹痛')).toEqual(['発熱', '腹痛']);
    expect(readPythonList("  'a'  ")).toEqual(['a']);
    expect(readPythonList('[]')).toEqual([]);
    expect(readPythonList(' [\'a\', "b"] ')).toEqual(['a', 'b']);
    expect(readPythonList(['a', 2])).toEqual(['a', '2']);
    expect(readPythonList(null)).toEqual(['']);
    expect(readPythonList(undefined)).toEqual(['']);
  });

  it('writes lists the way it reads them', () => {
    const items = ["it's", 'a\\b', '肺炎'];
    expect(toPythonList(items)).toBe(String.raw`['it\'s', 'a\\b', '肺炎']`);
    expect(readPythonList(toPythonList(items))).toEqual(items);
    expect(toPythonList([])).toBe('[]');
  });
});

describe('list outputs of models', () => {
  it('reads JSON arrays (fenced or not, any element type) as JSON', () => {
    expect(readListOutput('```\n["a"]\n```')).toEqual({ items: ['a'], json: true });
    expect(readListOutput('[1, "b", null, {"x": 1}]')).toEqual({ items: ['1', 'b', 'null', '{"x":1}'], json: true });
    expect(readListOutput('[]')).toEqual({ items: [], json: true });
  });

  it('reads anything else by splitting on commas, quotes and brackets stripped', () => {
    expect(readListOutput('{"a": 1}')).toEqual({ items: ['{"a": 1}'], json: false });
    expect(readListOutput('"a"')).toEqual({ items: ['a'], json: false });
    expect(readListOutput(`[[ 'a' ,  "b" ]]`)).toEqual({ items: ['a', 'b'], json: false });
    expect(readListOutput(`"'a'" , b`)).toEqual({ items: ['a', 'b'], json: false });
    expect(readListOutput('a[1], b]')).toEqual({ items: ['a[1]', 'b'], json: false });
  });

  it('maps exactly U+FF01–FF5E to ASCII', () => {
    expect(halfWidthAscii('！～')).toBe('!~');
    expect(halfWidthAscii('\uff00\uff5f｡ｦ')).toBe('\uff00\uff5f｡ｦ');
  });

  it('flags no list, and a list that is not JSON, in the parse result', () => {
    const cca = task('cca');
    expect(cca.parse('["発熱"]')).toEqual({ value: ['発熱'], ok: true });
    expect(cca.parse('発熱, 腹痛')).toEqual({
      value: ['発熱', '腹痛'],
      ok: true,
      problem: 'not a JSON list: read by splitting on commas',
    });
    expect(cca.parse(' , ')).toEqual({ value: ['', ''], ok: false, problem: 'no list in the output' });
    expect(cca.parse('')).toEqual({ value: [''], ok: false, problem: 'no list in the output' });
    // Only MR maps full-width letters and digits.
    expect(cca.parse('["ＯＤ"]').value).toEqual(['ＯＤ']);
    expect(task('mr').parse('["ＯＤ錠"]').value).toEqual(['OD錠']);
  });
});

describe('list settings (CCA, MR): per-document set F1, averaged', () => {
  it('averages precision, recall and F1 over documents, wrong answers included', async () => {
    // Doc 1: 1 of 2 right, 1 of 1 found: P 0.5, R 1, F1 2/3. Doc 2: nothing right: 0, 0, 0.
    const { metrics } = await scoreAll(task('cca'), [
      [['発熱'], '["発熱", "腹痛"]'],
      [['頭痛'], '["咳"]'],
    ]);
    expect(metrics).toEqual({ _precision: 0.25, recall: 0.5, _f1: expect.closeTo(1 / 3, 12) });
    const mr = await scoreAll(task('mr'), [
      [['A', 'B'], '["A"]'],
      [['C'], '["C", "D", "E", "F"]'],
    ]);
    // P (1 + 0.25)/2, R (0.5 + 1)/2, F1 (2/3 + 0.4)/2.
    expect(mr.metrics).toEqual({
      _precision: 0.625,
      recall: 0.75,
      _f1: expect.closeTo((2 / 3 + 0.4) / 2, 12),
      _accuracy: 0.75,
    });
    expect(task('mr').headline(mr.metrics)).toBeCloseTo((2 / 3 + 0.4) / 2, 12);
    expect(task('cca').aggregate([])).toEqual({ _precision: 0, recall: 0, _f1: 0 });
  });

  it('shows matched, missed and extra names, and an empty item as such', () => {
    const cca = task('cca');
    expect(cca.compare!(['a', 'b'], cca.parse('["b", "c", "c"]'))).toEqual({
      kind: 'items',
      matched: ['b'],
      missed: ['a'],
      extra: ['c'],
    });
    expect(cca.showParsed(cca.parse('a, , b'))).toBe('a, (empty item), b');
    expect(cca.showGold(['a', 'b'])).toBe('a, b');
  });

  it("baseline: names of the other documents' answers found in the text, its own answer left out", () => {
    const doc = (id: string, text: string, gold: string[]) => ({ id, text, fields: { text }, gold });
    const pool = [doc('a', '発熱と腹痛症', ['頭痛']), doc('b', '発熱', ['発熱']), doc('c', '', ['腹痛症', '頭痛'])];
    // Longest first; 頭痛 (this document's own answer, and another's) is not in the text.
    expect(JSON.parse(task('cca').baseline(pool[0], pool))).toEqual(['腹痛症', '発熱']);
    expect(JSON.parse(task('cca').baseline(pool[1], pool))).toEqual([]);
    expect(JSON.parse(task('cca').baseline(pool[1], [pool[1]]))).toEqual([]);
  });
});

describe('NER: tagged copies', () => {
  it('measures offsets after the leading whitespace and before [EOS], in code points', () => {
    expect(readTaggedSpans('  \n<d>肺炎</d>あり', ['d'])).toEqual({
      text: '肺炎あり',
      spans: [{ start: 0, end: 2, kind: 'd' }],
    });
    expect(readTaggedSpans('𠮷<d>野家</d>[EOS]<d>x</d>', ['d'])).toEqual({
      text: '𠮷野家',
      spans: [{ start: 1, end: 3, kind: 'd' }],
    });
    // Tags of other kinds still shift the offsets of what follows.
    expect(readTaggedSpans('<a>xy</a><d>z</d>', ['d']).spans).toEqual([{ start: 2, end: 3, kind: 'd' }]);
  });

  it('is ok with tags or with [EOS], and says what is wrong without either', () => {
    const ner = task('ner-d');
    expect(ner.parse('<d>肺炎</d>')).toMatchObject({ ok: true });
    expect(ner.parse('肺炎なし[EOS]')).toEqual({ value: { text: '肺炎なし', spans: [] }, ok: true });
    expect(ner.parse('肺炎なし')).toEqual({
      value: { text: '肺炎なし', spans: [] },
      ok: false,
      problem: 'no entity tags and no [EOS]: not a tagged copy of the sentence',
    });
  });

  it('micro-averages precision, recall and F1 over all sentences', async () => {
    const g = (sentence: string, ...spans: [number, number][]) => ({
      sentence,
      entities: spans.map(([start, end]) => ({ start, end, kind: 'd' })),
    });
    // tp 2 (both in one sentence), fp 1, fn 1 + 1: P 2/3, R 2/4, F1 4/7.
    const { metrics } = await scoreAll(task('ner-d'), [
      [g('肺炎と胸水', [0, 2], [3, 5]), '<d>肺炎</d>と<d>胸水</d>[EOS]'],
      [g('腹痛あり', [0, 2]), '腹<d>痛あ</d>り[EOS]'],
      [g('頭痛', [0, 2]), '頭痛[EOS]'],
    ]);
    expect(metrics).toEqual({
      precision: 2 / 3,
      recall: 0.5,
      f1: expect.closeTo(4 / 7, 12),
      total_tp: 2,
      total_fp: 1,
      total_fn: 2,
    });
    const none = await scoreAll(task('ner-d'), [[g('頭痛'), '頭痛[EOS]']]);
    expect(none.metrics).toEqual({ precision: 0, recall: 0, f1: 0, total_tp: 0, total_fp: 0, total_fn: 0 });
  });

  it('baseline: a dictionary name tagged where it occurs, spanning the whole name', () => {
    const s = (id: string, sentence: string, ents: [number, number][]) => ({
      id,
      text: sentence,
      fields: { text: sentence },
      gold: { sentence, entities: ents.map(([start, end]) => ({ start, end, kind: 'd' })) },
    });
    const pool = [s('1', '既往に肺炎あり、肺炎再発', []), s('2', '肺炎', [[0, 2]]), s('3', '𠮷肺', [[0, 2]])];
    expect(task('ner-d').baseline(pool[0], pool)).toBe('既往に<d>肺炎</d>あり、<d>肺炎</d>再発[EOS]');
    const parsed = task('ner-d').parse(task('ner-d').baseline(pool[0], pool)) as Parsed<{ spans: unknown[] }>;
    expect(parsed.value.spans).toEqual([
      { start: 3, end: 5, kind: 'd' },
      { start: 8, end: 10, kind: 'd' },
    ]);
  });
});

describe('ROUGE-L settings: empty outputs', () => {
  it('says an output is empty after cutting, and is ok otherwise', () => {
    const irs = task('irs');
    expect(irs.parse('  要約  ')).toEqual({ value: '要約', ok: true });
    const problem = 'empty output: left out of the means, as the release did';
    expect(irs.parse('### 入力: 文書')).toEqual({ value: '', ok: false, problem });
    expect(irs.parse(' \n ')).toEqual({ value: '', ok: false, problem });
    expect(cleanGeneration('要約 ## 解説 : x')).toBe('要約');
    expect(cleanGeneration('要約 python コード')).toBe('要約');
  });

  it('averages over the non-empty outputs only; none at all scores 0', async () => {
    const t = task('irs');
    const { docs, metrics } = await scoreAll(t, [
      ['転倒', '転倒'],
      ['転倒', ''],
    ]);
    expect(docs[1]).toEqual({ empty: 1, precision: 0, recall: 0, f1: 0 });
    expect(metrics).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(t.headline(metrics)).toBe(1);
    const empty = await scoreAll(t, [['転倒', '']]);
    expect(empty.metrics).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('DC-ADE: the positive class 有', () => {
  const t = task('dc-ade');
  it('reads 1 and 2 after whitespace, and anything else as 有 with the problem', () => {
    expect(t.parse('  2')).toEqual({ value: '無', ok: true });
    expect(t.parse('\n1. 有')).toEqual({ value: '有', ok: true });
    expect(t.parse('無')).toEqual({
      value: '有',
      ok: false,
      problem: 'no option number: counted as 有 (positive), as the release did',
    });
  });

  it('counts true positives, false positives and false negatives by hand', async () => {
    // gold/output: 有/1 tp, 有/2 fn, 無/1 fp, 無/2 nothing, 有/x tp (unreadable counts as 有).
    const { docs, metrics } = await scoreAll(t, [
      ['有', '1'],
      ['有', '2'],
      ['無', '1'],
      ['無', '2'],
      ['有', '?'],
    ]);
    expect(docs).toEqual([
      { tp: 1, fp: 0, fn: 0 },
      { tp: 0, fp: 0, fn: 1 },
      { tp: 0, fp: 1, fn: 0 },
      { tp: 0, fp: 0, fn: 0 },
      { tp: 1, fp: 0, fn: 0 },
    ]);
    // P 2/3, R 2/3, F1 2/3.
    expect(metrics.precision).toBeCloseTo(2 / 3, 12);
    expect(metrics.recall).toBeCloseTo(2 / 3, 12);
    expect(t.headline(metrics)).toBeCloseTo(2 / 3, 12);
    // P 1/2 (one fp), R 1/3 (two fn): F1 = (1/3)/(5/6) = 0.4.
    const skew = await scoreAll(t, [
      ['有', '1'],
      ['無', '1'],
      ['有', '2'],
      ['有', '2'],
    ]);
    expect(skew.metrics).toEqual({ precision: 0.5, recall: 1 / 3, f1: expect.closeTo(0.4, 12) });
    expect((await scoreAll(t, [['無', '2']])).metrics).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('shows both labels in words, and answers the majority class as its baseline', () => {
    expect(t.showGold('有')).toBe('1 有 (adverse event)');
    expect(t.showGold('無')).toBe('2 無 (none)');
    expect(t.showParsed(t.parse('1'))).toBe('1 有 (adverse event)');
    expect(t.showParsed(t.parse('2'))).toBe('2 無 (none)');
    const doc = (id: string, gold: string) => ({ id, text: '', fields: {}, gold });
    const pool = [doc('a', '無'), doc('b', '有'), doc('c', '有')];
    expect(t.baseline(pool[0], pool)).toBe('1');
  });
});

describe('RE: accuracy over every row, precision over readable ones', () => {
  const t = task('re-ent');
  it('reads the option number at the start only, 1 to 5', () => {
    expect(t.parse('1')).toEqual({ value: 'change', ok: true });
    expect(t.parse(' 5.')).toEqual({ value: 'value', ok: true });
    const unreadable = { value: null, ok: false, problem: 'no option number (1–5) at the start of the output' };
    expect(t.parse('6')).toEqual(unreadable);
    expect(t.parse('0')).toEqual(unreadable);
    expect(t.parse('答えは3')).toEqual(unreadable);
  });

  it('scores right, wrong and unreadable rows by hand', async () => {
    // right, wrong, unreadable: recall 1/3, precision 1/2, F1 = (1/3)/(5/6) = 0.4.
    const { docs, metrics } = await scoreAll(t, [
      ['region', '4'],
      ['region', '1'],
      ['value', 'わからない'],
    ]);
    expect(docs).toEqual([
      { correct: 1, readable: 1 },
      { correct: 0, readable: 1 },
      { correct: 0, readable: 0 },
    ]);
    expect(metrics).toEqual({ accuracy: 1 / 3, precision: 0.5, recall: 1 / 3, f1: expect.closeTo(0.4, 12) });
    expect(t.aggregate([] as DocScore[])).toEqual({ accuracy: 0, precision: 0, recall: 0, f1: 0 });
    expect(t.showGold('feature')).toBe('3. feature');
    expect(t.showParsed(t.parse('2'))).toBe('2. compare');
    expect(t.showParsed(t.parse('x'))).toBe('(unreadable)');
  });
});
