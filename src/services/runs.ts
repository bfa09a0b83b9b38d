// Stored runs: their summaries (scores with intervals, documents done and failed) and export.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { answersOf } from '../evaluation/answer.js';
import { pricesOf, runUsage } from '../evaluation/cost.js';
import { findTask } from '../evaluation/documents.js';
import { planDocuments, setOfRun } from '../evaluation/plan.js';
import { exportRun } from '../evaluation/export.js';
import { provenanceOf, type Provenance } from '../evaluation/provenance.js';
import { scoreInterval, type Interval } from '../metrics/bootstrap.js';
import { findModel } from '../models/registry.js';
import { isPrivate, PRIVATE_CAPTION, requireMayWrite } from '../policy/data-policy.js';
import type { Run, Store } from '../store/store.js';
import type { DocScore, Metrics, Shot } from '../tasks/types.js';
import { requireRun, type ServiceContext } from './context.js';

export interface RunSummary {
  run: Run;
  tasks: string[];
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

/** The per-document scores a run stored for a task, in document order. */
export async function storedScores(store: Store, runId: string, task: string): Promise<DocScore[]> {
  return (await store.documents(runId, task))
    .filter((d) => d.status === 'done')
    .sort((a, b) => a.doc_index - b.doc_index)
    .map((d) => JSON.parse(d.scores!) as DocScore);
}

export async function runSummary(ctx: ServiceContext, run: Run): Promise<RunSummary> {
  const s = await ctx.store();
  const [scores, docs] = await Promise.all([s.scores(run.id), s.documents(run.id)]);
  return {
    run,
    tasks: JSON.parse(run.tasks) as string[],
    scores: await Promise.all(
      scores.map(async (r) => ({
        task: r.task,
        n: r.n,
        failed: r.failed,
        parseFailures: r.parse_failures,
        noAnswer: docs.filter((d) => d.task === r.task && d.status === 'done' && d.incomplete !== null).length,
        score: r.score,
        metrics: JSON.parse(r.metrics) as Metrics,
        interval: scoreInterval(findTask(r.task), await storedScores(s, run.id, r.task)),
        provenance: provenanceOf(run, r.task, r.n + r.failed),
      })),
    ),
    documents: {
      done: docs.filter((d) => d.status === 'done').length,
      failed: docs.filter((d) => d.status === 'failed').length,
      cached: docs.filter((d) => d.cached === 1).length,
    },
    failures: docs
      .filter((d) => d.status === 'failed')
      .map((d) => ({ task: d.task, doc: d.doc_id, error: d.error ?? '' })),
    usage: runUsage(docs, pricesOf(run.model, ctx.env)),
    ...answersOf(docs),
  };
}

export function runsServices(ctx: ServiceContext) {
  return {
    async runs(): Promise<RunSummary[]> {
      const runs = await (await ctx.store()).listRuns();
      return Promise.all(runs.map((run) => runSummary(ctx, run)));
    },

    show: async (id: string) => runSummary(ctx, await requireRun(ctx, id)),
    /** A stored run, or undefined. */
    findRun: async (id: string) => (await ctx.store()).getRun(id),

    /** Every stored document of a run (for --log-samples). */
    runDocuments: async (id: string) => (await ctx.store()).documents((await requireRun(ctx, id)).id),

    /** Writes a run in the release's layout under `dir`; `jcb score <dir>/generated` re-scores it. */
    async exportRun(id: string, dir: string, includePrivate?: boolean): Promise<string[]> {
      const run = await requireRun(ctx, id);
      // Before anything is written: a private task's data only with --include-private.
      const marked = requireMayWrite((JSON.parse(run.tasks) as string[]).map(findTask), includePrivate, '--dir');
      const s = await ctx.store();
      const [rows, scores] = await Promise.all([s.documents(run.id), s.scores(run.id)]);
      const provider = ctx.providerOf(findModel(run.model, ctx.env));
      const tasks = (JSON.parse(run.tasks) as string[]).map(findTask).map((task) => {
        const docs = planDocuments(
          { tasks: [task], shot: run.shot as Shot, documents: setOfRun(run) },
          provider,
          ctx.release(),
        ).map((i) => i.doc);
        return {
          task,
          rows: rows.filter((r) => r.task === task.id),
          score: scores.find((x) => x.task === task.id),
          documents: new Map(docs.map((d) => [d.id, d])),
        };
      });
      const written = exportRun(path.resolve(dir), { run, tasks });
      if (!marked) return written;
      const caption = path.join(path.resolve(dir), 'PRIVATE-DATA.txt');
      writeFileSync(caption, `${PRIVATE_CAPTION}: ${tasks.filter((t) => isPrivate(t.task)).map((t) => t.task.id).join(', ')}\n`);
      return [...written, caption];
    },
  };
}
