// Task files (README "Your own tasks"): declared tasks load beside the built-in ones, reproduce the release's
// scores when they declare a paper setting from its files, score our own data as computed by hand, and every
// kind of bad file is refused in one line naming the file and the key.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import { loadTaskFile, problemLine } from '../src/tasks/task-file/load.js';
import { METRICS } from '../src/tasks/task-file/metrics.js';
import { READERS } from '../src/tasks/task-file/readers.js';
import { TASK_IDS } from '../src/tasks/types.js';
import {
  FIXTURE_ENV,
  FIXTURES,
  freshStore,
  inThreadTokenizer,
  localChatServer,
  releaseDir,
  testModelsFile,
} from './helpers.js';
import { jcbBatch } from './jcb-batch.js';

const OWN = path.join(FIXTURES, 'task-files', 'own');
const FROM_RELEASE = path.join(FIXTURES, 'task-files', 'release');

/** The built program, many command lines in one process (test/jcb-batch.ts), each with its test's `env`. */
const batch = jcbBatch();
afterAll(() => batch.close());
const jcb = (args: string[], env: Record<string, string | undefined>) => batch.run(args, env);

/** A copy of the own task files in a fresh folder, so that a test can break one. */
function ownCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-taskfiles-'));
  cpSync(OWN, dir, { recursive: true });
  return dir;
}

const data = releaseDir();

describe.skipIf(!data)('task files declaring paper settings from the release reproduce its scores', () => {
  const env = { ...process.env, JCB_DATA_DIR: data!, JCB_TASKS: FROM_RELEASE, JCB_PACKS_TASKS: '/nonexistent' };
  let services: ReturnType<typeof createServices>;
  /** Every released file scored once (the two declared tasks compare against it). */
  let scored: ReturnType<typeof services.score> | undefined;
  beforeAll(async () => {
    const store = await freshStore('sqlite');
    services = createServices({ env: { ...env, ...store.env }, tokenizer: inThreadTokenizer() });
  });
  afterAll(() => services.close());

  it.each([
    ['examqa-declared', 'examqa'],
    ['irs-declared', 'irs'],
  ])('%s equals %s for every replayed model and shot', async (declared, builtIn) => {
    scored ??= services.score();
    const released = (await scored).filter((r) => r.task === builtIn && /\/(one|zero)_shot\.json$/.test(r.file));
    const models = services.models().filter((m) => m.provider === 'replay');
    let compared = 0;
    for (const row of released) {
      const [modelDir, file] = row.file.split('/').slice(-2);
      const shot = file.startsWith('one') ? 'one' : 'zero';
      const model = models.find((m) => m.source === `release: ${modelDir}`);
      if (!model) continue;
      const run = await services.evaluate({ task: declared, model: model.alias, shot });
      expect(run.outcomes[0].score, `${declared} ${model.alias} ${shot}`).toBeCloseTo(row.score, 12);
      expect(run.outcomes[0].n).toBe(row.n);
      if (shot === 'one') expect(row.matchesRelease).toBe(true);
      compared++;
    }
    // ExamQA: 3 models × 2 shots; IRS: 7 models × 2 shots.
    expect(compared).toBe(builtIn === 'examqa' ? 6 : 14);
  });

  it('lists them beside the built-in tasks, with their source', () => {
    const tasks = services.tasks();
    expect(tasks.slice(0, 13).map((t) => t.source)).toEqual(Array(13).fill('built-in'));
    expect(tasks.slice(13).map((t) => [t.id, t.source])).toEqual([
      ['examqa-declared', 'task file'],
      ['irs-declared', 'task file'],
    ]);
  });
});

describe('a task file of our own data, written from the README', () => {
  let server: Awaited<ReturnType<typeof localChatServer>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    // A fake model: a label per note (one in markdown), a Python list per drug note (one not a list).
    server = await localChatServer(
      (body) => {
        const prompt = body;
        if (prompt.includes('胸痛') || prompt.includes('頭痛')) return 'urgent';
        if (prompt.includes('発熱')) return '**soon**';
        if (prompt.includes('アムロジピン5mg')) return "['アムロジピン']";
        if (prompt.includes('メトホルミンを継続')) return "['メトホルミン', 'インスリン']";
        if (prompt.includes('ワルファリン')) return 'ワルファリン, アスピリン';
        return 'routine';
      },
      0,
      true,
    );
    const models = testModelsFile();
    writeFileSync(models, readFileSync(models, 'utf8').replace('http://127.0.0.1:8000/v1', server.url));
    const store = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-taskfile-store-')), 'jcb.sqlite');
    env = { ...FIXTURE_ENV, JCB_MODELS: models, JCB_STORE: store, JCB_TASKS: OWN, JCB_PACKS_TASKS: '/nonexistent' };
  });
  afterAll(() => server.close());

  it('runs on the baseline with the scores computed by hand (majority of the other notes: all wrong)', async () => {
    const r = await jcb(['eval', 'triage', 'baseline', '--shot', 'zero', '--json'], env);
    expect(r.err.split('\n').filter((l) => /error|Error/.test(l))).toEqual([]);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out).outcomes[0].metrics;
    // Predictions routine, urgent, routine, urgent, urgent, urgent against urgent, routine, urgent, routine, soon, soon.
    expect(m.accuracy).toBe(0);
    expect(m.kappa).toBeCloseTo(1 - 6 / 4, 12);
    expect(m['kappa-linear']).toBeCloseTo(1 - 10 / 6, 12);
    expect(m['macro-f1']).toBe(0);
  });

  it('runs on a fake model through the CLI with the scores computed by hand', async () => {
    const r = await jcb(['eval', 'triage', 'local', '--shot', 'zero', '--json'], env);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out).outcomes[0].metrics;
    // One miss: t5 (soon) answered routine.
    expect(m.accuracy).toBeCloseTo(5 / 6, 12);
    expect(m.kappa).toBeCloseTo(1 - 1 / 4, 12);
    expect(m['kappa-linear']).toBeCloseTo(1 - 6 / 34, 12);
    expect(m['macro-f1']).toBeCloseTo((1 + 2 / 3 + 0.8) / 3, 12);
    const lists = await jcb(['eval', 'meds', 'local', '--shot', 'zero', '--json'], env);
    const l = JSON.parse(lists.out).outcomes[0].metrics;
    // m1: 1 of 2 found; m2: 1 right and 1 extra; m3: not a Python list, read as [].
    expect(l['list-f1-exact']).toBeCloseTo((2 / 3 + 2 / 3 + 0) / 3, 12);
    expect(l['set-f1']).toBeCloseTo((2 / 3 + 2 / 3 + 0) / 3, 12);
    expect(l['list-f1-partial']).toBeCloseTo((4 / 3 + 2 / 3 + 0) / 3, 12);
  });

  it('shows one document with gold, output and score, and the task with its source and licence', async () => {
    const r = await jcb(['run', 'triage', 'local', 't6', '--shot', 'zero'], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Triage · local .* document t6/);
    expect(r.out).toMatch(/Read as[\s\S]*soon/);
    const tasks = await jcb(['tasks'], env);
    expect(tasks.out).toMatch(/triage\s+accuracy\s+Triage[\s\S]*task file\s+CC BY 4\.0/);
  });

  it('puts its published reference rows on the runs board, marked published', async () => {
    const r = await jcb(['leaderboard', '--source', 'runs', '--shot', 'zero', '--json'], env);
    const board = JSON.parse(r.out).runs;
    const at = board.columns.findIndex((c: { id: string }) => c.id === 'triage');
    expect(at).toBeGreaterThanOrEqual(13);
    const published = board.rows.find((row: { provider: string }) => row.provider === 'published');
    expect(published).toMatchObject({ model: 'triage-nurse', published: 'a made-up reference for the tests' });
    expect(published.cells[at]).toBe(0.9);
    expect(board.rows.find((row: { model: string }) => row.model === 'local').cells[at]).toBeCloseTo(5 / 6, 12);
  });
});

// Each kind of bad task file: a change to the good triage file (and files written beside it), the key named,
// and a word of what would be right.
const BAD: [string, (spec: Record<string, any>) => void, string, RegExp, Record<string, string>?][] = [
  ['a required key missing', (s) => delete s.title, 'title', /missing \(give a text\)/],
  ['an unknown key', (s) => (s.colour = 'red'), '(file)', /unknown key "colour"/],
  ['an id of the wrong form', (s) => (s.id = 'My Task'), 'id', /lowercase letters, digits and dashes/],
  ['an id of a built-in task', (s) => (s.id = 'mr'), 'id', /already a task's id; choose another/],
  ['a data file of another format', (s) => (s.data.file = 'triage.xlsx'), 'data.file', /\.csv, \.jsonl or \.json/],
  [
    'a missing data file',
    (s) => (s.data.file = 'missing.csv'),
    'data.file',
    /no file missing\.csv beside the task file/,
  ],
  [
    'a data file in a folder not pulled',
    (s) => (s.data.from = 'NoSuchPack'),
    'data.from',
    /the NoSuchPack folder is not pulled yet; run `jcb data pull nosuchpack`/,
  ],
  ['an unknown id column', (s) => (s.data.id = 'case'), 'data.id', /no column "case".*columns: id, note, urgency/],
  ['an unknown input column', (s) => (s.data.input = 'text'), 'data.input', /no column "text"/],
  ['an unknown gold column', (s) => (s.data.gold = 'label'), 'data.gold', /no column "label"/],
  [
    'a gold value not among the labels',
    (s) => (s.answer.labels = ['urgent', 'routine']),
    'data.gold',
    /row 5 has gold "soon", not one of urgent, routine/,
  ],
  [
    'a placeholder without a value',
    (s) => (s.prompts.zero = '{{notes}}'),
    'prompts.zero',
    /\{\{notes\}\} has no value; placeholders: id, note, urgency/,
  ],
  [
    'an example placeholder in the zero-shot prompt',
    (s) => (s.prompts.zero = '{{example.note}}'),
    'prompts.zero',
    /belong in the one-shot prompt/,
  ],
  [
    'a one-shot placeholder without a value',
    (s) => (s.prompts.one = '{{example.notes}}'),
    'prompts.one',
    /example\.notes/,
  ],
  ['a missing template file', (s) => (s.prompts.zero = { file: 'zero.txt' }), 'prompts.zero.file', /no file zero\.txt/],
  ['an example id that no row has', (s) => (s.prompts.example = 't9'), 'prompts.example', /no row has the id "t9"/],
  [
    'an unknown reader',
    (s) => (s.answer.reader = 'labels'),
    'answer.reader',
    /unknown reader "labels"; readers for label: label/,
  ],
  [
    'a reader of another kind',
    (s) => (s.answer.reader = 'python-list'),
    'answer.reader',
    /reads list answers, not label/,
  ],
  ['an unknown answer kind', (s) => (s.answer.kind = 'choice'), 'answer.kind', /option/],
  ['labels missing for a label answer', (s) => delete s.answer.labels, 'answer.labels', /need the list of labels/],
  [
    'an unknown metric',
    (s) => (s.metrics = ['acc']),
    'metrics.0',
    /unknown metric "acc"; metrics for label: accuracy, macro-f1, kappa/,
  ],
  [
    'a metric of another kind',
    (s) => (s.metrics = ['accuracy', 'rouge-l']),
    'metrics.1',
    /does not score label answers/,
  ],
  ['no metric', (s) => (s.metrics = []), 'metrics', /at least|too small|>=1/i],
  [
    'a reference on a metric the task has not',
    (s) => (s.references[0].metric = 'f1'),
    'references.0.metric',
    /not one of this task's metrics/,
  ],
  [
    'released generations in a missing folder',
    (s) => (s.generations = { dir: 'gen' }),
    'generations.dir',
    /no folder gen/,
  ],
  ['a metric list that is not a list', (s) => (s.metrics = 'accuracy'), 'metrics', /must be a list/],
  [
    'a data file with no rows',
    () => {},
    'data.file',
    /no rows; it needs one row per document/,
    { 'triage.csv': 'id,note,urgency\n' },
  ],
  [
    'an id that repeats',
    () => {},
    'data.id',
    /the id "t1" repeats; ids must be unique/,
    { 'triage.csv': 'id,note,urgency\nt1,a,urgent\nt1,b,soon\n' },
  ],
  [
    'a data file that does not parse',
    (s) => (s.data.file = 'bad.json'),
    'data.file',
    /bad\.json is not readable \(.+\); expected CSV with a header line, JSONL/,
    { 'bad.json': '[{"id": ' },
  ],
  [
    'an answer key without the id column',
    (s) => (s.data.answers = { file: 'key.csv', id: 'qid', gold: 'answer' }),
    'data.answers.id',
    /no column "qid" in the answer key; its columns: id, answer/,
    { 'key.csv': 'id,answer\nt1,urgent\n' },
  ],
  [
    'an answer key without a row of the data',
    (s) => (s.data.answers = { file: 'key.csv', id: 'id', gold: 'answer' }),
    'data.answers',
    /no answer for "t2"; it needs a line for every row's id/,
    { 'key.csv': 'id,answer\nt1,urgent\n' },
  ],
  [
    'rows left out on a missing column',
    (s) => (s.data.exclude = { column: 'flag', equals: true, why: 'test' }),
    'data.exclude.column',
    /no column "flag" in the data; its columns: id, note, urgency/,
  ],
  [
    'option answers without their options',
    (s) => (s.answer = { kind: 'option', reader: 'option-number', labels: 'numbers' }),
    'answer.options',
    /need the column holding the options/,
  ],
  [
    'options named otherwise than the reader reads them',
    (s) => (s.answer = { kind: 'option', reader: 'first-letter', labels: 'numbers', options: ['note', 'urgency'] }),
    'answer.labels',
    /reads options named by letters; set labels: letters/,
  ],
  [
    'exam answers without the exam’s rule',
    (s) => (s.answer = { kind: 'exam', reader: 'exam-answer' }),
    'answer.exam',
    /rules: igakuqa119/,
  ],
  [
    'span answers without their tags',
    (s) => (s.answer = { kind: 'spans', reader: 'tagged-spans' }),
    'answer.tags',
    /need their tag names, e\.g\. \[d\]/,
  ],
];

describe('bad task files', () => {
  const good = parse(readFileSync(path.join(OWN, 'triage.yml'), 'utf8')) as Record<string, any>;

  it.each(BAD)('%s: one line naming the file and the key', (_, change, key, message, files = {}) => {
    const dir = ownCopy();
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const spec = structuredClone(good);
    change(spec);
    const file = path.join(dir, 'triage.yml');
    writeFileSync(file, stringify(spec));
    const { task, problems } = loadTaskFile(
      { file, source: 'task file' },
      { ...process.env, JCB_PACKS_DIR: dir },
      new Set(TASK_IDS),
    );
    expect(task).toBeUndefined();
    const line = problems.map((p) => problemLine(p)).find((l) => l.startsWith(`${file}: ${key}: `));
    expect(line, problems.map((p) => problemLine(p)).join('\n')).toMatch(message);
    expect(line!.split('\n')).toHaveLength(1);
    // Slack shows the file's name only, never the path.
    expect(problems.map((p) => problemLine(p, 'chat')).join('\n')).not.toContain(dir);
  });

  it('is not YAML: one line', () => {
    const dir = ownCopy();
    const file = path.join(dir, 'triage.yml');
    writeFileSync(file, 'id: [triage\n');
    const { problems } = loadTaskFile({ file, source: 'task file' }, process.env, new Set(TASK_IDS));
    expect(problems.map((p) => problemLine(p))).toEqual([
      expect.stringMatching(/triage\.yml: \(file\): not readable YAML/),
    ]);
  });

  it('never throws, whatever the YAML holds: a task or at least one problem line', () => {
    const dir = ownCopy();
    const file = path.join(dir, 'any.yml');
    fc.assert(
      fc.property(fc.anything(), (value) => {
        writeFileSync(file, stringify(value ?? null));
        const { task, problems } = loadTaskFile({ file, source: 'task file' }, process.env, new Set(TASK_IDS));
        expect(task === undefined).toBe(problems.length > 0);
        for (const p of problems) expect(problemLine(p)).not.toContain('\n');
      }),
      { numRuns: 200 },
    );
  });

  it('jcb tasks check reports every problem at once, one line each, and exits 1; a run of the task is refused', async () => {
    const dir = ownCopy();
    const spec = structuredClone(good);
    for (const [, change] of BAD.filter(([what]) => /unknown reader|unknown metric|reference on/.test(what)))
      change(spec);
    writeFileSync(path.join(dir, 'triage.yml'), stringify(spec));
    const env = { ...FIXTURE_ENV, JCB_TASKS: dir, JCB_PACKS_TASKS: '/nonexistent' };
    const check = await jcb(['tasks', 'check', path.join(dir, 'triage.yml')], env);
    expect(check.code).toBe(1);
    expect(
      check.out
        .trim()
        .split('\n')
        .map((l) => l.split(': ')[1]),
    ).toEqual(['answer.reader', 'metrics.0', 'references.0.metric']);
    const run = await jcb(['run', 'triage', 'baseline'], env);
    expect(run.code).toBe(1);
    expect(run.err.trim().split('\n')).toHaveLength(1);
    expect(run.err).toMatch(/task file of triage has a problem: triage\.yml: answer\.reader: unknown reader/);
    const ok = await jcb(['tasks', 'check', path.join(OWN, 'triage.yml')], env);
    expect(ok.out).toMatch(/triage, 6 documents: no problems/);
  });
});

describe('jcb tasks check names the file as it was given', () => {
  it('relative or absolute, in the line saying it has no problems and in each problem line', async () => {
    const dir = ownCopy();
    const spec = parse(readFileSync(path.join(OWN, 'triage.yml'), 'utf8')) as Record<string, any>;
    for (const [, change] of BAD.filter(([what]) => /unknown reader|unknown metric/.test(what))) change(spec);
    writeFileSync(path.join(dir, 'bad.yml'), stringify(spec));
    const env = { ...FIXTURE_ENV, JCB_TASKS: undefined, JCB_PACKS_TASKS: '/nonexistent' };
    for (const name of ['triage.yml', 'bad.yml'])
      for (const given of [path.join(dir, name), path.relative(process.cwd(), path.join(dir, name))]) {
        const check = await jcb(['tasks', 'check', given], env);
        const lines = check.out.trim().split('\n');
        expect(check.code).toBe(name === 'bad.yml' ? 1 : 0);
        expect(lines.length > 1).toBe(name === 'bad.yml');
        for (const line of lines) expect(line.startsWith(`${given}: `), line).toBe(true);
      }
  });
});

describe('the registries a task file names', () => {
  it('every reader reads its kind, and every kind has a reader and a metric', () => {
    for (const kind of ['option', 'label', 'list', 'spans', 'text'])
      expect([
        Object.values(READERS).some((r) => r.kind === kind),
        Object.values(METRICS).some((m) => m.kinds.includes(kind as never)),
      ]).toEqual([true, true]);
  });
});
