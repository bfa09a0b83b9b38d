// The shapes of label-like answers read by ExamQA, DC-TMN and RE (README "How scoring follows the release"):
// one test each. Width (NFKC) and markdown are normalised first; list items and DC-ADE are not.
import { describe, expect, it } from 'vitest';
import type { Parsed, TaskId } from '../src/tasks/types.js';
import { TASKS_BY_ID } from '../tasks/index.js';
import { normalizeLabelText } from '../src/tasks/label-text.js';

const parse = (id: TaskId, output: string) => TASKS_BY_ID.get(id)!.parse(output) as Parsed<unknown>;

describe('normalizeLabelText', () => {
  it('folds width and drops emphasis markers, keeping 、 and 。', () => {
    expect(normalizeLabelText('**Ｔ因子**：__Ｔ２ａ__、。')).toBe('T因子:T2a、。');
  });
  it('leaves emphasis that spans lines as written', () => {
    expect(normalizeLabelText('**a\nb**')).toBe('**a\nb**');
  });
});

describe('ExamQA: options read (1-based in the output, 0-based stored)', () => {
  it.each([
    ['3', [2]],
    ['２', [1]],
    ['選択肢２', [1]],
    ['**3**', [2]],
    ['3。', [2]],
    ['2,4', [1, 3]],
    ['２、４', [1, 3]],
    ['選択肢2、選択肢4', [1, 3]],
    ['答えは 4 です', [3]],
    ['理由: 1 は禁忌のため除外。答え: 3', [2]],
    ['1 は禁忌のため除外。正解は3', [2]],
    ['2と3で迷うが、**最終回答**：５', [4]],
    ['回答: 1', [0]],
    ['Considering 2 first. Answer: 4', [3]],
    ['答え: 1、答えを見直して 答え: 2', [1]],
    ['まず 5 を検討する', [4]],
  ])('%j reads %j', (output, value) => {
    expect(parse('examqa', output).value).toEqual(value);
  });

  it('scores several options as the release does: stored as one integer, never equal to gold', async () => {
    const t = TASKS_BY_ID.get('examqa')!;
    const parsed = parse('examqa', '２、４');
    expect(parsed.ok).toBe(false);
    expect(t.toGeneration({ id: 'q', text: '', fields: {}, gold: 1 }, '２、４', 1).generated).toBe(13);
    const [doc] = await t.score([{ gold: 1, parsed }], { tokenize: async () => [] });
    expect(doc.accuracy).toBe(0);
  });

  it('reads no option in text without one', () => {
    expect(parse('examqa', 'わかりません').ok).toBe(false);
  });
});

describe('DC-TMN: factors read', () => {
  it.each([
    ['T因子: T2a\nN因子: N0\nM因子: M0', { t: 'T2a', n: 'N0', m: 'M0' }],
    ['**T因子**: T2a\n**N因子**: N0\n**M因子**: M1a', { t: 'T2a', n: 'N0', m: 'M1a' }],
    ['T因子: T2a, N因子: N0, M因子: M0', { t: 'T2a', n: 'N0', m: 'M0' }],
    ['T因子：T1b、N因子：N2、M因子：M0。', { t: 'T1b', n: 'N2', m: 'M0' }],
    ['Ｔ因子：Ｔ２ａ\nＮ因子：Ｎ０\nＭ因子：Ｍ１ｃ', { t: 'T2a', n: 'N0', m: 'M1c' }],
    ['T因子: **T3**\nN因子: __N1__\nM因子: M0', { t: 'T3', n: 'N1', m: 'M0' }],
    ['T因子: T4(縦隔浸潤)\nN因子: N0 / N1\nM因子: M1b|M1c', { t: 'T4', n: 'N0', m: 'M1b' }],
  ])('%j reads %j', (output, value) => {
    const parsed = parse('dc-tnm', output);
    expect(parsed.value).toEqual(value);
    expect(parsed.ok).toBe(true);
  });
});

describe('RE: the leading option number read as a relation', () => {
  it.each([
    ['2', 'before'],
    ['  2. e1の終了時点が', 'before'],
    ['２', 'before'],
    ['**3**', 'after'],
    ['4、', 'start'],
    ['5。', 'finish'],
    ['選択肢1', 'on'],
  ])('%j reads %j', (output, value) => {
    expect(parse('re-time', output).value).toBe(value);
  });
  it('reads no number met after other text', () => {
    expect(parse('re-time', '関係は2').ok).toBe(false);
  });
});

describe('outside the rule: list items and DC-ADE keep their raw strings', () => {
  it('CCA compares full-width names as written', () => {
    expect(parse('cca', '["ＡＳＴ上昇"]').value).toEqual(['ＡＳＴ上昇']);
  });
  it('DC-ADE is negative only when the trimmed output starts with 2', () => {
    expect(parse('dc-ade', '**2**').value).toBe('有');
  });
});
