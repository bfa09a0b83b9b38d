// Numbers that must agree between two outputs (break1, kind 5): the runs board and the digest stand on the same
// run of each model and setting (standingRuns: a --limit run shows, marked ‡, until a full one is stored); a
// document's numbers name the headline once; a span-F1 sentence with nothing to find and nothing found is `–`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDigests, renderScores } from '../src/cli/render.js';
import { scoresLine } from '../src/cli/render-comparison.js';
import { STANDING_RULE } from '../src/leaderboard/coverage.js';
import { createServices, type RunResult } from '../src/services/index.js';
import { FIXTURE_ENV, FIXTURES, freshStore, inThreadTokenizer } from './helpers.js';

describe('the runs board and the digest stand on the same run', () => {
  let services: ReturnType<typeof createServices>;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-standing-'));
  const schedules = path.join(scratch, 'schedules.yml');
  writeFileSync(
    schedules,
    'schedules:\n  ward:\n    cron: "0 2 * * *"\n    models: [baseline]\n    tasks: [triage]\n    shot: zero\n    channel: "#ward"\n',
  );
  beforeAll(async () => {
    const store = await freshStore('sqlite');
    const env = {
      ...process.env,
      ...FIXTURE_ENV,
      ...store.env,
      JCB_TASKS: path.join(FIXTURES, 'task-files', 'own'),
      JCB_PACKS_TASKS: '/nonexistent',
      JCB_SCHEDULES: schedules,
    };
    services = createServices({ env, tokenizer: inThreadTokenizer() });
  });
  afterAll(() => services.close());

  const evaluate = async (limit?: number) =>
    (await services.evaluate({ task: 'triage', model: 'baseline', shot: 'zero', ...(limit ? { limit } : {}) })).run.id;
  const standing = async () => {
    const board = await services.leaderboard('zero', 'runs');
    const i = board.columns.findIndex((c) => c.id === 'triage');
    const row = board.rows.find((r) => r.model === 'baseline')!;
    const [digest] = await services.digest('ward');
    return {
      board: { run: row.runs![i], limit: row.coverage![i]!.limit },
      digest: { run: digest.rows[0].run, limit: digest.rows[0].coverage?.limit ?? null },
      text: renderDigests([digest]),
    };
  };

  it('a --limit run stands, marked, on both until a full one; then the full one on both', async () => {
    const limited = await evaluate(1);
    const first = await standing();
    expect(first.board).toEqual({ run: limited, limit: 1 });
    expect(first.digest).toEqual(first.board);
    expect(first.text).toMatch(/baseline +triage +\d+\.\d‡/);
    const full = await evaluate();
    await evaluate(1); // a later --limit run does not displace the full one
    const then = await standing();
    expect(then.board).toEqual({ run: full, limit: null });
    expect(then.digest).toEqual(then.board);
  });

  it('the rule is said where the board is titled', () => {
    expect(STANDING_RULE).toMatch(/^latest finished run per model and setting: on the paper's documents, else on every row, else a --limit run$/);
  });
});

describe("one document's numbers", () => {
  const result = (metrics: Record<string, number>, score: number) =>
    ({ task: { id: 'ner-d', label: 'NER-D', title: '', metric: 'F1' }, metrics, score }) as unknown as RunResult;

  it('name the headline once', () => {
    expect(scoresLine(result({ f1: 0.5, precision: 1, recall: 1 / 3, total_tp: 1, total_fp: 0, total_fn: 2 }, 0.5))).toBe(
      'F1 50.0 · precision 100.0 · recall 33.3 · TP 1 · FP 0 · FN 2',
    );
  });

  it('a sentence with no gold and no predicted entity adds nothing to the release’s micro F1: shown as –, not 0', () => {
    const line = scoresLine(result({ f1: 0, precision: 0, recall: 0, total_tp: 0, total_fp: 0, total_fn: 0 }, 0));
    expect(line).toMatch(/^F1 – \(no entity in the gold nor in the output/);
    expect(line).not.toMatch(/0\.0/);
  });
});

describe('score', () => {
  it('prints ×100 with one decimal, as every other command and the README', () => {
    const text = renderScores([
      { task: 'mr', model: 'llm-jp', file: 'generated/CLR/MR/llm-jp/one_shot.json', n: 123, score: 0.08834, matchesRelease: true } as never,
    ]);
    expect(text).toMatch(/\b8\.8\b/);
    expect(text).not.toMatch(/8\.83/);
  });
});
