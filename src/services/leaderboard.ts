// Table 4: from the replayed generations (`paper`) or the latest stored runs (`runs`), and as a chart.
import { pricesOf, runUsage } from '../evaluation/cost.js';
import { provenanceOf, type Provenance } from '../evaluation/provenance.js';
import { coverageOf, scoreOrNull, standingRuns, type Coverage } from '../leaderboard/coverage.js';
import { knownTask, UNLOADED_NOTE } from '../evaluation/documents.js';
import type { ChartView } from '../leaderboard/vega.js';
import type { Leaderboard, LeaderboardRow } from '../leaderboard/board.js';
import { scoreInterval } from '../metrics/bootstrap.js';
import { loadModels } from '../models/registry.js';
import type { ReplayModel } from '../models/replay.js';
import { aboutTask } from '../tasks/task-file/about.js';
import { isPrivate } from '../policy/data-policy.js';
import type { Shot, Task } from '../tasks/types.js';
import { allTasks, TASKS } from '../../tasks/index.js';
import type { ServiceContext } from './context.js';
import { goldsUnder } from '../evaluation/labels.js';
import { DEFAULT_LABELS, type LabelVersion } from '../release/views.js';
import type { DocScore, Metrics } from '../tasks/types.js';
import { scoreUnder } from './labels.js';
import { scoreGenerationFiles } from './score.js';

export type { Leaderboard, LeaderboardRow } from '../leaderboard/board.js';

/** The runs board: the run of each model and setting that standingRuns picks (STANDING_RULE). */
async function runsBoard(
  ctx: ServiceContext,
  shot: Shot,
  labels: LabelVersion,
): Promise<{ columns: Leaderboard['columns']; rows: LeaderboardRow[] }> {
  const store = await ctx.store();
  type Cell = {
    score: number | null;
    run: string;
    coverage: Coverage;
    provenance: Provenance;
    documents: DocScore[];
    otherList: boolean;
  };
  const latest = new Map<string, Cell>();
  for (const [key, s] of standingRuns((await store.scores()).filter((s) => s.shot === shot))) {
    // CCA under the chosen labels: stored, or re-scored from the run's outputs (services/labels.ts).
    const under = await scoreUnder(
      ctx,
      { id: s.run_id, label_version: s.label_version },
      s.task,
      { score: s.score, metrics: JSON.parse(s.metrics) as Metrics },
      labels,
    );
    latest.set(key, {
      score: scoreOrNull(under.score, coverageOf(s)),
      run: s.run_id,
      coverage: coverageOf(s),
      provenance: provenanceOf({ ...s, label_version: under.labels }, s.task, s.n + s.failed),
      documents: under.documents,
      otherList: under.otherList,
    });
  }
  const models = [...new Set([...latest.keys()].map((k) => k.split('\u0000')[0]))];
  const known = new Map(loadModels(ctx.env).map((m) => [m.alias, m]));
  // The paper's 13 settings always; a declared task once it has a run (with its published results beside it).
  const ran = new Set([...latest.keys()].map((k) => k.split('\u0000')[1]));
  const tasks = allTasks().filter((t) => TASKS.includes(t) || ran.has(t.id));
  // A task run but not declared now (its task file not loaded) keeps its column, by id, with the note.
  const unloaded = [...ran].filter((id) => !knownTask(id));
  const columns: Leaderboard['columns'] = [
    ...tasks.map((t) => {
      const about = aboutTask(t);
      return { id: t.id, label: t.label, ...(about ? { about } : {}), ...(isPrivate(t) ? { private: true } : {}) };
    }),
    ...unloaded.map((id) => ({ id, label: id, about: UNLOADED_NOTE })),
  ];
  const rows = await Promise.all(
    models.map(async (model): Promise<LeaderboardRow> => {
      const cells = columns.map((t) => latest.get(`${model}\u0000${t.id}`));
      const config = known.get(model);
      const intervals = cells.map((c, i) => (c && tasks[i] ? scoreInterval(tasks[i], c.documents) : null));
      const prices = pricesOf(model, ctx.env);
      const usage = await Promise.all(
        cells.map(async (c, i) => (c ? runUsage(await store.documents(c.run, columns[i].id), prices) : null)),
      );
      return {
        model,
        label: config?.label ?? model,
        provider: config?.provider ?? 'openai-compatible',
        cells: cells.map((c) => c?.score ?? null),
        runs: cells.map((c) => c?.run ?? null),
        intervals,
        usage,
        coverage: cells.map((c) => c?.coverage ?? null),
        otherList: cells.map((c) => c?.otherList ?? false),
        provenance: cells.map((c) => c?.provenance ?? null),
      };
    }),
  );
  const published = publishedRows(tasks).map((r) => ({ ...r, cells: [...r.cells, ...unloaded.map(() => null)] }));
  return { columns, rows: [...rows, ...published] };
}

/** A task file's published results on its headline metric (the others are not on the board). */
const publishedOf = (task: Task) => (task.references ?? []).filter((r) => r.headline);

/** One row per published model, its cells the task files' reference results: marked published, not reproduced. */
function publishedRows(tasks: readonly Task[]): LeaderboardRow[] {
  const models = [...new Set(tasks.flatMap((t) => publishedOf(t).map((r) => r.model)))];
  return models.map((model) => ({
    model,
    label: model,
    provider: 'published',
    cells: tasks.map((t) => publishedOf(t).find((r) => r.model === model)?.value ?? null),
    published: [
      ...new Set(
        tasks.flatMap((t) =>
          publishedOf(t)
            .filter((r) => r.model === model)
            .map((r) => r.source),
        ),
      ),
    ].join('; '),
  }));
}

/** The paper's board: each replayed model's released files, scored. */
async function paperBoard(ctx: ServiceContext, shot: Shot, labels: LabelVersion): Promise<LeaderboardRow[]> {
  // The in-thread tokenizer's own threads, ahead of the batch: only without a pool (whose threads tokenize).
  if (!ctx.pool()) ctx.tokenizer().warm();
  // Under `paper` each file is scored on the gold it embeds (Table 4); under other labels, on theirs: read once a
  // task (the release keeps only its last files, so read per model and per cell they were parsed again and again).
  const goldsOf = new Map(
    TASKS.map((task) => [task.id, labels === 'paper' ? undefined : goldsUnder(task, ctx.release([task]), labels)]),
  );
  const golds = (task: Task) => goldsOf.get(task.id);
  const models = ctx.replayModels();
  const files = models.map((model) => TASKS.map((task) => (ctx.providerOf(model) as ReplayModel).file(task, shot)));
  // Every file at once: a setting's files go to one pool thread together (its gold texts tokenized once).
  const jobs = files.flatMap((row) =>
    row.flatMap((file, t) => (file ? [{ task: TASKS[t], file, interval: true, golds: golds(TASKS[t]) }] : [])),
  );
  const done = await scoreGenerationFiles(ctx, jobs);
  return models.map((model, m): LeaderboardRow => {
    const scored = files[m].map((file) => (file ? done.shift()! : null));
    return {
      model: model.alias,
      label: model.label,
      provider: model.provider,
      cells: scored.map((c) => c?.score ?? null),
      intervals: scored.map((c) => c?.interval ?? null),
      otherList: TASKS.map((t, i) => scored[i] !== null && golds(t) !== undefined),
    };
  });
}

export function leaderboardServices(ctx: ServiceContext) {
  // The paper's board depends only on the release: computed once per shot and label version.
  const paperBoards = new Map<string, Leaderboard>();
  return {
    /**
     * Table 4 from the replayed generations (`paper`), or from the latest stored run of each model (`runs`);
     * CCA under `labels` (default `paper`: Table 4's own numbers).
     */
    async leaderboard(
      shot: Shot,
      source: 'paper' | 'runs' = 'paper',
      labels: LabelVersion = DEFAULT_LABELS,
    ): Promise<Leaderboard> {
      if (source === 'runs') {
        return { shot, source, labels, ...(await runsBoard(ctx, shot, labels)) };
      }
      const columns = TASKS.map((t) => ({ id: t.id, label: t.label }));
      const key = `${shot}:${labels}`;
      const memo = paperBoards.get(key);
      if (memo) return memo;
      const board: Leaderboard = { shot, source, labels, columns, rows: await paperBoard(ctx, shot, labels) };
      paperBoards.set(key, board);
      return board;
    },

    /** Table 4 as a chart (Vega-Lite): the heatmap by default, which Slack posts; PNG bytes or SVG text. */
    async leaderboardChart(
      board: Leaderboard,
      view: ChartView = 'heatmap',
      format: 'png' | 'svg' = 'png',
    ): Promise<Buffer> {
      const pool = ctx.pool();
      // Vega, Vega-Lite and resvg (~40 MB) are loaded only by the thread that draws.
      if (!pool) return (await import('../leaderboard/vega.js')).leaderboardChart(board, view, format);
      // Vega and resvg take seconds of CPU: on the pool, whose thread that drew ends seconds after, not 30 s (its
      // bytes come back as a Uint8Array).
      return Buffer.from(await pool.run<Uint8Array>('chart', [board, view, format]));
    },
    /** Chart renderer threads alive now (0: none holds Vega and resvg; the next chart starts one). */
    chartThreads: (): number => ctx.pool()?.threads('chart') ?? 0,
  };
}
