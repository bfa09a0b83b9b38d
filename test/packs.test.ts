// The packs (packs/<name>/): JMED-LLM's eight tasks and IgakuQA119, read from copies of their files
// (JCB_PACKS_DIR, set by .ci/run), scored as their authors score them, checked by hand.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import { EXAM_RULES, normalizeExamAnswer, readExamAnswer } from '../src/tasks/task-file/exam.js';
import {
  FIXTURE_ENV,
  gitMirror,
  inThreadTokenizer,
  localChatServer,
  packsDir,
  testModelsFile,
  runJcb,
} from './helpers.js';
import { jcbBatch } from './jcb-batch.js';

const PACKS = packsDir();

/** The built program, many command lines in one process (test/jcb-batch.ts), each with its test's `env`. */
const batch = jcbBatch();
afterAll(() => batch.close());
const jcb = (args: string[], env: Record<string, string | undefined>) => batch.run(args, env);

const OPTION_TASKS = ['jmmlu_med', 'crade', 'rrtnm', 'smdis', 'jcsts'];
const LIST_TASKS = ['mrner_disease', 'mrner_medicine', 'nrner'];
const rowsOf = (name: string) =>
  parseCsv(readFileSync(path.join(PACKS!, 'JMED-LLM', 'datasets', `${name}.csv`), 'utf8'), { columns: true }) as Record<
    string,
    string
  >[];
const idOf = (name: string) => `jmed-${name.replace('_', '-')}`;

/** Cohen's kappa in its textbook form (p_o − p_e) / (1 − p_e), to check the implementation's other form. */
function textbookKappa(gold: string[], predicted: string[]): number {
  const n = gold.length;
  const labels = [...new Set([...gold, ...predicted])];
  const po = gold.filter((g, i) => g === predicted[i]).length / n;
  const pe = labels.reduce(
    (s, l) => s + (gold.filter((g) => g === l).length / n) * (predicted.filter((p) => p === l).length / n),
    0,
  );
  return (po - pe) / (1 - pe);
}

describe.skipIf(!PACKS)('JMED-LLM, scored as src/evaluator.py scores it', () => {
  let server: Awaited<ReturnType<typeof localChatServer>>;
  let services: ReturnType<typeof createServices>;
  let env: Record<string, string>;
  // The fake model answers every question right, except the first of each task: no letter there (read as
  // "None"), and for lists only the first gold item.
  beforeAll(async () => {
    const answers = [...OPTION_TASKS, ...LIST_TASKS].flatMap((name) =>
      rowsOf(name).map((r, i) => {
        const first = i === 0;
        if (LIST_TASKS.includes(name))
          return {
            q: r.question,
            a: first ? `[${r.answer.match(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/)![0]}]` : r.answer,
          };
        return { q: r.question, a: first ? 'わかりません' : r.answer };
      }),
    );
    server = await localChatServer(
      (body) => {
        const prompt = (JSON.parse(body) as { messages: { content: string }[] }).messages
          .map((m) => m.content)
          .join('\n');
        return answers.find((x) => prompt.includes(x.q))?.a ?? '';
      },
      0,
      true,
    );
    const models = testModelsFile();
    // Generous timeouts: on a loaded machine an answer may take longer than the fixture's 300 ms; these tests are about scores.
    writeFileSync(
      models,
      readFileSync(models, 'utf8')
        .replace('http://127.0.0.1:8000/v1', server.url)
        .replace('concurrency: 1', 'concurrency: 8')
        .replace('timeoutMs: 300', 'timeoutMs: 60000'),
    );
    const store = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-packs-')), 'jcb.sqlite');
    env = { ...FIXTURE_ENV, JCB_PACKS_DIR: PACKS!, JCB_MODELS: models, JCB_STORE: store };
    services = createServices({ env: { ...process.env, ...env }, tokenizer: inThreadTokenizer() });
  });
  afterAll(async () => {
    await services.close();
    await server.close();
  });

  it('lists the eight tasks with their pack, licence and non-commercial mark', () => {
    const tasks = services.tasks().filter((t) => t.source === 'pack jmed-llm');
    expect(tasks.map((t) => t.id).sort()).toEqual([...OPTION_TASKS, ...LIST_TASKS].map(idOf).sort());
    expect(
      tasks
        .filter((t) => t.nonCommercial)
        .map((t) => t.id)
        .sort(),
    ).toEqual(['jmed-jcsts', 'jmed-nrner']);
  });

  it.each(OPTION_TASKS)('%s: accuracy 99/100 and kappa as the textbook formula gives', async (name) => {
    const rows = rowsOf(name);
    const run = await services.evaluate({ task: idOf(name), model: 'local', shot: 'zero' });
    const m = run.outcomes[0].metrics as Record<string, number>;
    expect(run.outcomes[0].n).toBe(100);
    expect(m.accuracy).toBeCloseTo(99 / 100, 12);
    const gold = rows.map((r) => r.answer);
    const predicted = gold.map((g, i) => (i === 0 ? 'None' : g));
    if (name === 'crade' || name === 'jcsts') {
      // Linear weights: the one disagreement is gold g against "None", which sorts after every letter.
      const labels = [...new Set([...gold, 'None'])].sort();
      const w = (a: string, b: string) => Math.abs(labels.indexOf(a) - labels.indexOf(b));
      const n = gold.length;
      const count = (xs: string[], l: string) => xs.filter((x) => x === l).length;
      const expected = labels.reduce(
        (s, a) => s + labels.reduce((t, b) => t + (w(a, b) * count(gold, a) * count(predicted, b)) / n, 0),
        0,
      );
      expect(m['kappa-linear']).toBeCloseTo(1 - w(gold[0], 'None') / expected, 12);
    } else expect(m.kappa).toBeCloseTo(textbookKappa(gold, predicted), 12);
  });

  it.each(LIST_TASKS)('%s: exact F1 and partial F1 with one document half read', async (name) => {
    const rows = rowsOf(name);
    const run = await services.evaluate({ task: idOf(name), model: 'local', shot: 'zero' });
    const m = run.outcomes[0].metrics as Record<string, number>;
    // Document 1 answers only the first of its g distinct gold items: exact F1 2/(g+1), partial F1 2g/(g+1)
    // (JMED-LLM's partial precision is |gold| / |predicted|); the other 99 score 1 on both.
    const items = rows[0].answer.match(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/g)!;
    const g = new Set(items).size;
    expect(m['list-f1-exact']).toBeCloseTo((99 + 2 / (g + 1)) / 100, 12);
    expect(m['list-f1-partial']).toBeCloseTo((99 + (g === 1 ? 1 : (2 * g) / (g + 1))) / 100, 12);
  });

  it('scores the baseline on the lists: the empty list, 0 on both F1s', async () => {
    for (const name of LIST_TASKS) {
      const run = await services.evaluate({ task: idOf(name), model: 'baseline', shot: 'zero' });
      expect(run.outcomes[0].metrics).toEqual({ 'list-f1-partial': 0, 'list-f1-exact': 0 });
    }
  });

  // The baseline answers the majority of the other 99 rows (ties: the letter seen first). These sets are
  // balanced or nearly, so a row's own letter is always outvoted once it is left out: accuracy 0 everywhere,
  // and kappa below 0. Computed by hand from the letters' counts (p_o = 0, so kappa = −p_e / (1 − p_e);
  // linear: 1 − Σ|i−j| observed / Σ|i−j| expected):
  //  JMMLU-Med A25 B25 C25 D25: rows of A answer B, the others A (predictions A75 B25): p_e = .25·.75 + .25·.25 = 1/4.
  //  CRADE, the same counts, linear: observed 25·1 (A→B) + 25·1 + 25·2 + 25·3 = 175; expected
  //   (0+1+2+3)·25·75/100 + (1+0+1+2)·25·25/100 = 137.5: 1 − 175/137.5 = −3/11.
  //  RRTNM B36 A35 C13 D13 E3: rows of A answer B, of B (a tie, A seen first) A, the rest B (A36 B64):
  //   p_e = .35·.36 + .36·.64 = .3564.
  //  SMDIS A50 B50: every row answers the other letter: kappa −1.
  //  JCSTS A17 B17 C17 D17 E16 F16: rows of A answer B, the rest A (A83 B17), linear: observed
  //   17 + 17 + 34 + 51 + 64 + 80 = 263; expected (17+34+51+64+80)·.83 + (17+17+34+48+64)·.17 = 234.78.
  it.each([
    ['jmmlu_med', 'kappa', -0.25 / 0.75],
    ['crade', 'kappa-linear', 1 - 175 / 137.5],
    ['rrtnm', 'kappa', -0.3564 / (1 - 0.3564)],
    ['smdis', 'kappa', -1],
    ['jcsts', 'kappa-linear', 1 - 263 / 234.78],
  ] as const)('%s: the baseline scores accuracy 0 and %s as computed by hand', async (name, metric, kappa) => {
    const run = await services.evaluate({ task: idOf(name), model: 'baseline', shot: 'zero' });
    const m = run.outcomes[0].metrics as Record<string, number>;
    expect(run.outcomes[0].n).toBe(100);
    expect(m.accuracy).toBe(0);
    expect(m[metric]).toBeCloseTo(kappa, 12);
  });

  it('runs through the CLI, says the licence with the task, and puts the README leaderboard beside our runs', async () => {
    const one = await jcb(['run', 'jmed-smdis', 'local', '2', '--shot', 'zero'], env);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/CC BY 4\.0/);
    const nc = await jcb(['run', 'jmed-nrner', 'local', '2', '--shot', 'zero'], env);
    expect(nc.out).toMatch(/CC BY-NC-SA 4\.0 \(non-commercial\)/);
    const board = await jcb(['leaderboard', '--source', 'runs', '--shot', 'zero', '--json'], env);
    const runs = JSON.parse(board.out).runs;
    const at = runs.columns.findIndex((c: { id: string }) => c.id === 'jmed-crade');
    const gpt4o = runs.rows.find((r: { model: string }) => r.model === 'gpt-4o-2024-08-06');
    expect(gpt4o).toMatchObject({ provider: 'published', published: 'JMED-LLM README leaderboard' });
    expect(gpt4o.cells[at]).toBe(0.54);
  });
});

describe('IgakuQA119: answers compared as grade_answers.py compares them', () => {
  it('reads the last answer line; letters sorted, numbers as numbers; anything else is no answer', () => {
    expect(readExamAnswer('理由…\nanswer: c, a\nconfidence: 0.9')).toBe('ac');
    expect(readExamAnswer('答え：**Ｂ**')).toBe('b');
    expect(readExamAnswer('answer: [a,c]')).toBe('ac');
    expect(readExamAnswer('answer: 600.0')).toBe('600');
    expect(readExamAnswer('d')).toBe('d');
    expect(readExamAnswer('わかりません')).toBe('');
    expect(normalizeExamAnswer(' E ')).toBe('e');
  });

  it('weighs the required blocks’ questions 26–50 three points, the rest one; 119E28 takes a or c alone', () => {
    const rule = EXAM_RULES.igakuqa119;
    expect(['119B26', '119B50', '119E26', '119E50'].map(rule.points)).toEqual([3, 3, 3, 3]);
    expect(['119B25', '119E51', '119A30', '119F75'].map(rule.points)).toEqual([1, 1, 1, 1]);
    expect(rule.accepted('119E28', 'ac')).toEqual(['a', 'c']);
    expect(rule.accepted('119E27', 'ac')).toEqual(['ac']);
  });
});

describe.skipIf(!PACKS)('IgakuQA119 on its 400 questions', () => {
  let server: Awaited<ReturnType<typeof localChatServer>>;
  let services: ReturnType<typeof createServices>;
  const root = () => path.join(PACKS!, 'IgakuQA119');
  beforeAll(async () => {
    const questions = 'ABCDEF'.split('').flatMap(
      (b) =>
        JSON.parse(readFileSync(path.join(root(), 'questions', `119${b}_json.json`), 'utf8')) as {
          number: string;
          question: string;
        }[],
    );
    const key = new Map(
      (
        parseCsv(readFileSync(path.join(root(), 'results', 'correct_answers.csv'), 'utf8'), {
          columns: true,
        }) as Record<string, string>[]
      ).map((r) => [r['問題番号'], r['解答']]),
    );
    // Right everywhere, in the authors' answer format, except 119E28 answered with both of its letters
    // (the authors accept a or c alone) and 119A75 answered as 600.0 (a number: right).
    server = await localChatServer(
      (body) => {
        const prompt = (JSON.parse(body) as { messages: { content: string }[] }).messages
          .map((m) => m.content)
          .join('\n');
        const q = questions
          .filter((x) => prompt.includes(x.question))
          .sort((a, b) => b.question.length - a.question.length)[0];
        const answer = q.number === '119E28' ? 'a, c' : q.number === '119A75' ? '600.0' : key.get(q.number)!;
        return `answer: ${answer}\nconfidence: 0.9\nexplanation: …`;
      },
      0,
      true,
    );
    const models = testModelsFile();
    writeFileSync(
      models,
      readFileSync(models, 'utf8')
        .replace('http://127.0.0.1:8000/v1', server.url)
        .replace('concurrency: 1', 'concurrency: 8')
        .replace('timeoutMs: 300', 'timeoutMs: 60000'),
    );
    const store = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-igakuqa-')), 'jcb.sqlite');
    services = createServices({
      env: { ...process.env, ...FIXTURE_ENV, JCB_PACKS_DIR: PACKS!, JCB_MODELS: models, JCB_STORE: store },
      tokenizer: inThreadTokenizer(),
    });
  });
  afterAll(async () => {
    await services.close();
    await server.close();
  });

  /** The metrics of `right` of `n` questions answered, worth `points` of the `possible` points. */
  const marks = (right: number, n: number, points: number, possible: number) => ({
    accuracy: right / n,
    'points-rate': points / possible,
    points,
    'points-possible': possible,
  });

  it('leaves the 103 image questions out by default and says so; 297 questions weigh 383 points, as the README says', async () => {
    const task = services.tasks().find((t) => t.id === 'igakuqa119')!;
    expect(task).toMatchObject({ source: 'pack igakuqa119', licence: 'Apache-2.0', nonCommercial: false });
    const run = await services.evaluate({ task: 'igakuqa119', model: 'local', shot: 'zero' });
    expect(run.outcomes[0].n).toBe(297);
    // 119E28 (3 points, no image) is the one miss.
    expect(run.outcomes[0].metrics).toEqual(marks(296, 297, 380, 383));
  });

  it('all 400 questions weigh 500 points', async () => {
    const all = await services.evaluate({ task: 'igakuqa119-all', model: 'local', shot: 'zero' });
    expect(all.outcomes[0].metrics).toEqual(marks(399, 400, 497, 500));
  });

  it('the baseline answers the most frequent answer of the other questions: "e" everywhere, scored by hand', async () => {
    // "e" is the key of 81 of the 297 questions without images (18 of them weigh 3 points: 81 + 2·18 = 117
    // points), and of 104 of all 400 (19 weigh 3: 142 points); no other answer comes near (next: "a" 53, "d" 69).
    const base = await services.evaluate({ task: 'igakuqa119', model: 'baseline', shot: 'zero' });
    expect(base.outcomes[0].metrics).toEqual(marks(81, 297, 117, 383));
    const all = await services.evaluate({ task: 'igakuqa119-all', model: 'baseline', shot: 'zero' });
    expect(all.outcomes[0].metrics).toEqual(marks(104, 400, 142, 500));
  });
});

describe.skipIf(!PACKS)('jcb data pull <pack>: git at the pinned commit, checked against the manifest', () => {
  it('fetches a file:// mirror into the packs folder, keeps a whole copy, refuses an altered one and never replaces a copy it did not make', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'jcb-pack-pull-'));
    const env = {
      JCB_PACKS_DIR: home,
      JCB_PACK_URL: gitMirror(path.join(PACKS!, 'JMED-LLM')),
      JCB_DATA_DIR: undefined,
    };
    const first = await jcb(['data', 'pull', 'jmed-llm'], env);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/The jmed-llm pack is in .*JMED-LLM: all 9 files match its manifest\./);
    expect(readFileSync(path.join(home, 'JMED-LLM', 'datasets', 'smdis.csv'))).toEqual(
      readFileSync(path.join(PACKS!, 'JMED-LLM', 'datasets', 'smdis.csv')),
    );
    expect((await jcb(['data', 'pull', 'jmed-llm'], env)).out).toMatch(
      /already whole \(9 files match its manifest\); nothing fetched/,
    );

    const altered = mkdtempSync(path.join(os.tmpdir(), 'jcb-pack-altered-'));
    cpSync(path.join(PACKS!, 'JMED-LLM'), altered, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', altered]);
    writeFileSync(path.join(altered, 'datasets', 'crade.csv'), 'tag,question,answer\n');
    const refused = await jcb(['data', 'pull', 'jmed-llm'], {
      ...env,
      JCB_PACKS_DIR: mkdtempSync(path.join(os.tmpdir(), 'jcb-pack-')),
      JCB_PACK_URL: gitMirror(altered),
    });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^jcb: The jmed-llm pack just fetched is not the one jcb scores: 1 of its 9 files are missing or altered \(datasets\/crade\.csv altered\)/m,
    );

    const handMade = mkdtempSync(path.join(os.tmpdir(), 'jcb-pack-hand-'));
    cpSync(altered, path.join(handMade, 'JMED-LLM'), { recursive: true });
    const kept = await jcb(['data', 'pull', 'jmed-llm'], { ...env, JCB_PACKS_DIR: handMade });
    expect(kept.code).toBe(1);
    expect(kept.err).toMatch(/jcb did not fetch it, so it will not replace it/);
    expect(readFileSync(path.join(handMade, 'JMED-LLM', 'datasets', 'crade.csv'), 'utf8')).toBe(
      'tag,question,answer\n',
    );
  });

  it('igakuqa119 alone: fetched from its mirror and checked file by file; an altered answer key refused; a hand-made folder kept', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'jcb-pack-pull-'));
    const env = {
      JCB_PACKS_DIR: home,
      JCB_PACK_URL: gitMirror(path.join(PACKS!, 'IgakuQA119')),
      JCB_DATA_DIR: undefined,
    };
    const first = await jcb(['data', 'pull', 'igakuqa119'], env);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/The igakuqa119 pack is in .*IgakuQA119: all 9 files match its manifest\./);
    for (const file of ['results/correct_answers.csv', 'questions/119E_json.json'])
      expect(readFileSync(path.join(home, 'IgakuQA119', file))).toEqual(
        readFileSync(path.join(PACKS!, 'IgakuQA119', file)),
      );
    // Only the pack asked for: JMED-LLM's folder is not made.
    expect(readdirSync(home)).toEqual(['IgakuQA119']);
    expect((await jcb(['data', 'pull', 'igakuqa119'], env)).out).toMatch(
      /already whole \(9 files match its manifest\); nothing fetched/,
    );
    // A process of its own: one that listed the tasks before the pull keeps the task files it read then.
    const listed = await runJcb(['tasks'], { ...env, JCB_TASKS: undefined });
    expect(listed.out).toMatch(/^igakuqa119 +accuracy +The 119th national +pack igakuqa119 +Apache-2\.0$/m);
    expect(listed.out).not.toMatch(/Left out[\s\S]*igakuqa119/);

    const altered = mkdtempSync(path.join(os.tmpdir(), 'jcb-pack-altered-'));
    cpSync(path.join(PACKS!, 'IgakuQA119'), altered, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', altered]);
    writeFileSync(path.join(altered, 'results', 'correct_answers.csv'), '問題番号,解答\n119A1,b\n');
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'jcb-pack-'));
    const refused = await jcb(['data', 'pull', 'igakuqa119'], {
      ...env,
      JCB_PACKS_DIR: fresh,
      JCB_PACK_URL: gitMirror(altered),
    });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^jcb: The igakuqa119 pack just fetched is not the one jcb scores: 1 of its 9 files are missing or altered \(results\/correct_answers\.csv altered\)/m,
    );
    expect(readdirSync(fresh).filter((f) => !f.startsWith('.'))).toEqual([]); // nothing half-fetched put in place

    const handMade = mkdtempSync(path.join(os.tmpdir(), 'jcb-pack-hand-'));
    cpSync(altered, path.join(handMade, 'IgakuQA119'), { recursive: true });
    const kept = await jcb(['data', 'pull', 'igakuqa119'], { ...env, JCB_PACKS_DIR: handMade });
    expect(kept.code).toBe(1);
    expect(kept.err).toMatch(/jcb did not fetch it, so it will not replace it/);
    expect(readFileSync(path.join(handMade, 'IgakuQA119', 'results', 'correct_answers.csv'), 'utf8')).toBe(
      '問題番号,解答\n119A1,b\n',
    );
  });

  it('refuses an unknown pack in one line naming the packs', async () => {
    const r = await jcb(['data', 'pull', 'jmed-lm'], {
      JCB_PACKS_DIR: mkdtempSync(path.join(os.tmpdir(), 'jcb-pack-')),
    });
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('jcb: Unknown pack "jmed-lm". Did you mean "jmed-llm"? Packs: igakuqa119, jmed-llm.');
  });
});
