// A declared task's generations against its data (src/tasks/task-file/generations.ts): the data holds the gold and
// a generations file supplies outputs by id. Generated from a table of every way a file can disagree with the
// data: each is one problem line of the load (`jcb tasks check`), and refused when replayed or scored after an edit.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { validRows } from '../src/evaluation/rows.js';
import { readJsonRows } from '../src/release/files.js';
import { ReplayModel } from '../src/models/replay.js';
import { loadTaskFile, problemLine } from '../src/tasks/task-file/load.js';
import { FIXTURES } from './helpers.js';

const OWN = path.join(FIXTURES, 'task-files', 'own');
const FILE = 'generated/m/zero_shot.json';
/** triage.csv's golds: t1 urgent, t2 routine, t3 soon, t4 urgent, t5 routine (test/fixtures/task-files/own). */
const row = (id: string, generated: string, extra: Record<string, unknown> = {}) => ({ id, generated, ...extra });

/** Each disagreement: the rows of the file, and the problem line it gives (key: message start). */
const DISAGREEMENTS: [what: string, rows: object[], problem: string][] = [
  ['no id column', [{ docid: 't5', generated: 'routine' }], `generations.id: no column "id" in row 1 of ${FILE}`],
  ['a row without the id', [row('t1', 'urgent'), { generated: 'soon' }], `generations.id: no column "id" in row 2`],
  ['no output column', [{ id: 't1', text: 'urgent' }], `generations.output: no column "generated" in row 1`],
  ['an empty id', [row('t1', 'urgent'), row('', 'soon')], `generations.id: row 2 of ${FILE} has no id`],
  ['a repeated id', [row('t1', 'urgent'), row('t1', 'soon')], `generations.id: the id "t1" repeats in ${FILE}`],
  [
    'an id not in the data',
    [row('t1', 'urgent'), row('zz', 'soon')],
    `generations.id: the id "zz" of ${FILE} is no document`,
  ],
  [
    'a gold other than the data',
    [row('t1', 'urgent', { gold: 'routine' })],
    `generations.gold: the gold of "t1" in ${FILE} differs`,
  ],
  ['a declared gold column missing', [row('t1', 'urgent')], `generations.gold: no column "answer" in row 1`],
];

/** Rows that agree: the data's gold used whatever the file holds of it. */
const AGREEMENTS: [what: string, rows: object[]][] = [
  ['no gold column', [row('t1', 'urgent'), row('t2', 'routine')]],
  ['the same gold, in full width', [row('t1', 'urgent', { gold: 'ｕｒｇｅｎｔ' })]],
  ['the id keyed ＩＤ', [{ ＩＤ: 't1', generated: 'urgent' }]],
  ['part of the data', [row('t3', 'soon')]],
];

/** The own triage task with generations of model folder `m` holding `rows`. */
function taskWith(rows: object[], gold?: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-gens-'));
  cpSync(path.join(OWN, 'triage.csv'), path.join(dir, 'triage.csv'));
  const spec = {
    id: 'triage-g',
    title: 'Triage replayed',
    data: { file: 'triage.csv', id: 'id', input: 'note', gold: 'urgency' },
    generations: { dir: 'generated', ...(gold && { gold }) },
    prompts: { zero: '{{note}}' },
    answer: { kind: 'label', reader: 'label', labels: ['urgent', 'soon', 'routine'] },
    metrics: ['accuracy'],
  };
  writeFileSync(path.join(dir, 'g.yml'), stringify(spec));
  mkdirSync(path.join(dir, 'generated', 'm'), { recursive: true });
  const file = path.join(dir, FILE);
  writeFileSync(file, JSON.stringify(rows));
  const load = () => loadTaskFile({ file: path.join(dir, 'g.yml'), source: 'task file' }, process.env, new Set());
  return { file, load };
}

const replay = () =>
  new ReplayModel({ generationRows: (f: string) => readJsonRows(f) } as never, { alias: 'm', release: 'm' } as never);

describe('a generations file that disagrees with its data', () => {
  it.each(DISAGREEMENTS)('%s: one problem line, the task left out', (what, rows, problem) => {
    const loaded = taskWith(rows, what.startsWith('a declared gold') ? 'answer' : undefined).load();
    expect(loaded.task).toBeUndefined();
    expect(loaded.problems.map((p) => problemLine(p))).toHaveLength(1);
    expect(`${loaded.problems[0].key}: ${loaded.problems[0].message}`).toContain(problem);
  });

  it.each(DISAGREEMENTS)('%s: refused when replayed or scored after an edit', (what, rows, problem) => {
    const declared = what.startsWith('a declared gold') ? 'answer' : undefined;
    const { file, load } = taskWith([row('t1', 'urgent', declared ? { answer: 'urgent' } : {})], declared);
    const task = load().task!;
    writeFileSync(file, JSON.stringify(rows));
    expect(() => replay().generations(task, 'zero')).toThrow(problem.split(': ').slice(1).join(': '));
    expect(() => validRows(task, readJsonRows(file) as never, FILE)).toThrow(problem.split(': ')[0]);
  });
});

describe('a generations file that agrees with its data', () => {
  it.each(AGREEMENTS)('%s: loaded, each output by its id, scored on the data gold', (_, rows) => {
    const { task } = taskWith(rows).load();
    expect(task).toBeDefined();
    const gens = replay().generations(task!, 'zero');
    const golds = new Map(task!.loadDocuments(undefined as never).map((d) => [d.id, d.gold]));
    for (const r of rows as Record<string, string>[]) {
      const id = r.id ?? r['ＩＤ'];
      expect(gens.get(id)).toMatchObject({ output: r.generated, gold: golds.get(id) });
    }
  });
});
