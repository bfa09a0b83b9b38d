// Issue 22: CCA's two golds as views (`paper` = data_old.csv, `reviewed` = data.csv). The expected numbers are
// computed here from the CSVs and the generation files by a few lines of their own (not jcb's reader, parser or
// scorer), and checked outside this repository (a Python re-scoring gave GPT-4o 45.16, GPT-5 58.85 one-shot).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/base/errors.js';
import { parseCommand } from '../src/command/grammar.js';
import { planDocuments } from '../src/evaluation/plan.js';
import { mismatch, SCORING_VERSION } from '../src/queue/assumptions.js';
import { Release } from '../src/release/release.js';
import { createServices } from '../src/services/index.js';
import { renderRun } from '../src/cli/render.js';
import { runReplies } from '../handlers/blocks/run.js';
import { migrations } from '../src/store/steps/index.js';
import { TASKS_BY_ID } from '../tasks/index.js';
import { inThreadTokenizer, PAPER_TABLE_4, releaseDir } from './helpers.js';

const dir = releaseDir();
const BIN = path.resolve(__dirname, '../bin/jcb.js');
const CCA = 1; // Table 4's column

// ---- an independent re-scoring: set F1 per document, averaged ----
const FOLDERS: Record<string, string> = {
  'gpt-4o': 'gpt-4o',
  'gpt-5': 'gpt-5',
  'llama-3': 'Meta-Llama-3-70B-Instruct',
  swallow: 'Llama-3-Swallow-70B-Instruct-v0.1',
  medswallow: 'Llama3-Preferred-MedSwallow-70B',
  'llm-jp': 'llm-jp-3-8x13b-instruct3',
  'sip-jmed': 'SIP-jmed-llm-2-8x13b-OP-instruct',
};
const names = (literal: string) => [...literal.matchAll(/'([^']*)'/g)].map((m) => m[1]);
function goldFile(file: string): Map<string, string[]> {
  const rows = parse(readFileSync(path.join(dir!, 'data/benchmarks/CLR/CCA', file)), { columns: true, bom: true });
  return new Map((rows as Record<string, string>[]).map((r) => [r.doc_name.normalize('NFC'), names(r.medra_list)]));
}
/** A list output: a JSON array, else split on commas with brackets and quotes trimmed (the release's reading). */
function listed(output: string): string[] {
  const text = output.replace(/```(?:json)?/g, '').trim();
  try {
    const v = JSON.parse(text);
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  } catch {
    // not JSON
  }
  return text
    .replace(/^[[\]]+|[[\]]+$/g, '')
    .split(',')
    .map((s) =>
      s
        .trim()
        .replace(/^['"]+|['"]+$/g, '')
        .trim(),
    );
}
function f1(predicted: string[], gold: string[]) {
  const p = new Set(predicted);
  const g = new Set(gold);
  const hits = [...p].filter((x) => g.has(x)).length;
  const precision = p.size ? hits / p.size : 0;
  const recall = g.size ? hits / g.size : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}
type GenRow = { sheet_name: string; generated_medra: string; gold_medra: string };
const generations = (model: string): GenRow[] =>
  JSON.parse(readFileSync(path.join(dir!, 'data/generated/CLR/CCA', FOLDERS[model], 'one_shot.json'), 'utf8'));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rescored = (model: string, gold: Map<string, string[]>) =>
  mean(generations(model).map((r) => f1(listed(r.generated_medra), gold.get(r.sheet_name.normalize('NFC'))!).f1));

describe.skipIf(!dir)('CCA label versions on the release', () => {
  it('leaderboard --labels reviewed --json: the seven paper models re-scored on data.csv, marked', () => {
    const r = spawnSync(process.execPath, [BIN, 'leaderboard', '--labels', 'reviewed', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, JCB_DATA_DIR: dir },
    });
    expect(r.status, r.stderr).toBe(0);
    const board = JSON.parse(r.stdout) as {
      labels: string;
      rows: { model: string; cells: number[]; otherList: boolean[] }[];
    };
    expect(board.labels).toBe('reviewed');
    const reviewed = goldFile('data.csv');
    expect(board.rows.map((x) => x.model).sort()).toEqual(Object.keys(FOLDERS).sort());
    for (const row of board.rows) {
      expect(row.cells[CCA]).toBeCloseTo(rescored(row.model, reviewed), 12);
      expect(row.otherList[CCA]).toBe(true);
      // Every other setting is Table 4's, unmarked.
      row.cells.forEach(
        (c, i) => i !== CCA && c !== null && expect(Number((c * 100).toFixed(1))).toBe(PAPER_TABLE_4[row.model][i]),
      );
      expect(row.otherList.filter(Boolean)).toHaveLength(1);
    }
    expect(board.rows.find((x) => x.model === 'gpt-4o')!.cells[CCA] * 100).toBeCloseTo(45.16, 2);
    expect(board.rows.find((x) => x.model === 'gpt-5')!.cells[CCA] * 100).toBeCloseTo(58.85, 2);
  }, 300_000);

  it('--labels paper is Table 4: the gold the generation files embed, which is data_old.csv', async () => {
    const cmd = parseCommand(['leaderboard', '--labels', 'paper']);
    expect(cmd).toMatchObject({ kind: 'leaderboard', labels: 'paper' });
    const s = createServices({ env: { JCB_DATA_DIR: dir }, tokenizer: inThreadTokenizer() });
    try {
      const board = await s.leaderboard('one', 'paper', 'paper');
      const paper = goldFile('data_old.csv');
      for (const row of board.rows) {
        expect(row.cells.map((c) => (c === null ? null : Number((c * 100).toFixed(1))))).toEqual(
          PAPER_TABLE_4[row.model],
        );
        expect(row.cells[CCA]).toBeCloseTo(rescored(row.model, paper), 12);
        expect(row.otherList?.some(Boolean)).toBe(false);
      }
    } finally {
      await s.close();
    }
  }, 300_000);

  it('a thread of a CCA document whose two golds differ shows both, with the score under each', async () => {
    const paper = goldFile('data_old.csv');
    const reviewed = goldFile('data.csv');
    const differing = [...paper.keys()].filter((id) => paper.get(id)!.join('|') !== reviewed.get(id)!.join('|'));
    expect(differing).toHaveLength(88);
    const row = generations('gpt-4o').find((r) => differing.includes(r.sheet_name.normalize('NFC')))!;
    const id = row.sheet_name.normalize('NFC');
    const same = generations('gpt-4o').find((r) => !differing.includes(r.sheet_name.normalize('NFC')))!;
    const s = createServices({ env: { JCB_DATA_DIR: dir }, tokenizer: inThreadTokenizer() });
    try {
      const r = await s.run({ task: 'cca', model: 'gpt-4o', doc: id, shot: 'one' });
      expect(r.score).toBeCloseTo(f1(listed(row.generated_medra), paper.get(id)!).f1, 12);
      expect(r.otherGold).toMatchObject({ labels: 'reviewed' });
      expect(r.otherGold!.score).toBeCloseTo(f1(listed(row.generated_medra), reviewed.get(id)!).f1, 12);
      for (const name of reviewed.get(id)!) expect(r.otherGold!.gold).toContain(name);
      const replies = JSON.stringify(runReplies(r));
      expect(replies).toContain('Gold under the reviewed labels');
      expect(replies).toContain('data.csv');
      const terminal = renderRun(r);
      expect(terminal).toContain('Gold (paper labels, scored)');
      expect(terminal).toContain('Gold (reviewed labels: data.csv, 2026-05-01)');
      // Where the two golds agree, one gold as before.
      const plain = await s.run({ task: 'cca', model: 'gpt-4o', doc: same.sheet_name.normalize('NFC'), shot: 'one' });
      expect(plain.otherGold).toBeUndefined();
      expect(renderRun(plain)).not.toContain('reviewed labels');
    } finally {
      await s.close();
    }
  }, 300_000);

  it("the prompt's options are the chosen version's gold names: 404 under paper, 373 under reviewed", () => {
    const release = new Release(dir!);
    const cca = TASKS_BY_ID.get('cca')!;
    const count = (labels: 'paper' | 'reviewed') => {
      const [first] = planDocuments({ tasks: [cca], shot: 'one', labels }, {}, release);
      return names(first.doc.fields.options).length;
    };
    expect(count('paper')).toBe(404);
    expect(count('reviewed')).toBe(373);
    // Unsaid, the paper's list: what the paper's models saw.
    expect(names(planDocuments({ tasks: [cca], shot: 'one' }, {}, release)[0].doc.fields.options)).toHaveLength(404);
  });

  it('a CCA run stored before label versions: its old score under reviewed, re-scored under paper; the next digest makes no delta of labels', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'jcb-labels-'));
    const file = path.join(work, 'old.sqlite');
    const reviewed = goldFile('data.csv');
    const paperGold = goldFile('data_old.csv');
    // The store as it was before issue 22 (schema step 012), holding a live run scored on data.csv.
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    const migrated = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(
      '012_issue21_thinking',
    );
    expect(migrated.error).toBeUndefined();
    const rows = generations('gpt-4o');
    const docs = rows.map((r, i) => {
      const gold = reviewed.get(r.sheet_name.normalize('NFC'))!;
      return { r, i, gold, score: f1(listed(r.generated_medra), gold) };
    });
    const oldScore = mean(docs.map((d) => d.score.f1));
    const now = '2026-04-01T00:00:00.000Z';
    await db
      .insertInto('runs')
      .values({
        id: 'old-cca',
        model: 'gpt-4o-live',
        provider: 'openai',
        engine: JSON.stringify({ provider: 'openai', model: 'gpt-4o', node: 'v22' }),
        shot: 'one',
        tasks: '["cca"]',
        doc_limit: null,
        status: 'finished',
        created_at: now,
        updated_at: now,
        planned: null,
      })
      .execute();
    for (const d of docs)
      await db
        .insertInto('run_documents')
        .values({
          run_id: 'old-cca',
          task: 'cca',
          doc_id: d.r.sheet_name.normalize('NFC'),
          doc_index: d.i,
          prompt_hash: 'h',
          status: 'done',
          output: d.r.generated_medra,
          parse_ok: 1,
          scores: JSON.stringify(d.score),
          gold: JSON.stringify(d.gold),
          attempts: 1,
          cached: 0,
          finished_at: now,
        })
        .execute();
    await db
      .insertInto('run_scores')
      .values({
        run_id: 'old-cca',
        task: 'cca',
        n: docs.length,
        failed: 0,
        parse_failures: 0,
        metrics: JSON.stringify({ _f1: oldScore }),
        score: oldScore,
        finished_at: now,
      })
      .execute();
    await db
      .insertInto('digests')
      .values({ schedule: 'nightly-cca', posted_at: now, scores: JSON.stringify({ 'gpt-4o-live': { cca: oldScore } }) })
      .execute();
    await db.destroy();
    const schedules = path.join(work, 'schedules.yml');
    writeFileSync(
      schedules,
      'schedules:\n  nightly-cca:\n    cron: "0 2 * * *"\n    models: [gpt-4o-live]\n    tasks: [cca]\n    shot: one\n    channel: "#x"\n    regression: 0.005\n',
    );
    const s = createServices({
      env: { JCB_DATA_DIR: dir, JCB_STORE: file, JCB_SCHEDULES: schedules, JCB_HOME: work },
      tokenizer: inThreadTokenizer(),
    });
    try {
      // The migration recorded what the run was scored on.
      expect((await s.findRun('old-cca'))?.label_version).toBe('reviewed');
      const asStored = await s.show('old-cca', 'reviewed');
      expect(asStored.scores[0]).toMatchObject({ score: oldScore, labels: 'reviewed', otherList: false });
      const paperScore = mean(
        rows.map((r) => f1(listed(r.generated_medra), paperGold.get(r.sheet_name.normalize('NFC'))!).f1),
      );
      expect(paperScore).not.toBeCloseTo(oldScore, 3);
      const shown = await s.show('old-cca');
      expect(shown.scores[0].labels).toBe('paper');
      expect(shown.scores[0].otherList).toBe(true);
      expect(shown.scores[0].score).toBeCloseTo(paperScore, 12);
      // The first digest after the upgrade: the paper's labels, no change that only the labels made.
      const [digest] = await s.digest('nightly-cca');
      expect(digest).toMatchObject({ labels: 'paper', previousLabels: 'reviewed' });
      const [row] = digest.rows;
      expect(row.score).toBeCloseTo(paperScore, 12);
      expect(row.previous).toBe(oldScore);
      expect(row.change).toBeCloseTo(0, 12);
      expect(row.regression).toBe(false);
      // The next one compares paper with paper.
      const [next] = await s.digest('nightly-cca');
      expect(next.previousLabels).toBe('paper');
      expect(next.rows[0].change).toBeCloseTo(0, 12);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('a new run records the labels it was scored on and offered; shown under the other, marked', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'jcb-labels-'));
    const s = createServices({
      env: { JCB_DATA_DIR: dir, JCB_STORE: path.join(work, 's.sqlite'), JCB_HOME: work },
      tokenizer: inThreadTokenizer(),
    });
    try {
      const r = await s.evaluate({ task: 'cca', model: 'baseline', shot: 'one', limit: 5, labels: 'reviewed' });
      expect(r.run.label_version).toBe('reviewed');
      const docs = await s.runDocuments(r.run.id);
      const reviewed = goldFile('data.csv');
      for (const d of docs) expect(JSON.parse(d.gold!)).toEqual(reviewed.get(d.doc_id));
      expect((await s.show(r.run.id, 'reviewed')).scores[0]).toMatchObject({
        score: r.outcomes[0].score,
        otherList: false,
      });
      expect((await s.show(r.run.id)).scores[0]).toMatchObject({ labels: 'paper', otherList: true });
      // A resume cannot change the labels of a run.
      await expect(
        s.evaluate({ task: 'cca', model: 'baseline', shot: 'one', limit: 5, labels: 'paper', runId: r.run.id }),
      ).rejects.toThrow(/scored on the reviewed labels/);
      const mr = await s.evaluate({ task: 'mr', model: 'baseline', shot: 'one', limit: 2 });
      expect(mr.run.label_version).toBeNull();
      await expect(s.show(mr.run.id, 'reviewed')).rejects.toThrow(UserError);
    } finally {
      await s.close();
    }
  }, 120_000);
});

describe('bad --labels', () => {
  it('an unknown version: one line naming the choices', () => {
    for (const words of [
      ['leaderboard', '--labels', 'old'],
      ['eval', 'cca', 'baseline', '--labels', 'x'],
      ['show', 'r1', '--labels', 'new'],
      ['compare', 'gpt-4o', 'gpt-5', '--labels', 'v2'],
      ['digest', '--labels', '2024'],
      ['score', '--labels', 'nope'],
    ])
      expect(() => parseCommand(words)).toThrow(/^--labels must be "paper" or "reviewed", not ".*"\.$/);
  });

  it.skipIf(!dir)('on settings without versions: one line, exit 1', () => {
    const r = spawnSync(process.execPath, [BIN, 'eval', 'mr', 'baseline', '--labels', 'reviewed', '--dry-run'], {
      encoding: 'utf8',
      env: { ...process.env, JCB_DATA_DIR: dir },
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'jcb: --labels reviewed: mr has one gold; only cca has versions (paper or reviewed).',
    ]);
  });

  it('a job queued on other labels than its run records is left to no worker', () => {
    const run = { engine: '{"provider":"baseline"}', model: 'baseline', label_version: 'reviewed', document_set: null };
    const assumes = { storeId: 's', engine: { provider: 'baseline' }, scoring: SCORING_VERSION, labels: 'paper' };
    const worker = { storeId: 's', provider: () => ({ config: { provider: 'baseline' } }) as never };
    expect(mismatch(assumes, run, worker)).toBe('the job was queued on the paper labels, the run records reviewed');
    expect(mismatch({ ...assumes, labels: 'reviewed' }, run, worker)).toBeUndefined();
  });
});
