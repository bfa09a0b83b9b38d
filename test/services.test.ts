// The services over a miniature release written for these tests (test/fixtures/release).
import { describe, expect, it } from 'vitest';
import { createContext } from '../src/services/context.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, FIXTURE_RELEASE, inThreadTokenizer } from './helpers.js';

const services = (random = () => 0) =>
  createServices({ env: { ...FIXTURE_ENV }, tokenizer: inThreadTokenizer(), random });

describe('jcb score', () => {
  it('scores every file of a generated/ tree and compares it with results/', async () => {
    const rows = await services().score();
    const byFile = Object.fromEntries(rows.map((r) => [r.file, r]));
    expect(byFile['CLR/MR/gpt-4o/one_shot.json']).toMatchObject({
      task: 'mr',
      model: 'gpt-4o',
      n: 2,
      score: 0.75,
      matchesRelease: true,
      metrics: { _precision: 0.75, recall: 0.75, _f1: 0.75, _accuracy: 0.75 },
    });
    expect(byFile['CLG/IRS/gpt-4o/one_shot.json']).toMatchObject({ n: 3, matchesRelease: true, parseFailures: 1 });
    expect(byFile['CLG/IRS/gpt-4o/one_shot.json'].score).toBeCloseTo(13 / 14, 12);
    expect(byFile['CLU/RE_Ent/gpt-4o/one_shot.json']).toMatchObject({
      matchesRelease: null,
      metrics: { accuracy: 0.5, precision: 1, recall: 0.5 },
    });
  });

  it('scores a single file', async () => {
    const rows = await services().score(`${FIXTURE_RELEASE}/data/generated/CLR/MR/gpt-4o/one_shot.json`);
    expect(rows).toHaveLength(1);
    expect(rows[0].matchesRelease).toBe(true);
  });

  it('says what a generated/ tree should look like when it is not one', async () => {
    await expect(services().score(`${FIXTURE_RELEASE}/data/benchmarks/CLR`)).rejects.toThrow(
      /holds no generation files/,
    );
  });
});

describe('jcb leaderboard', () => {
  it('computes the cells from replayed files and leaves missing ones empty', async () => {
    const board = await services().leaderboard('one');
    const gpt4o = board.rows.find((r) => r.model === 'gpt-4o')!;
    const col = (id: string) => board.columns.findIndex((c) => c.id === id);
    expect(gpt4o.cells[col('mr')]).toBe(0.75);
    expect(gpt4o.cells[col('re-ent')]).toBeCloseTo(2 / 3, 12);
    expect(gpt4o.cells[col('examqa')]).toBeNull();
    expect(board.rows.find((r) => r.model === 'llm-jp')!.cells.every((c) => c === null)).toBe(true);
  });
});

describe('jcb run', () => {
  it('replays one document and scores it, labelled as a replay', async () => {
    const r = await services().run({ task: 'mr', model: 'gpt-4o', doc: 'B_p1', shot: 'one' });
    expect(r.model).toEqual({ alias: 'gpt-4o', label: 'GPT-4o', provider: 'replay' });
    expect(r.document).toEqual({ id: 'B_p1', text: 'S　眠れない。' });
    expect(r.parse.shown).toBe('W');
    expect(r.score).toBe(1);
  });

  it('maps positional RE rows to documents, skipping the one-shot example', async () => {
    const r = await services().run({ task: 're-ent', model: 'gpt-4o', doc: '2', shot: 'one' });
    expect(r.document.text).toContain('CRP');
    expect(r.parse.ok).toBe(false);
    expect(r.metrics).toMatchObject({ accuracy: 0, precision: 0 });
  });

  it("keeps a run's gold text in the tokenizer's cache, never its output", async () => {
    const tokenizer = inThreadTokenizer();
    const asked: [string, boolean][] = [];
    const tokenize = tokenizer.tokenize.bind(tokenizer);
    tokenizer.tokenize = (texts, keep = true) => {
      texts.forEach((t, i) => asked.push([t, typeof keep === 'boolean' ? keep : keep[i]]));
      return tokenize(texts, keep);
    };
    const s = createServices({ env: { ...FIXTURE_ENV }, tokenizer });
    const r = await s.run({ task: 'irs', model: 'gpt-4o', doc: '2', shot: 'one' });
    const kept = (t: string) => asked.filter(([text]) => text === t).map(([, keep]) => keep);
    expect(r.comparison).toMatchObject({ kind: 'texts' });
    const { gold, output } = r.comparison as { gold: string; output: string };
    expect(kept(gold)).toEqual([true]);
    expect(kept(output)).toEqual([false]);
  });

  it("sends each text's `keep` with the pool's tokenize job (the thread's cache holds gold texts only)", async () => {
    const ctx = createContext({ env: { ...FIXTURE_ENV }, threads: 1 });
    try {
      const pool = ctx.pool()!;
      const jobs: unknown[][] = [];
      const run = pool.run.bind(pool);
      pool.run = <T>(task: string, args: unknown[] = []) => (jobs.push([task, ...args]), run<T>(task, args));
      const tokens = await ctx.scoring.tokenize(['患者は', '発熱した'], [true, false]);
      expect(tokens).toEqual(await inThreadTokenizer().tokenize(['患者は', '発熱した']));
      expect(jobs).toEqual([['tokenize', ['患者は', '発熱した'], [true, false]]]);
    } finally {
      await ctx.close();
    }
  });

  it('picks a random document among those the model has', async () => {
    const r = await services(() => 0.99).run({ task: 'irs', model: 'gpt-4o', doc: 'random', shot: 'one' });
    expect(r.document.id).toBe('4');
    expect(r.parse.problem).toMatch(/empty output/);
  });

  it.each([
    [{ task: 'nope', model: 'gpt-4o', doc: 'random', shot: 'one' as const }, /Unknown task "nope"\./],
    [{ task: 'mr', model: 'nobody', doc: 'random', shot: 'one' as const }, /Unknown model "nobody"/],
    [{ task: 'mr', model: 'gpt-4o', doc: 'Z_p9', shot: 'one' as const }, /No document "Z_p9" in mr/],
    [
      { task: 'mr', model: 'gpt-4o', doc: '20_118F56', shot: 'one' as const },
      /is the example inside the one-shot prompt/,
    ],
    [{ task: 'mr', model: 'gpt-4o', doc: 'A_p1', shot: 'zero' as const }, /no released zero-shot generations for mr/],
    [
      { task: 'examqa', model: 'gpt-5', doc: 'random', shot: 'one' as const },
      /no released one-shot generations for examqa/,
    ],
  ])('explains a request it cannot serve (%#)', async (req, message) => {
    await expect(services().run(req)).rejects.toThrow(message);
  });

  it('says where to find the release when there is none', async () => {
    const s = createServices({ env: {}, tokenizer: inThreadTokenizer() });
    await expect(s.run({ task: 'mr', model: 'gpt-4o', doc: 'random', shot: 'one' })).rejects.toThrow(
      /JCB_DATA_DIR is not set.*/,
    );
  });
});

describe('jcb data check', () => {
  it('counts documents and matched rows per file', () => {
    const data = services().checkData();
    expect(data.verdict).toMatch(/^WHOLE: all \d+ files match the manifest/);
    const checks = data.tasks;
    const mr = checks.find((c) => c.task === 'mr')!;
    expect(mr.documents).toBe(3);
    expect(mr.files).toEqual([
      expect.objectContaining({
        file: 'CLR/MR/gpt-4o/one_shot.json',
        rows: 2,
        matched: 2,
        parseFailures: 0,
        problems: [],
      }),
    ]);
    const reEnt = checks.find((c) => c.task === 're-ent')!;
    // gpt-5's zero-shot row 1 is rel_data's first pair (region): it matches by position and gold.
    expect(reEnt.files.map((f) => f.matched)).toEqual([2, 1]);
    expect(checks.find((c) => c.task === 'cca')!.problems[0]).toMatch(/documents unreadable/);
  });
});
