// Stored runs: their summaries (scores with intervals, documents done and failed) and export.
import { redact } from '../models/server-reply.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { answersOf } from '../evaluation/answer.js';
import { pricesOf, runUsage } from '../evaluation/cost.js';
import { knownTask, requireLoaded } from '../evaluation/documents.js';
import { planDocuments, setOfRun } from '../evaluation/plan.js';
import { exportRun } from '../evaluation/export.js';
import { explainStored } from '../evaluation/explain.js';
import { sampleLines } from '../evaluation/samples.js';
import { provenanceOf, type Provenance } from '../evaluation/provenance.js';
import { scoreInterval, type Interval } from '../metrics/bootstrap.js';
import { findModel } from '../models/registry.js';
import { isPrivate, PRIVATE_CAPTION, requireMayWrite } from '../policy/data-policy.js';
import type { Run } from '../store/store.js';
import type { Metrics, Shot } from '../tasks/types.js';
import { documentsSource, requireRun, type ServiceContext } from './context.js';
import { requireLabelled } from '../evaluation/labels.js';
import type { LabelVersion } from '../release/views.js';
import { allTasks } from '../../tasks/index.js';
import { scoreUnder } from './labels.js';
import { latestRuns, settleOrphans, statusRuns } from './orphans.js';
import { goneStopped } from '../evaluation/owner.js';

export interface RunSummary {
  run: Run;
  tasks: string[];
  /** The run's tasks not declared now (their task file not loaded): shown by id with UNLOADED_NOTE. */
  unloaded: string[];
  scores: {
    task: string;
    n: number;
    failed: number;
    parseFailures: number;
    /** Live non-answers among the scored documents (scored as an empty output). */
    noAnswer: number;
    score: number;
    metrics: Metrics;
    interval: Interval | null;
    /** CCA's gold version the score is computed under; null for a setting with one gold. */
    labels: LabelVersion | null;
    /** Re-scored under other labels than the options the run sent (OTHER_LIST_MARK). */
    otherList: boolean;
    /** Labels, document set and release commit of the number. */
    provenance?: Provenance;
  }[];
  documents: { done: number; failed: number; cached: number };
  failures: { task: string; doc: string; error: string }[];
  /** Tokens of the run's calls to the provider, and their cost (null without prices). */
  usage: ReturnType<typeof runUsage>;
  /** Live answers per finish reason. */
  answers: Record<string, number>;
  /** Live non-answers (empty, truncated, filtered), asked again by `--run`. */
  incomplete: { task: string; doc: string; why: string }[];
}

/** A run's summary, CCA under `labels` (default `paper`): its stored score, or its outputs re-scored. */
export async function runSummary(ctx: ServiceContext, run: Run, labels?: LabelVersion): Promise<RunSummary> {
  const s = await ctx.store();
  const [scores, docs] = await Promise.all([s.scores(run.id), s.documents(run.id)]);
  const tasks = JSON.parse(run.tasks) as string[];
  return {
    // Rows stored before errors and URLs were redacted at the boundary (src/models/server-reply.ts) show none either.
    run: { ...run, engine: redact(run.engine) },
    tasks,
    unloaded: tasks.filter((t) => !knownTask(t)),
    scores: await Promise.all(
      scores.map(async (r) => {
        const under = await scoreUnder(
          ctx,
          run,
          r.task,
          { score: r.score, metrics: JSON.parse(r.metrics) as Metrics },
          labels,
        );
        return {
          task: r.task,
          n: r.n,
          failed: r.failed,
          parseFailures: r.parse_failures,
          leftOut: r.left_out ?? 0,
          noAnswer: docs.filter((d) => d.task === r.task && d.status === 'done' && d.incomplete !== null).length,
          score: under.score,
          metrics: under.metrics,
          interval: knownTask(r.task) ? scoreInterval(knownTask(r.task)!, under.documents) : null,
          labels: under.labels,
          otherList: under.otherList,
          provenance: provenanceOf({ ...run, label_version: under.labels }, r.task, r.n + r.failed),
        };
      }),
    ),
    documents: {
      done: docs.filter((d) => d.status === 'done').length,
      failed: docs.filter((d) => d.status === 'failed').length,
      cached: docs.filter((d) => d.cached === 1).length,
    },
    failures: docs
      .filter((d) => d.status === 'failed')
      .map((d) => ({ task: d.task, doc: d.doc_id, error: redact(d.error ?? '') })),
    usage: runUsage(docs, pricesOf(run.model, ctx.env)),
    ...answersOf(docs),
  };
}

/** A run, its stored rows (store order), and per task its rows, aggregate, planned documents and each row's explanation. */
async function runTasks(ctx: ServiceContext, id: string) {
  const run = await requireRun(ctx, id);
  const s = await ctx.store();
  const [rows, scores] = await Promise.all([s.documents(run.id), s.scores(run.id)]);
  const provider = documentsSource(ctx, findModel(run.model, ctx.env));
  const tasks = await Promise.all(
    requireLoaded(run.id, JSON.parse(run.tasks) as string[]).map(async (task) => {
      const docs = planDocuments(
        { tasks: [task], shot: run.shot as Shot, documents: setOfRun(run) },
        provider,
        ctx.release(),
      ).map((i) => i.doc);
      const documents = new Map(docs.map((d) => [d.id, d]));
      const own = rows.filter((r) => r.task === task.id);
      const explanations = await Promise.all(
        own.map((r) => explainStored(task, r, documents.get(r.doc_id), ctx.scoring)),
      );
      return { task, rows: own, score: scores.find((x) => x.task === task.id), documents, explanations };
    }),
  );
  return { run, rows, tasks };
}

export function runsServices(ctx: ServiceContext) {
  return {
    /**
     * How many runs `status` chooses from: those under way and the latest 20's whose process is gone (stopped, to be
     * resumed), or with `all` every stored one (it shows a few).
     */
    async statusTotal(opts: { all?: boolean } = {}): Promise<number> {
      const s = await ctx.store();
      if (opts.all) return s.countRuns();
      const gone = (await statusRuns(ctx)).filter((r) => goneStopped(r)).length;
      return gone + (await s.countRuns(['queued', 'running', 'aggregating']));
    },

    async runs(): Promise<RunSummary[]> {
      const runs = await latestRuns(ctx);
      return Promise.all(runs.map((run) => runSummary(ctx, run)));
    },

    /** One run; CCA under `labels` (default `paper`). @throws UserError for `labels` on a run without CCA. */
    async show(id: string, labels?: LabelVersion) {
      await settleOrphans(ctx);
      const run = await requireRun(ctx, id);
      requireLabelled(
        (JSON.parse(run.tasks) as string[]).flatMap((t) => knownTask(t) ?? []),
        labels,
        allTasks,
      );
      return runSummary(ctx, run, labels);
    },
    /** A stored run, or undefined. */
    findRun: async (id: string) => (await ctx.store()).getRun(id),

    /** Every stored document of a run (for --log-samples). */
    runDocuments: async (id: string) => (await ctx.store()).documents((await requireRun(ctx, id)).id),

    /** A run's documents as --log-samples JSONL (src/evaluation/samples.ts), each with its explanation. */
    async runSamples(id: string): Promise<string> {
      const { rows, tasks } = await runTasks(ctx, id);
      const explained = new Map(tasks.flatMap((t) => t.rows.map((r, i) => [r, t.explanations[i]] as const)));
      return sampleLines(
        rows,
        rows.map((r) => explained.get(r) ?? null),
      );
    },

    /** Writes a run in the release's layout under `dir`; `jcb score <dir>/generated` re-scores it. */
    async exportRun(id: string, dir: string, includePrivate?: boolean): Promise<string[]> {
      const run = await requireRun(ctx, id);
      // Before anything is written: a private task's data only with --include-private.
      const marked = requireMayWrite(requireLoaded(run.id, JSON.parse(run.tasks) as string[]), includePrivate, '--dir');
      const { tasks } = await runTasks(ctx, id);
      const written = exportRun(path.resolve(dir), {
        run,
        tasks: tasks.map((t) => ({ ...t, explanations: new Map(t.rows.map((r, i) => [r.doc_id, t.explanations[i]])) })),
      });
      if (!marked) return written;
      const caption = path.join(path.resolve(dir), 'PRIVATE-DATA.txt');
      writeFileSync(
        caption,
        `${PRIVATE_CAPTION}: ${tasks
          .filter((t) => isPrivate(t.task))
          .map((t) => t.task.id)
          .join(', ')}\n`,
      );
      return [...written, caption];
    },
  };
}
