// The task modules (tasks/*.ts) as declared: each setting's names, release folder and one-shot examples
// against shared/spec/benchmark.md and the release, the loaders on a miniature release written for these
// tests, the generation rows in the release's formats, and the readable forms of gold and output.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Release } from '../src/release/release.js';
import type { Document, Parsed, TaskId } from '../src/tasks/types.js';
import { TASKS, TASKS_BY_ID } from '../tasks/index.js';

const task = (id: TaskId) => TASKS_BY_ID.get(id)!;
const noTokens = { tokenize: async () => [] };

// The miniature release of test/fixtures (IRS, MR), plus rows written here in the release's formats
// (column names and file names as the release has them; the content is made up) for the other loaders.
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'release');
const ROOT = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-task-modules-')), 'release');
cpSync(FIXTURES, ROOT, { recursive: true });
const BOM = '\uFEFF';
function put(folder: string, file: string, content: string) {
  const dir = path.join(ROOT, 'data', 'benchmarks', folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), content);
}
put(
  'CLR/MCQA',
  'igakuqa_clinical_test.jsonl',
  [
    {
      sample_id: '900A1',
      question: '発熱で来院した。対応はどれか。',
      options: ['経過観察', '解熱薬', '入院'],
      answer_idx: 1,
    },
    { sample_id: '900A2', question: '腹痛がある。', options: ['CT', '内視鏡'], answer_idx: 0 },
  ]
    .map((q) => JSON.stringify(q))
    .join('\n') + '\n',
);
put(
  'CLR/CCA',
  'data.csv',
  'text,medra_list,doc_name\n"S　頭痛と発熱。\\nA　感冒","[\'頭痛\', \'発熱\']",01_X_p1\nS　嘔吐あり。,"[\'嘔吐\']",02_Y_p1\n',
);
// The paper's labels (issue 22): the same documents, one gold changed (`感冒` dropped by the re-review).
put(
  'CLR/CCA',
  'data_old.csv',
  "text,medra_list,doc_name\n\"S　頭痛と発熱。\\nA　感冒\",\"['頭痛', '発熱', '感冒']\",01_X_p1\nS　嘔吐あり。,\"['嘔吐']\",02_Y_p1\n",
);
// Case ids in decomposed Unicode are read in NFC (spec: one HS-PN id is stored decomposed).
const DECOMPOSED_ID = '02_カ\u3099ン';
put(
  'CLG/HS_PN',
  'dataset_paper.json',
  JSON.stringify([
    { case_id: '01_肺炎', notes: ['発熱あり。', '解熱した。'], summary: '肺炎で入院し軽快した。', diagnoses: ['肺炎'] },
    { case_id: DECOMPOSED_ID, notes: ['化学療法。'], summary: '化学療法を行った。', diagnoses: [] },
  ]),
);
put('CLG/HS_DS', 'data_ds.csv', `${BOM}ds_id,doc_name,text\n1,ds1.txt,退院時要約その1\n2,ds2.txt,退院時要約その2\n`);
put(
  'CLG/HS_DS',
  'data_doctor.csv',
  `${BOM}doctor_id,age_group,gender,specialty,years_of_experience,hospital_bed_count\nA,30代,女性,内科,10,500\n`,
);
// Doctor B has no row in data_doctor.csv and no note on summary 1; summary 3 has no row in data_ds.csv.
put(
  'CLG/HS_DS',
  'data_summary.csv',
  `${BOM}ds_id,doctor_id,summary\n1,A,Aの紹介状1\n2,A,Aの紹介状2\n2,B,Bの紹介状2\n3,A,Aの紹介状3\n`,
);
put(
  'CLG/CTS',
  'PN_simplification.csv',
  'filename,group,page,is_first_or_last,text,simplified_text\n01_X_p1.txt,1,1,True,経過記録です。,やさしい経過記録。\n',
);
put(
  'CLG/CTS',
  'CR_simplification.csv',
  'file_id,type,input_text,simplified_text\nJP0001-1,CR,症例報告です。,やさしい症例報告。\n',
);
put(
  'CLG/CTS',
  'RR_simplification.csv',
  'file_id,input_text,simplified_text\ncase_02_dr_01_ja,読影所見です。,やさしい読影所見。\n',
);
put(
  'CLU/DC_TMN',
  'data.csv',
  'id,text,t,n,m\n1001,右上葉に結節。\\n転移なし。,T1b,N0,M0\n1002,左下葉に腫瘤。,T2,N1,M1\n1003,胸膜浸潤あり。,T1b,N2,M0\n',
);
put(
  'CLU/DC_ADE',
  'data.csv',
  'Unnamed: 0,medication,text,label,想定した有害事象\n0,ロキソニン,飲んでから胃が痛い。\\n食欲もない。,有,胃痛\n1,アムロジピン,特に変わりない。,無,\n2,ロキソニン,眠気が出た。,有,眠気\n',
);
const release = new Release(ROOT);
const docs = (id: TaskId) => task(id).loadDocuments(release) as Document<unknown>[];

describe('each setting as the spec and the release name it', () => {
  // id, Table 4 label, title shown by `jcb tasks` and the Slack task picker, release folder (spec table),
  // Table 4 metric, and the one-shot examples: the documents the release's one-shot generation files leave
  // out (checked against gpt-4o's files; hs-ds: summary 1 of each doctor A–J; RE: rel_data.json's first pair).
  it.each([
    ['examqa', 'ExamQA', 'Exam-style QA (IgakuQA clinical questions)', 'CLR/MCQA', 'accuracy', ['114D40']],
    ['cca', 'CCA', 'Clinical code assignment (MedDRA PT)', 'CLR/CCA', 'F1', ['12_118B35_緊張性気胸_p2']],
    ['mr', 'MR', 'Medication recommendation', 'CLR/MR', 'F1', ['20_118F56_高エネルギー外傷.txt']],
    [
      'hs-pn',
      'HS-PN',
      'Hospitalization summary from progress notes',
      'CLG/HS_PN',
      'ROUGE-L',
      ['01_118B49-50_高Ca血症'],
    ],
    [
      'hs-ds',
      'HS-DS',
      'Hand-over note from a discharge summary',
      'CLG/HS_DS',
      'ROUGE-L',
      ['1_A', '1_B', '1_C', '1_D', '1_E', '1_F', '1_G', '1_H', '1_I', '1_J'],
    ],
    ['irs', 'IRS', 'Incident report summarization', 'CLG/IRS', 'ROUGE-L', ['1']],
    [
      'cts',
      'CTS',
      'Clinical text simplification',
      'CLG/CTS',
      'ROUGE-L',
      ['01_118B49-50_高Ca血症_p1.txt', 'JP0217-100', 'case_01_dr_01_ja'],
    ],
    ['ner-d', 'NER-D', 'Disease named entity recognition', 'CLU/NER_Disease', 'F1', []],
    ['ner-med', 'NER-Med', 'Medication named entity recognition', 'CLU/NER_Medication', 'F1', []],
    ['re-ent', 'RE-Ent', 'Entity relation extraction', 'CLU/RE_Ent', 'F1', ['0']],
    ['re-time', 'RE-Time', 'Temporal relation extraction', 'CLU/RE_Time', 'F1', ['0']],
    ['dc-tnm', 'DC-TMN', 'Lung cancer TNM staging', 'CLU/DC_TMN', 'F1', ['15059875']],
    ['dc-ade', 'DC-ADE', 'Adverse drug event classification', 'CLU/DC_ADE', 'F1', ['567']],
  ] as const)('%s: %s, %s, %s, %s', (id, label, title, folder, metric, examples) => {
    const t = task(id);
    expect({ id: t.id, label: t.label, title: t.title, folder: t.folder, metric: t.metric }).toEqual({
      id,
      label,
      title,
      folder,
      metric,
    });
    expect(t.oneShotExamples).toEqual(examples);
  });

  it('keeps one module per setting, in Table 4 order', () => {
    expect(TASKS.map((t) => t.label)).toEqual([
      'ExamQA',
      'CCA',
      'MR',
      'HS-PN',
      'HS-DS',
      'IRS',
      'CTS',
      'NER-D',
      'NER-Med',
      'RE-Ent',
      'RE-Time',
      'DC-TMN',
      'DC-ADE',
    ]);
    expect([...TASKS_BY_ID.keys()]).toEqual(TASKS.map((t) => t.id));
  });

  it("names the relations in the prompt's option order (spec: RE_Ent and RE_Time)", () => {
    const options = (id: TaskId) => ['1', '2', '3', '4', '5'].map((n) => task(id).parse(n).value);
    expect(options('re-ent')).toEqual(['change', 'compare', 'feature', 'region', 'value']);
    expect(options('re-time')).toEqual(['on', 'before', 'after', 'start', 'finish']);
  });

  it('tags the entity kinds of each NER setting: d; m-key and m-val', () => {
    const kinds = (id: TaskId) =>
      (
        task(id).parse('<d>頭痛</d>に<m-key>ロキソニン</m-key><m-val>1錠</m-val>').value as {
          spans: { kind: string }[];
        }
      ).spans.map((s) => s.kind);
    expect(kinds('ner-d')).toEqual(['d']);
    expect(kinds('ner-med')).toEqual(['m-key', 'm-val']);
  });
});

describe('loaders on the miniature release', () => {
  // The placeholders of each folder's prompt templates (both shots), as in the release.
  it.each([
    ['examqa', ['options', 'text']],
    ['cca', ['options', 'text']],
    ['mr', ['options', 'text']],
    ['hs-pn', ['notes']],
    ['hs-ds', ['d_summary', 'example_res', 'persona']],
    ['irs', ['action_token', 'incident_description']],
    ['cts', ['notes']],
    ['dc-tnm', ['text']],
    ['dc-ade', ['medication', 'text']],
  ] as const)('%s fills the placeholders %j', (id, placeholders) => {
    for (const d of docs(id)) expect(Object.keys(d.fields).sort()).toEqual(placeholders);
  });

  it('ExamQA: the question with its options numbered from 1, gold 0-based', () => {
    expect(docs('examqa')).toEqual([
      {
        id: '900A1',
        text: '発熱で来院した。対応はどれか。\n1. 経過観察\n2. 解熱薬\n3. 入院',
        fields: { text: '発熱で来院した。対応はどれか。', options: '1. 経過観察  \n2. 解熱薬  \n3. 入院' },
        gold: 1,
        allGold: [1],
      },
      {
        id: '900A2',
        text: '腹痛がある。\n1. CT\n2. 内視鏡',
        fields: { text: '腹痛がある。', options: '1. CT  \n2. 内視鏡' },
        gold: 0,
        allGold: [0],
      },
    ]);
  });

  it("CCA: the note with real line breaks, every gold name of the setting as sorted options (the paper's labels by default)", () => {
    const options = "['嘔吐', '感冒', '発熱', '頭痛']";
    expect(docs('cca')).toEqual([
      {
        id: '01_X_p1',
        text: 'S　頭痛と発熱。\nA　感冒',
        fields: { text: 'S　頭痛と発熱。\nA　感冒', options },
        gold: ['頭痛', '発熱', '感冒'],
      },
      { id: '02_Y_p1', text: 'S　嘔吐あり。', fields: { text: 'S　嘔吐あり。', options }, gold: ['嘔吐'] },
    ]);
  });

  it('CCA under the reviewed labels: data.csv, its gold and its own (shorter) options list', () => {
    const options = "['嘔吐', '発熱', '頭痛']";
    expect(task('cca').loadDocuments(release, 'reviewed')).toEqual([
      {
        id: '01_X_p1',
        text: 'S　頭痛と発熱。\nA　感冒',
        fields: { text: 'S　頭痛と発熱。\nA　感冒', options },
        gold: ['頭痛', '発熱'],
      },
      { id: '02_Y_p1', text: 'S　嘔吐あり。', fields: { text: 'S　嘔吐あり。', options }, gold: ['嘔吐'] },
    ]);
    expect(task('cca').loadDocuments(release, 'paper')).toEqual(docs('cca'));
  });

  it('MR: the same, from the fixture release', () => {
    const options = "['W', 'アスピリン', 'アセトアミノフェン', 'ニトログリセリン']";
    expect(docs('mr')).toEqual([
      {
        id: '20_118F56_高エネルギー外傷.txt',
        text: 'S　例の文書です。\nO　特記なし',
        fields: { text: 'S　例の文書です。\nO　特記なし', options },
        gold: ['アセトアミノフェン'],
      },
      {
        id: 'A_p1',
        text: 'S　胸が痛い。\nA/P　#狭心症',
        fields: { text: 'S　胸が痛い。\nA/P　#狭心症', options },
        gold: ['ニトログリセリン', 'アスピリン'],
      },
      { id: 'B_p1', text: 'S　眠れない。', fields: { text: 'S　眠れない。', options }, gold: ['W'] },
    ]);
  });

  it('HS-PN: the progress notes numbered as in the template, ids in NFC', () => {
    const notes = 'プログレスノート1：\n発熱あり。\n\nプログレスノート2：\n解熱した。';
    expect(docs('hs-pn')).toEqual([
      { id: '01_肺炎', text: notes, fields: { notes }, gold: '肺炎で入院し軽快した。' },
      {
        id: '02_ガン',
        text: 'プログレスノート1：\n化学療法。',
        fields: { notes: 'プログレスノート1：\n化学療法。' },
        gold: '化学療法を行った。',
      },
    ]);
  });

  it("HS-DS: one document per doctor's note, with the doctor's persona and own example note", () => {
    const personaA = '年代: 30代\n性別: 女性\n専門: 内科\n経験年数: 10\n勤務先の病床数: 500';
    expect(docs('hs-ds')).toEqual([
      {
        id: '1_A',
        text: '退院時要約その1',
        fields: { persona: personaA, d_summary: '退院時要約その1', example_res: 'Aの紹介状1' },
        gold: 'Aの紹介状1',
      },
      {
        id: '2_A',
        text: '退院時要約その2',
        fields: { persona: personaA, d_summary: '退院時要約その2', example_res: 'Aの紹介状1' },
        gold: 'Aの紹介状2',
      },
      // No persona row: the doctor's id; no note on summary 1: no example.
      {
        id: '2_B',
        text: '退院時要約その2',
        fields: { persona: 'B', d_summary: '退院時要約その2', example_res: '' },
        gold: 'Bの紹介状2',
      },
      // A summary missing from data_ds.csv: an empty text.
      {
        id: '3_A',
        text: '',
        fields: { persona: personaA, d_summary: '', example_res: 'Aの紹介状1' },
        gold: 'Aの紹介状3',
      },
    ]);
  });

  it('IRS: the free comments and the actions under their headings', () => {
    expect(docs('irs')[1]).toEqual({
      id: '2',
      text: '関与者の自由意見・状況補足：\n内服薬を投与し忘れた。\n\n事故後どのような対応・対策をしたか：\n医師に報告した。',
      fields: { incident_description: '内服薬を投与し忘れた。', action_token: '医師に報告した。' },
      gold: '内服薬の投与忘れ',
    });
    expect(docs('irs').map((d) => d.id)).toEqual(['1', '2', '3', '4']);
  });

  it('CTS: progress notes, then case reports, then radiology reports', () => {
    expect(docs('cts')).toEqual([
      { id: '01_X_p1.txt', text: '経過記録です。', fields: { notes: '経過記録です。' }, gold: 'やさしい経過記録。' },
      { id: 'JP0001-1', text: '症例報告です。', fields: { notes: '症例報告です。' }, gold: 'やさしい症例報告。' },
      {
        id: 'case_02_dr_01_ja',
        text: '読影所見です。',
        fields: { notes: '読影所見です。' },
        gold: 'やさしい読影所見。',
      },
    ]);
  });

  it('DC-TMN: the report with real line breaks, the three factors as gold', () => {
    expect(docs('dc-tnm')[0]).toEqual({
      id: '1001',
      text: '右上葉に結節。\n転移なし。',
      fields: { text: '右上葉に結節。\n転移なし。' },
      gold: { t: 'T1b', n: 'N0', m: 'M0' },
    });
    expect(docs('dc-tnm').map((d) => d.gold)).toEqual([
      { t: 'T1b', n: 'N0', m: 'M0' },
      { t: 'T2', n: 'N1', m: 'M1' },
      { t: 'T1b', n: 'N2', m: 'M0' },
    ]);
  });

  it('DC-ADE: the statement and the drug name, the label as gold', () => {
    expect(docs('dc-ade')).toEqual([
      {
        id: '0',
        text: '飲んでから胃が痛い。\n食欲もない。\n薬剤名: ロキソニン',
        fields: { text: '飲んでから胃が痛い。\n食欲もない。', medication: 'ロキソニン' },
        gold: '有',
      },
      {
        id: '1',
        text: '特に変わりない。\n薬剤名: アムロジピン',
        fields: { text: '特に変わりない。', medication: 'アムロジピン' },
        gold: '無',
      },
      {
        id: '2',
        text: '眠気が出た。\n薬剤名: ロキソニン',
        fields: { text: '眠気が出た。', medication: 'ロキソニン' },
        gold: '有',
      },
    ]);
  });
});

describe('documents made of free text', () => {
  it('fills the one text placeholder; CCA and MR offer the setting candidate list', () => {
    const from = (id: TaskId) => task(id).documentFromText!('胸が痛い。', release);
    expect(from('cca')).toEqual({
      id: 'text',
      text: '胸が痛い。',
      fields: { text: '胸が痛い。', options: "['嘔吐', '感冒', '発熱', '頭痛']" },
      gold: [],
    });
    expect(from('mr')).toEqual({
      id: 'text',
      text: '胸が痛い。',
      fields: { text: '胸が痛い。', options: "['W', 'アスピリン', 'アセトアミノフェン', 'ニトログリセリン']" },
      gold: [],
    });
    expect(from('dc-tnm')).toEqual({
      id: 'text',
      text: '胸が痛い。',
      fields: { text: '胸が痛い。' },
      gold: { t: null, n: null, m: null },
    });
    expect(from('cts')).toEqual({ id: 'text', text: '胸が痛い。', fields: { notes: '胸が痛い。' }, gold: '' });
    expect(from('hs-pn')).toEqual({ id: 'text', text: '胸が痛い。', fields: { notes: '胸が痛い。' }, gold: '' });
  });
  it('is not offered where the prompt needs more than one text (IRS, HS-DS)', () => {
    expect(task('irs').documentFromText).toBeUndefined();
    expect(task('hs-ds').documentFromText).toBeUndefined();
  });
});

describe("generation rows in the release's formats", () => {
  const doc = <G>(id: string, gold: G, fields: Record<string, string> = {}): Document<G> => ({
    id,
    text: '',
    fields,
    gold,
  });

  it('ExamQA: the parsed choice as the 0-based integer the release stores, null when none', () => {
    const t = task('examqa');
    expect(t.toGeneration(doc('900A1', 1), '答え: 2', 1)).toEqual({ sample_id: '900A1', generated: 1, gold: 1 });
    expect(t.toGeneration(doc('900A1', 1), 'わかりません', 1)).toEqual({
      sample_id: '900A1',
      generated: null,
      gold: 1,
    });
    expect(t.fromGeneration({ sample_id: '900A1', generated: 2, gold: '1' })).toEqual({
      id: '900A1',
      gold: 1,
      output: '3',
    });
  });
  it('ExamQA: a stored value that is not an integer is replayed as written, a missing one as empty', () => {
    const t = task('examqa');
    expect(t.fromGeneration({ sample_id: 'q', generated: null, gold: 0 }).output).toBe('');
    expect(t.fromGeneration({ sample_id: 'q', gold: 0 }).output).toBe('');
    expect(t.fromGeneration({ sample_id: 'q', generated: '選択肢3', gold: 0 }).output).toBe('選択肢3');
    expect(t.fromGeneration({ sample_id: 'q', generated: 1.5, gold: 0 }).output).toBe('1.5');
  });
  it('CCA: sheet_name, generated_medra and gold_medra as a Python list', () => {
    const t = task('cca');
    const row = t.toGeneration(doc('01_X_p1', ['頭痛', "O'Brien"]), '["頭痛"]', ['頭痛', "O'Brien"]);
    expect(row).toEqual({ sheet_name: '01_X_p1', generated_medra: '["頭痛"]', gold_medra: "['頭痛', 'O\\'Brien']" });
    expect(t.fromGeneration(row)).toEqual({ id: '01_X_p1', gold: ['頭痛', "O'Brien"], output: '["頭痛"]' });
    expect(t.fromGeneration({ sheet_name: 'x', gold_medra: '[]', generated_medra: null }).output).toBe('');
  });
  it('MR: doc_name, generated and gold as a Python list', () => {
    const t = task('mr');
    const row = t.toGeneration(doc('A_p1', ['アスピリン']), "['アスピリン']", ['アスピリン']);
    expect(row).toEqual({ doc_name: 'A_p1', generated: "['アスピリン']", gold: "['アスピリン']" });
    expect(t.fromGeneration(row)).toEqual({ id: 'A_p1', gold: ['アスピリン'], output: "['アスピリン']" });
    expect(t.fromGeneration({ doc_name: 'x', gold: '[]' }).output).toBe('');
  });
  it('DC-TMN: id, the three gold factors and generated', () => {
    const t = task('dc-tnm');
    const gold = { t: 'T1b', n: 'N0', m: 'M0' };
    const row = t.toGeneration(doc('1001', gold), 'T因子: T1b', gold);
    expect(row).toEqual({ id: '1001', t: 'T1b', n: 'N0', m: 'M0', generated: 'T因子: T1b' });
    expect(t.fromGeneration(row)).toEqual({ id: '1001', gold, output: 'T因子: T1b' });
    expect(t.fromGeneration({ id: 5, t: 'T3', n: 'N1', m: 'M1a', generated: null })).toEqual({
      id: '5',
      gold: { t: 'T3', n: 'N1', m: 'M1a' },
      output: '',
    });
  });
  it('DC-ADE: the pandas index column, the drug, the label and generated', () => {
    const t = task('dc-ade');
    const row = t.toGeneration(doc('0', '有', { medication: 'ロキソニン' }), '1', '有');
    expect(row).toEqual({ 'Unnamed: 0': '0', medication: 'ロキソニン', label: '有', generated: '1' });
    expect(t.fromGeneration(row)).toEqual({ id: '0', gold: '有', output: '1' });
    expect(t.fromGeneration({ 'Unnamed: 0': 3, label: '無' })).toEqual({ id: '3', gold: '無', output: '' });
  });
  it('ROUGE-L settings: the id of a row (HS-DS: also ds_id and doctor_id apart), in NFC', () => {
    const id = (t: TaskId, row: Record<string, unknown>) =>
      task(t).fromGeneration({ ...row, gold: 'g', generated: 'o' }).id;
    expect(id('hs-pn', { id: DECOMPOSED_ID })).toBe('02_ガン');
    expect(id('cts', { id: 'JP0001-1' })).toBe('JP0001-1');
    expect(id('irs', { id: 7 })).toBe('7');
    expect(id('hs-ds', { id: '2_A' })).toBe('2_A');
    expect(id('hs-ds', { ds_id: 2, doctor_id: 'B' })).toBe('2_B');
  });
});

describe('baselines on the miniature release', () => {
  const baseline = (id: TaskId, i: number) => {
    const pool = docs(id);
    return task(id).baseline(pool[i], pool);
  };
  it('ExamQA, DC-TMN, DC-ADE: the majority answer of the other documents', () => {
    expect(baseline('examqa', 0)).toBe('1'); // the other question's gold is option 1
    expect(baseline('examqa', 1)).toBe('2');
    expect(baseline('dc-tnm', 1)).toBe('T因子: T1b\nN因子: N0\nM因子: M0');
    expect(baseline('dc-ade', 0)).toBe('2'); // the others: 無 then 有, the first most frequent wins
    expect(baseline('dc-ade', 1)).toBe('1');
  });
  it('CTS: the input unchanged; HS-PN, HS-DS, IRS: its lead, as long as the other references', () => {
    expect(baseline('cts', 1)).toBe('症例報告です。');
    expect(baseline('hs-pn', 1)).toBe('プログレスノート1：\n'); // 11 characters, as long as case 01's summary
    expect(baseline('hs-ds', 0)).toBe('退院時要約そ'); // the other three notes have 6 characters
    // IRS cuts the free comments, not the whole text with its headings (the others' mean: 5 characters).
    expect(baseline('irs', 1)).toBe('内服薬を投');
  });
});

describe('ExamQA: reading, scoring and showing choices', () => {
  const t = task('examqa');
  const parse = (output: string) => t.parse(output) as Parsed<number[]>;
  it('flags no option and several options, each with what was wrong', () => {
    expect(parse('3')).toEqual({ value: [2], ok: true });
    expect(parse('わかりません')).toEqual({ value: [], ok: false, problem: 'no option number in the output' });
    expect(parse('2,4')).toEqual({ value: [1, 3], ok: false, problem: 'several options chosen: scored wrong' });
  });
  it.each([
    ['選択肢 3', [2]],
    ['選択肢3', [2]],
    ['答え 4', [3]],
    ['答え:4', [3]],
    ['答え : 4', [3]],
    ['Considering 2. ANSWER: 5', [4]],
    ['解答: 2 , 4', [1, 3]],
    ['答え: 2 、 選択肢 4', [1, 3]],
    ['答え: 2,2', [1]],
    // The last of three markers counts.
    ['回答: 1。解答: 2。最終回答: 3', [2]],
    // A number of two digits is not an option: the marker is passed over, the leading option read.
    ['1. 答え: 23', [0]],
    // Options listed at the start, after blanks; a list met later is not read as a list.
    ['2,4', [1, 3]],
    ['  2,4 です', [1, 3]],
    ['選ぶのは 2,4', [1]],
    ['(3)', [2]],
    ['なし', []],
  ])('%j reads %j', (output, value) => {
    expect(parse(output).value).toEqual(value);
  });
  it('credits exactly one option equal to gold', async () => {
    const accuracy = async (gold: number, value: number[]) =>
      (await t.score([{ gold, parsed: { value, ok: value.length === 1 } }], noTokens))[0].accuracy;
    expect(await accuracy(2, [2])).toBe(1);
    expect(await accuracy(2, [1])).toBe(0);
    expect(await accuracy(2, [2, 3])).toBe(0);
    expect(await accuracy(0, [])).toBe(0);
    expect(t.aggregate([{ accuracy: 1 }, { accuracy: 0 }, { accuracy: 1 }, { accuracy: 1 }])).toEqual({
      accuracy: 0.75,
    });
    expect(t.headline({ accuracy: 0.75 })).toBe(0.75);
  });
  it('shows options 1-based', () => {
    expect(t.showGold(2)).toBe('option 3');
    expect(t.showParsed(parse('2,4'))).toBe('option 2, 4');
    expect(t.showParsed(parse('なし'))).toBe('(no option)');
  });
});

describe('DC-TMN: problems, credit and showing factors', () => {
  const t = task('dc-tnm');
  it('names the factor lines missing', () => {
    expect(t.parse('N因子: N0')).toEqual({
      value: { t: null, n: 'N0', m: null },
      ok: false,
      problem: 'no T因子:, M因子: line',
    });
    expect(t.parse('T因子: T1a\nN因子: N0').problem).toBe('no M因子: line');
    // A line that is there, empty, is not said to be missing (issue 30: gpt-5's `T因子: \nN因子: \nM因子:`).
    expect(t.parse('T因子: \nN因子: \nM因子:').problem).toBe('M因子: line empty');
    expect(t.parse('T因子: T1a\nM因子:').problem).toBe('no N因子: line; M因子: line empty');
  });
  it('credits only the labels the prompt offers (spec: T, N and M label sets)', async () => {
    const offered = {
      t: ['TX', 'T0', 'Tis', 'T1mi', 'T1a', 'T1b', 'T1c', 'T2a', 'T2b', 'T3', 'T4'],
      n: ['NX', 'N0', 'N1', 'N2', 'N3'],
      m: ['M0', 'M1a', 'M1b', 'M1c'],
    };
    const longest = Math.max(...Object.values(offered).map((l) => l.length));
    const items = Array.from({ length: longest }, (_, i) => {
      const gold = { t: offered.t[i % 11], n: offered.n[i % 5], m: offered.m[i % 4] };
      return { gold, parsed: { value: gold, ok: true } };
    });
    const scores = await t.score(items, noTokens);
    expect(
      scores.every((s) => s.t_correct + s.n_correct + s.m_correct + s.t_labelled + s.n_labelled + s.m_labelled === 6),
    ).toBe(true);
    const unoffered = { t: 'T1', n: 'N4', m: 'M1' };
    const [none] = await t.score([{ gold: unoffered, parsed: { value: unoffered, ok: true } }], noTokens);
    expect(none).toEqual({ t_correct: 0, t_labelled: 0, n_correct: 0, n_labelled: 0, m_correct: 0, m_labelled: 0 });
    const [free] = await t.score([{ gold: { t: null, n: null, m: null }, parsed: t.parse('') }], noTokens);
    expect(free).toEqual({ t_correct: 0, t_labelled: 0, n_correct: 0, n_labelled: 0, m_correct: 0, m_labelled: 0 });
  });
  it('shows each factor, a question mark where it is missing', () => {
    expect(t.showGold({ t: 'T1b', n: 'N0', m: 'M0' })).toBe('T1b N0 M0');
    expect(t.showParsed(t.parse('N因子: N2'))).toBe('T? N2 M?');
  });
});

describe('DC-ADE: showing labels', () => {
  const t = task('dc-ade');
  it('names the option number and the label', () => {
    expect(t.showGold('有')).toBe('1 有 (adverse event)');
    expect(t.showGold('無')).toBe('2 無 (none)');
    expect(t.showParsed(t.parse('1'))).toBe('1 有 (adverse event)');
    expect(t.showParsed(t.parse(' 2'))).toBe('2 無 (none)');
  });
  it('reads a leading 1 or 2 as an answer and says how anything else is counted', () => {
    expect(t.parse(' 1. 有')).toEqual({ value: '有', ok: true });
    expect(t.parse('2')).toEqual({ value: '無', ok: true });
    expect(t.parse('有')).toEqual({
      value: '有',
      ok: false,
      problem: 'no option number: counted as 有 (positive), as the release did',
    });
  });
});

describe('metrics under the release keys', () => {
  it('CCA: _precision, recall and _f1, the mean over documents; _f1 is the headline', async () => {
    const t = task('cca');
    const scores = await t.score(
      [
        { gold: ['頭痛', '発熱'], parsed: t.parse('["頭痛"]') },
        { gold: ['嘔吐'], parsed: t.parse('["嘔吐", "発熱"]') },
      ],
      noTokens,
    );
    const m = t.aggregate(scores);
    // Document 1: P 1, R 1/2, F1 2/3; document 2: P 1/2, R 1, F1 2/3.
    expect(Object.keys(m).sort()).toEqual(['_f1', '_precision', 'recall']);
    expect(m._precision).toBeCloseTo(0.75, 12);
    expect(m.recall).toBeCloseTo(0.75, 12);
    expect(t.headline(m)).toBeCloseTo(2 / 3, 12);
  });
  it('MR: predicted drug names typed in full width are matched as ASCII; CCA keeps them as written', () => {
    expect(task('mr').parse('["ＯＤ錠", "Ａ"]').value).toEqual(['OD錠', 'A']);
    expect(task('cca').parse('["ＯＤ錠"]').value).toEqual(['ＯＤ錠']);
  });
  it('DC-ADE: precision, recall and F1 of the positive class 有', async () => {
    const t = task('dc-ade');
    const items = [
      { gold: '有', output: '1' }, // tp
      { gold: '有', output: '2' }, // fn
      { gold: '有', output: '2' }, // fn
      { gold: '無', output: '1' }, // fp
      { gold: '無', output: '2' }, // tn
    ].map(({ gold, output }) => ({ gold, parsed: t.parse(output) }));
    const scores = await t.score(items, noTokens);
    expect(scores).toEqual([
      { tp: 1, fp: 0, fn: 0 },
      { tp: 0, fp: 0, fn: 1 },
      { tp: 0, fp: 0, fn: 1 },
      { tp: 0, fp: 1, fn: 0 },
      { tp: 0, fp: 0, fn: 0 },
    ]);
    const m = t.aggregate(scores);
    expect(m).toEqual({ precision: 0.5, recall: 1 / 3, f1: expect.closeTo(0.4, 12) });
    expect(t.headline(m)).toBeCloseTo(0.4, 12);
  });
  it('DC-TMN: per factor, precision over every row and recall over the rows with an offered gold', async () => {
    const t = task('dc-tnm');
    const items = [
      { gold: { t: 'T1', n: 'N0', m: 'M0' }, parsed: t.parse('T因子: T1\nN因子: N0\nM因子: M1a') },
      { gold: { t: 'T1a', n: 'N0', m: 'M0' }, parsed: t.parse('T因子: T1a\nN因子: N0\nM因子: M0') },
    ];
    const m = t.aggregate(await t.score(items, noTokens));
    expect(m).toEqual({
      t: { precision: 0.5, recall: 1, f1: expect.closeTo(2 / 3, 12) },
      n: { precision: 1, recall: 1, f1: 1 },
      m: { precision: 0.5, recall: 0.5, f1: 0.5 },
    });
    expect(t.headline(m)).toBeCloseTo((2 / 3 + 1 + 0.5) / 3, 12);
  });
});
