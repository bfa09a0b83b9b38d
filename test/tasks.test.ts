// Each task's output parser and metric on outputs written for these tests, broken ones included.
import { describe, expect, it } from 'vitest';
import { TASK_IDS, type Parsed, type Task, type TaskId } from '../src/tasks/types.js';
import { TASKS, TASKS_BY_ID } from '../tasks/index.js';
import { cleanGeneration } from '../src/tasks/rouge-task.js';
import { halfWidthAscii, readListOutput, readPythonList } from '../src/tasks/lists.js';
import { readTaggedSpans } from '../src/tasks/ner-task.js';
import { fillTemplate } from '../src/tasks/prompt.js';
import { inThreadTokenizer } from './helpers.js';

const task = (id: TaskId) => TASKS_BY_ID.get(id)!;
const ctx = inThreadTokenizer();

async function scoreOne(t: Task, gold: unknown, output: string) {
  const parsed = t.parse(output) as Parsed<unknown>;
  const [doc] = await t.score([{ gold, parsed }], ctx);
  return { parsed, metrics: t.aggregate([doc]) };
}

describe('the registry', () => {
  it('lists the 13 settings once each, in Table 4 order', () => {
    expect(TASKS.map((t) => t.id)).toEqual([...TASK_IDS]);
    expect(TASKS.map((t) => t.label).join(' ')).toBe(
      'ExamQA CCA MR HS-PN HS-DS IRS CTS NER-D NER-Med RE-Ent RE-Time DC-TMN DC-ADE',
    );
  });
});

describe('prompt templates', () => {
  it('fills only the named placeholders and keeps tags the template shows', () => {
    expect(fillTemplate('<d>例</d> <text> <text> $&', { text: 'A$1' })).toBe('<d>例</d> A$1 A$1 $&');
  });
});

describe('list outputs (CCA, MR)', () => {
  it('reads JSON arrays, fenced or not', () => {
    expect(readListOutput('```json\n["発熱", "腹痛"]\n```')).toEqual({ items: ['発熱', '腹痛'], json: true });
  });
  it('splits Python literals and truncated lists on commas, keeping the cut-off fragment', () => {
    expect(readListOutput("['a', 'b', 'c")).toEqual({ items: ['a', 'b', 'c'], json: false });
    expect(readListOutput("['a', , 'b']").items).toEqual(['a', '', 'b']);
  });
  it('reads an empty output as one empty item (it costs precision, as in the release)', () => {
    expect(readListOutput('').items).toEqual(['']);
  });
  it('does not decode escapes a model typed, but decodes the ones Python wrote in gold lists', () => {
    expect(readListOutput("['インスリン\\u3000リスプロ']").items).toEqual(['インスリン\\u3000リスプロ']);
    expect(readPythonList("['カンデサルタン\\u3000シレキセチル', \"it's\"]")).toEqual([
      'カンデサルタン\u3000シレキセチル',
      "it's",
    ]);
  });
  it('maps full-width ASCII to ASCII but leaves U+3000', () => {
    expect(halfWidthAscii('ＯＤ錠１０ｍｇ　Ａ')).toBe('OD錠10mg　A');
  });
  it('scores MR with the release keys, _accuracy equal to recall', async () => {
    const { metrics } = await scoreOne(
      task('mr'),
      ['ニトログリセリン', 'アスピリン'],
      "['ニトログリセリン', 'ヘパリン', 'Ｗ']",
    );
    expect(metrics._precision).toBeCloseTo(1 / 3, 12);
    expect(metrics.recall).toBe(0.5);
    expect(metrics._accuracy).toBe(metrics.recall);
  });
  it('flags an output with no list at all, and still scores it', async () => {
    const { parsed, metrics } = await scoreOne(task('cca'), ['発熱'], '');
    expect(parsed.ok).toBe(false);
    expect(metrics._f1).toBe(0);
  });
  it('accepts an empty JSON list as an answer', () => {
    expect(task('cca').parse('[]').ok).toBe(true);
  });
});

describe('ExamQA', () => {
  const t = task('examqa');
  it('reads the option number and stores it 0-based', () => {
    expect(t.parse('3').value).toEqual([2]);
    expect(t.parse('答えは 4 です').value).toEqual([3]);
  });
  it('marks several options as a wrong answer, and text without a number as unreadable', async () => {
    expect((await scoreOne(t, 1, '2,4')).metrics.accuracy).toBe(0);
    expect(t.parse('2,4').ok).toBe(false);
    expect(t.parse('わかりません').ok).toBe(false);
    expect((await scoreOne(t, 1, '2')).metrics.accuracy).toBe(1);
  });
  it("replays the release's stored choices, multi-digit ones included", () => {
    expect(t.fromGeneration({ sample_id: 'x', generated: 13, gold: 1 }).output).toBe('2,4');
    expect(t.fromGeneration({ sample_id: 'x', generated: 0, gold: 1 }).output).toBe('1');
  });
});

describe('DC-ADE', () => {
  const t = task('dc-ade');
  it('reads 2 as 無 and everything else as 有, flagging unreadable text', () => {
    expect(t.parse(' 2. 「無」').value).toBe('無');
    expect(t.parse('1').value).toBe('有');
    const unreadable = t.parse('### 解答:\n判断できません');
    expect(unreadable.value).toBe('有');
    expect(unreadable.ok).toBe(false);
  });
  it('scores the positive class', async () => {
    expect((await scoreOne(t, '無', '1')).metrics).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect((await scoreOne(t, '有', '1')).metrics).toEqual({ precision: 1, recall: 1, f1: 1 });
  });
});

describe('DC-TMN', () => {
  const t = task('dc-tnm');
  it('reads each factor line, full-width colons and alternatives included', () => {
    expect(t.parse('T因子：T1b\nN因子: N0 / N1\nM因子: M0').value).toEqual({ t: 'T1b', n: 'N0', m: 'M0' });
  });
  it('flags a truncated output and scores what it has', async () => {
    const { parsed, metrics } = await scoreOne(t, { t: 'T2a', n: 'N2', m: 'M1c' }, 'T因子: T2a\nN因子: N');
    expect(parsed.ok).toBe(false);
    expect((metrics.t as Record<string, number>).f1).toBe(1);
    expect(t.headline(metrics)).toBeCloseTo(1 / 3, 12);
  });
  it('never credits a gold label the prompt does not offer (T2)', async () => {
    const { metrics } = await scoreOne(t, { t: 'T2', n: 'N0', m: 'M0' }, 'T因子: T2\nN因子: N0\nM因子: M0');
    expect(metrics.t).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('RE', () => {
  const t = task('re-time');
  it('maps the leading option number to the relation in prompt order', () => {
    expect(t.parse('  2. e1の終了時点が').value).toBe('before');
    expect(t.parse('関係は2').ok).toBe(false);
  });
  it('keeps unreadable outputs out of precision but in recall', () => {
    const m = t.aggregate([
      { correct: 1, readable: 1 },
      { correct: 0, readable: 0 },
    ]);
    expect(m).toEqual({ accuracy: 0.5, precision: 1, recall: 0.5, f1: 2 / 3 });
  });
});

describe('NER tags', () => {
  it('removes every paired tag from the offsets but keeps only the task kinds', () => {
    const out = '<anatomy>肺</anatomy>に<d>結節</d>あり[EOS]余計な説明<d>無視</d>';
    expect(readTaggedSpans(out, ['d']).spans).toEqual([{ start: 2, end: 4, kind: 'd' }]);
  });
  it('leaves unpaired tags as text and does not pair across lines', () => {
    expect(readTaggedSpans('<EOS>肺<d>結節</d>', ['d']).spans).toEqual([{ start: 6, end: 8, kind: 'd' }]);
    expect(readTaggedSpans('<d>肺\n結節</d>', ['d']).spans).toEqual([]);
  });
  it('reads medication keys and values', () => {
    const spans = readTaggedSpans('<m-key state="executed">フロセミド</m-key><m-val>20mg</m-val>', [
      'm-key',
      'm-val',
    ]).spans;
    expect(spans).toEqual([
      { start: 0, end: 5, kind: 'm-key' },
      { start: 5, end: 9, kind: 'm-val' },
    ]);
  });
  it('scores micro counts, crediting position and kind whatever the characters', async () => {
    const gold = { sentence: '肺に結節あり', entities: [{ start: 2, end: 4, kind: 'd' }] };
    const { metrics } = await scoreOne(task('ner-d'), gold, '肺に<d>結ぶ</d>あり<d>あり</d>[EOS]');
    expect(metrics).toMatchObject({ total_tp: 1, total_fp: 1, total_fn: 0 });
  });
  it('flags an output that is not a tagged copy', () => {
    expect(task('ner-d').parse('この文には病名がありません。').ok).toBe(false);
  });
});

describe('generation outputs (ROUGE-L settings)', () => {
  it('cuts at an echoed input or an added explanation, but not at an input example heading', () => {
    expect(cleanGeneration('要約です\n\n### 入力:\n次の文書')).toBe('要約です');
    expect(cleanGeneration('要約です\n### 解説: 理由')).toBe('要約です');
    expect(cleanGeneration('要約です\n```python\nprint(1)')).toBe('要約です');
    expect(cleanGeneration('### 入力例: そのまま')).toBe('### 入力例: そのまま');
  });
  it('scores ROUGE-L on MeCab tokens and leaves an empty output out of the means', async () => {
    const t = task('irs');
    const a = t.parse('内服薬の忘れ') as Parsed<unknown>;
    const b = t.parse('') as Parsed<unknown>;
    expect(b.ok).toBe(false);
    const docs = await t.score(
      [
        { gold: '内服薬の投与忘れ', parsed: a },
        { gold: '転倒', parsed: b },
      ],
      ctx,
    );
    const m = t.aggregate(docs);
    expect(m.precision).toBe(1);
    expect(m.recall).toBe(0.75);
    expect(m.f1).toBeCloseTo(6 / 7, 12);
  });
});

describe('baselines', () => {
  const doc = <G>(id: string, text: string, gold: G, fields: Record<string, string> = {}) => ({
    id,
    text,
    fields: { text, ...fields },
    gold,
  });

  it('lists the names other documents use that occur in the text (CCA, MR)', () => {
    const pool = [doc('a', '発熱と腹痛', ['発熱']), doc('b', '腹痛あり', ['腹痛']), doc('c', '頭痛', ['頭痛'])];
    expect(JSON.parse(task('cca').baseline(pool[0], pool))).toEqual(['腹痛']);
  });

  it('answers the majority class of the other documents (DC-ADE, RE, ExamQA, DC-TMN)', () => {
    const ade = [doc('a', '', '有'), doc('b', '', '無'), doc('c', '', '無'), doc('d', '', '無')];
    expect(task('dc-ade').baseline(ade[0], ade)).toBe('2');
    expect(task('dc-ade').baseline(ade[1], ade)).toBe('2');
    const rel = [doc('0', '', 'value'), doc('1', '', 'value'), doc('2', '', 'region')];
    expect(task('re-ent').baseline(rel[2], rel)).toBe('5');
    const tnm = [doc('a', '', { t: 'T1a', n: 'N0', m: 'M0' }), doc('b', '', { t: 'T1a', n: 'N1', m: 'M0' })];
    expect(task('dc-tnm').parse(task('dc-tnm').baseline(tnm[0], tnm)).value).toEqual({ t: 'T1a', n: 'N1', m: 'M0' });
  });

  it('writes the lead of the document, as long as the references (IRS), or the input itself (CTS)', () => {
    const pool = [
      doc('1', '', 'abcd', { incident_description: '転倒した。その後...' }),
      doc('2', '', 'ab', { incident_description: 'x' }),
    ];
    expect(task('irs').baseline(pool[0], pool)).toBe('転倒');
    expect(task('cts').baseline(doc('x', '原文そのまま', 'gold'), [])).toBe('原文そのまま');
  });

  it("tags the names other sentences tag, never the document's own (NER)", () => {
    const s = (id: string, sentence: string, ents: [number, number][]) =>
      doc(id, sentence, { sentence, entities: ents.map(([start, end]) => ({ start, end, kind: 'd' })) });
    const pool = [
      s('1', '肺炎と胸水', [
        [0, 2],
        [3, 5],
      ]),
      s('2', '肺炎あり', [[0, 2]]),
      s('3', '胸水なし', []),
    ];
    const out = task('ner-d').baseline(pool[2], pool);
    expect(out).toBe('<d>胸水</d>なし[EOS]');
    expect(task('ner-d').baseline(pool[1], pool)).toBe('<d>肺炎</d>あり[EOS]');
    // A copy of the same sentence elsewhere in the pool teaches nothing either.
    const copies = [s('1', '胸水なし', [[0, 2]]), s('2', '胸水なし', [[0, 2]])];
    expect(task('ner-d').baseline(copies[0], copies)).toBe('胸水なし[EOS]');
  });
});
