// Evaluations in the background: queued in chunks for workers (any number, sharing Redis and the store),
// followed while they run, cancelled, and watched from where their progress is shown.
import { UserError } from '../errors.js';
import { openRun, planDocuments } from '../evaluation/plan.js';
import { findModel } from '../models/registry.js';
import { chunkSize, ensureReachable, removeWaitingJobs, type ChunkJob } from '../queue/eval-queue.js';
import { startWorker } from '../queue/worker.js';
import type { Run } from '../store/store.js';
import { requireRun, tasksOf, type ServiceContext } from './context.js';
import type { EvalCommand } from './evaluate.js';
import { runSummary, type RunSummary } from './runs.js';

export interface RunProgress {
  run: Run;
  planned: number | null;
  done: number;
  failed: number;
  elapsedMs: number;
  /** Estimated time left, from the pace so far; undefined before the first document. */
  etaMs: number | undefined;
  scores: RunSummary['scores'];
  usage: RunSummary['usage'];
  /** Headline scores of the model's previous finished run, by task: to show the change. */
  previous: Record<string, number>;
}

/** Creates a run and queues its documents in jobs for the workers; answers at once. */
export async function enqueue(
  ctx: ServiceContext,
  cmd: EvalCommand,
): Promise<{ run: Run; jobs: number; documents: number }> {
  const tasks = tasksOf(cmd.task);
  const model = findModel(cmd.model, ctx.env);
  const provider = ctx.providerOf(model);
  const plan = planDocuments({ tasks, shot: cmd.shot, limit: cmd.limit }, provider, ctx.release());
  if (plan.length === 0)
    throw new UserError(`${model.alias} has nothing to evaluate for ${cmd.task} (${cmd.shot}-shot).`);
  const q = ctx.queue();
  await ensureReachable(q, ctx.env);
  const s = await ctx.store();
  const run = await openRun(s, { tasks, shot: cmd.shot, limit: cmd.limit, runId: cmd.runId }, provider, 'queued');
  await s.setPlanned(run.id, plan.length);
  const jobs: ChunkJob[] = [];
  const size = chunkSize(ctx.env);
  for (const task of tasks) {
    const ids = plan.filter((it) => it.task === task).map((it) => it.doc.id);
    for (let i = 0; i < ids.length; i += size) {
      jobs.push({ runId: run.id, task: task.id, docIds: ids.slice(i, i + size), noCache: cmd.noCache ?? false });
    }
  }
  // Job ids make a re-queued run (same id) add nothing twice.
  await Promise.all(jobs.map((job, i) => q.add('chunk', job, { jobId: `${run.id}:${job.task}:${i}` })));
  return { run: { ...run, planned: plan.length }, jobs: jobs.length, documents: plan.length };
}

export function backgroundServices(ctx: ServiceContext) {
  return {
    /** Creates a run and queues its documents in jobs for the workers; answers at once. */
    enqueueEvaluation: (cmd: EvalCommand) => enqueue(ctx, cmd),

    /** Where a run stands: documents done and failed, time so far and left, scores once finished. */
    async status(id?: string): Promise<RunProgress[]> {
      const s = await ctx.store();
      const runs = id
        ? [await requireRun(ctx, id)]
        : (await s.listRuns(20)).filter((r) => r.status !== 'finished').slice(0, 5);
      return Promise.all(
        runs.map(async (run): Promise<RunProgress> => {
          const { done, failed } = await s.progress(run.id);
          const elapsedMs =
            (run.status === 'finished' ? Date.parse(run.updated_at) : Date.now()) - Date.parse(run.created_at);
          const left = run.planned === null ? undefined : run.planned - done - failed;
          const summary = await runSummary(ctx, run);
          return {
            run,
            planned: run.planned,
            done,
            failed,
            elapsedMs,
            etaMs: left !== undefined && done + failed > 0 ? (elapsedMs / (done + failed)) * left : undefined,
            scores: summary.scores,
            usage: summary.usage,
            previous: Object.fromEntries(await s.previousScores(run.model, run.shot, run.created_at)),
          };
        }),
      );
    },

    /** Stops a queued run: its waiting jobs are removed, running ones stop; finished documents stay. */
    async cancel(id: string): Promise<{ run: Run; removedJobs: number }> {
      const run = await requireRun(ctx, id);
      const s = await ctx.store();
      const cancelled =
        (await s.transition(run.id, 'queued', 'cancelled')) || (await s.transition(run.id, 'running', 'cancelled'));
      if (!cancelled) throw new UserError(`Run ${id} is ${run.status}: only queued or running runs can be cancelled.`);
      let removedJobs = 0;
      if (run.planned !== null) {
        await ensureReachable(ctx.queue(), ctx.env);
        removedJobs = await removeWaitingJobs(ctx.queue(), run.id);
      }
      return { run: { ...run, status: 'cancelled' }, removedJobs };
    },

    /** Takes evaluation jobs until closed (`jcb worker`; any number, on any machine sharing Redis and the store). */
    async startWorker(concurrency = 2, log?: (m: string) => void): Promise<void> {
      await startWorker(
        {
          queue: ctx.queue(),
          store: ctx.store,
          providerFor: (alias) => ctx.providerOf(findModel(alias, ctx.env)),
          release: ctx.release,
          scoring: ctx.scoring,
          log,
        },
        concurrency,
      );
    },

    /** Remembers where a run's progress is shown (e.g. a Slack message), until it ends. */
    watch: async (runId: string, target: string, messageId: string) =>
      (await ctx.store()).notify(runId, target, messageId),
    watched: async (prefix: string) => (await ctx.store()).openNotifications(prefix),
    unwatch: async (runId: string) => (await ctx.store()).closeNotification(runId),
  };
}
