// Evaluations in the background: queued in chunks for workers (any number, sharing Redis and the store),
// followed while they run, cancelled, and watched from where their progress is shown.
import { UserError } from '../base/errors.js';
import { budgetPrices, queuedSpendUsd } from '../evaluation/budget.js';
import { pricesOf, promptTokens } from '../evaluation/cost.js';
import { requireLabelled } from '../evaluation/labels.js';
import { allTasks, taskById } from '../../tasks/index.js';
import { documentSetFor, openRun, planDocuments } from '../evaluation/plan.js';
import { releaseCommitOf } from '../evaluation/provenance.js';
import { findModel, loadModels, type ModelConfig } from '../models/registry.js';
import { isPrivate, requireMayReceive } from '../policy/data-policy.js';
import { assumptionsOf } from '../queue/assumptions.js';
import {
  reconcileNow,
  redisChecks,
  redisWarnings,
  refuseEvicting,
  stalledSince,
  startReconciler,
  timeLeftMs,
  causeOf,
  type BackgroundDeps,
} from '../queue/background.js';
import { chunkSize, ensureReachable, queuePrefix, removeWaitingJobs } from '../queue/eval-queue.js';
import { queueMissing, runPlan } from '../queue/reconcile.js';
import { waitingRunLock } from '../queue/run-lock.js';
import { unseenWords, viewQueue, type QueueView } from '../queue/stall-cause.js';
import { startWorker, type RunningWorker } from '../queue/worker.js';
import { storeLocation, type Run } from '../store/store.js';
import { documentsSource, requireRun, taskSpec, tasksToResume, type ServiceContext } from './context.js';
import type { EvalCommand } from './evaluate.js';
import { runSummary, type RunSummary } from './runs.js';
import { scoreUnder } from './labels.js';
import { settleOrphans, statusRuns } from './orphans.js';
import type { Metrics } from '../tasks/types.js';

export interface RunProgress {
  run: Run;
  /** The run's tasks not declared now (their task file not loaded). */
  unloaded?: string[];
  planned: number | null;
  done: number;
  failed: number;
  elapsedMs: number;
  /** Estimated time left, from the recent pace (queue/background.ts timeLeftMs); undefined when stalled. */
  etaMs: number | undefined;
  /** When a queued or running run last stored a document, if it has made no progress for a while. */
  stalledSince?: string;
  /**
   * Why a queued or running run is not moving, as the queue shows it: Redis evicting keys, jobs failed
   * (with their error), jobs every worker declined (and why), no worker. No ETA is given then.
   */
  cause?: string;
  scores: RunSummary['scores'];
  usage: RunSummary['usage'];
  /** Headline scores of the model's previous finished run, by task: to show the change. */
  previous: Record<string, number>;
  /** The stored error of the first failed document, if any. */
  firstFailure: string | null;
  /** The run's private tasks (src/policy/data-policy.ts; absent when none): Slack says where their text is. */
  privateTasks?: string[];
  /**
   * A run queued with --max-cost: the limit and what its calls have cost since it was set (US dollars),
   * and the `eval` task argument that resumes it (`all`, or task ids).
   */
  budget?: { maxCostUsd: number; spentUsd: number; task: string };
}

/**
 * Creates a run and queues its documents in jobs for the workers; answers at once. With `maxCost`, the
 * workers stop the run once its calls have cost that much (US dollars, from now on). Errors: UserError
 * for nothing to evaluate, `maxCost` for a model without prices, or Redis unreachable.
 */
export async function enqueue(
  ctx: ServiceContext,
  cmd: EvalCommand,
): Promise<{ run: Run; jobs: number; documents: number }> {
  const tasks = await tasksToResume(ctx, cmd.task, cmd.runId);
  const model = findModel(cmd.model, ctx.env);
  requireMayReceive(tasks, model);
  const provider = ctx.providerOf(model);
  if (cmd.maxCost !== undefined) budgetPrices(model);
  requireLabelled(tasks, cmd.labels, allTasks);
  const s = await ctx.store();
  const documents = await documentSetFor(s, cmd);
  const plan = planDocuments(
    { tasks, shot: cmd.shot, limit: cmd.limit, documents, labels: cmd.labels },
    provider,
    ctx.release(tasks),
  );
  if (plan.length === 0)
    throw new UserError(`${model.alias} has nothing to evaluate for ${cmd.task} (${cmd.shot}-shot).`);
  const q = await ctx.queue();
  await ensureReachable(q, ctx.env);
  await refuseEvicting(q);
  const run = await openRun(
    s,
    {
      tasks,
      shot: cmd.shot,
      limit: cmd.limit,
      documents,
      releaseCommit: releaseCommitOf(tasks, ctx.env),
      runId: cmd.runId,
      startedBy: cmd.startedBy,
      labels: cmd.labels,
    },
    provider,
    'queued',
    plan.length,
  );
  // On this queue from now on (another deployment's run moves here); what is missing, under the run's re-queue lock.
  // Exactly what is missing or failed, whatever Redis holds; resumed, its jobs carry what the run was started with.
  await s.setPlanned(run.id, plan.length, cmd.maxCost ?? null, queuePrefix(ctx.env));
  const refs = plan.map((it) => ({ task: it.task.id, docId: it.doc.id }));
  const storeId = await s.id();
  const queued = await waitingRunLock(q, run.id, (signal) =>
    queueMissing(s, q, { ...run, planned: plan.length }, refs, {
      chunk: chunkSize(ctx.env),
      noCache: cmd.noCache ?? false,
      failed: true,
      assumesOf: (task) => assumptionsOf(run, storeId, task),
      signal,
    }),
  );
  return { run: { ...run, planned: plan.length, queue: queuePrefix(ctx.env) }, ...queued };
}

/**
 * The model's previous finished run's scores, by task, under the labels this run's scores are shown under
 * (`paper`): a change since then is never made by CCA's labels alone.
 */
async function previousUnder(ctx: ServiceContext, run: Run): Promise<Record<string, number>> {
  const before = await (await ctx.store()).previousScores(run.model, run.shot, run.created_at, run.doc_limit);
  const out: Record<string, number> = {};
  for (const [task, r] of before) {
    const stored = { score: r.score, metrics: JSON.parse(r.metrics) as Metrics };
    out[task] = r.label_version
      ? (await scoreUnder(ctx, { id: r.run_id, label_version: r.label_version }, task, stored)).score
      : r.score;
  }
  return out;
}

/** What reconciliation needs of the context. */
const backgroundDeps = (ctx: ServiceContext): BackgroundDeps => ({
  env: ctx.env,
  store: ctx.store,
  queue: ctx.queue,
  planOf: (run) => runPlan(run, documentsSource(ctx, findModel(run.model, ctx.env)), ctx.release()),
});

/**
 * Loads, before a worker takes its first job, what that job would load with the event loop held: the declared
 * tasks (the packs' task files, ~0.6 s of CPU with the shared packs), LangChain (a live model's client) and the
 * token counter's tables (the prompt-cut check of OpenAI-compatible servers), ~0.7 s. Loaded inside a job, on a
 * busy machine, they held the loop past the job's lock (8 s): Bull gave the job to another worker as stalled, and
 * paused this one 5 s when it could not complete it. What cannot be loaded here (a task file in error, a model
 * without its key) is left to the jobs, which say why.
 */
function warmUp(ctx: ServiceContext): void {
  let models: ModelConfig[] = [];
  try {
    allTasks();
  } catch {
    // a task file in error: the jobs of its task say so
  }
  try {
    models = loadModels(ctx.env);
  } catch {
    // a registry that cannot be read: the jobs say so
  }
  for (const model of models) {
    if (model.provider !== 'openai' && model.provider !== 'openai-compatible') continue;
    try {
      ctx.providerOf(model);
      if (model.provider === 'openai-compatible') promptTokens(model.model, '');
    } catch {
      // its jobs report it
    }
  }
}

/** The run's private tasks, when it has any (src/policy/data-policy.ts). */
function privateOf(run: Run): { privateTasks?: string[] } {
  const ids = (JSON.parse(run.tasks) as string[]).filter((t) => isPrivate(taskById(t)));
  return ids.length ? { privateTasks: ids } : {};
}

export function backgroundServices(ctx: ServiceContext) {
  return {
    /** Creates a run and queues its documents in jobs for the workers; answers at once. */
    enqueueEvaluation: (cmd: EvalCommand) => enqueue(ctx, cmd),

    /** Where a run stands: documents done and failed, time so far and left, scores once finished. */
    async status(id?: string, opts: { all?: boolean } = {}): Promise<RunProgress[]> {
      const s = await ctx.store();
      if (id) await settleOrphans(ctx); // (statusRuns does it for the rest)
      const runs = id ? [await requireRun(ctx, id)] : (await statusRuns(ctx, opts.all)).slice(0, opts.all ? 20 : 5);
      // Queued runs whose jobs were lost (Redis restarted empty) are queued again first.
      const queuedIds = runs
        .filter((r) => r.planned !== null && ['queued', 'running', 'aggregating'].includes(r.status))
        .map((r) => r.id);
      // Documents found with no job, by run: a likely cause when the queue shows none other.
      const lost = new Map<string, number>();
      // Redis asked once, briefly: without it, status shows what is stored and says the queue could not be seen
      // (the queue's own commands would wait out the client's retries, ~4 minutes, and show stale figures after).
      let unseenWhy: string | undefined;
      const reachable =
        queuedIds.length > 0 &&
        (await ctx
          .queue()
          .then((q) => ensureReachable(q, ctx.env))
          .then(
            () => true,
            (err: unknown) => ((unseenWhy = unseenWords(err)), false),
          ));
      if (reachable)
        await (async () => {
          for (const id of queuedIds) lost.set(id, await reconcileNow(backgroundDeps(ctx), undefined, [id]));
        })().catch(() => {});
      const view: QueueView | undefined = reachable
        ? await ctx
            .queue()
            .then(viewQueue)
            .catch(() => undefined)
        : undefined;
      const unseen =
        queuedIds.length > 0 && !reachable
          ? `its jobs cannot be seen: ${unseenWhy ?? 'Redis does not answer'}`
          : undefined;
      return Promise.all(
        runs.map(async (run): Promise<RunProgress> => {
          const { done, failed } = await s.progress(run.id);
          const stalled = await stalledSince(s, run, ctx.env);
          const lostNow = lost.get(run.id)
            ? `${lost.get(run.id)} documents had no job in Redis (restarted empty, evicting or wiped?) and were queued again`
            : undefined;
          const queued = queuedIds.includes(run.id);
          const cause =
            (view && queued ? await causeOf(view, run, s, backgroundDeps(ctx)) : undefined) ??
            lostNow ??
            (queued ? unseen : (run.stall_reason ?? undefined));
          const moving = (run.status === 'queued' || run.status === 'running') && !stalled && !cause;
          const elapsedMs =
            (run.status === 'finished' ? Date.parse(run.updated_at) : Date.now()) - Date.parse(run.created_at);
          const left = run.planned === null ? undefined : Math.max(0, run.planned - done - failed);
          const summary = await runSummary(ctx, run);
          const limit = run.max_cost_usd;
          const spentUsd = limit === null ? 0 : await queuedSpendUsd(s, run, pricesOf(run.model, ctx.env));
          return {
            run: summary.run, // its engine's base URL without credentials, as every face shows a stored run
            planned: run.planned,
            done,
            failed,
            elapsedMs,
            etaMs: moving ? await timeLeftMs(s, run, { settled: done + failed, left, elapsedMs }) : undefined,
            stalledSince: stalled,
            cause,
            scores: summary.scores,
            unloaded: summary.unloaded,
            usage: summary.usage,
            firstFailure: summary.failures[0]?.error ?? null,
            ...privateOf(run),
            previous: await previousUnder(ctx, run),
            ...(limit !== null && {
              budget: { maxCostUsd: limit, spentUsd, task: taskSpec(JSON.parse(run.tasks) as string[]) },
            }),
          };
        }),
      );
    },

    /** Stops a queued run: its waiting jobs are removed, running ones stop; finished documents stay. */
    async cancel(id: string): Promise<{ run: Run; removedJobs: number; heldJobs: number }> {
      const run = await requireRun(ctx, id);
      const s = await ctx.store();
      // The queue first: unavailable, nothing changes and a retry cancels (it was marked cancelled, then refused).
      const queued = run.planned !== null && ['queued', 'running'].includes(run.status);
      if (queued) await ensureReachable(await ctx.queue(), ctx.env);
      const cancelled =
        (await s.transition(run.id, 'queued', 'cancelled')) || (await s.transition(run.id, 'running', 'cancelled'));
      if (!cancelled) throw new UserError(`Run ${id} is ${run.status}: only queued or running runs can be cancelled.`);
      const jobs = queued ? await removeWaitingJobs(await ctx.queue(), run.id) : { removed: 0, held: 0 };
      return { run: { ...run, status: 'cancelled' }, removedJobs: jobs.removed, heldJobs: jobs.held };
    },

    /** Takes evaluation jobs until closed (`jcb worker`; any number, on any machine sharing Redis and the store). */
    async startWorker(concurrency = 2, log?: (m: string) => void): Promise<RunningWorker> {
      const q = await ctx.queue();
      // Without Redis a worker would wait in silence: it says so in one line and exits 1 instead.
      await ensureReachable(q, ctx.env, 5000);
      const { refuse, warnings } = await redisChecks(q);
      // A worker on an evicting Redis would take jobs that vanish under it: it does not start.
      if (refuse)
        throw new UserError(
          `This worker does not start: ${refuse}.`,
          'See README, "Redis and the store in production".',
        );
      for (const w of warnings) log?.(`warning: ${w}`);
      warmUp(ctx);
      ctx.onClose(startReconciler(backgroundDeps(ctx), log));
      return startWorker(
        {
          queue: q,
          store: ctx.store,
          providerFor: (alias) => ctx.providerOf(findModel(alias, ctx.env)),
          release: ctx.release,
          scoring: ctx.scoring,
          log,
          storeLocation: storeLocation(ctx.env),
          releaseCommit: (tasks) => releaseCommitOf(tasks, ctx.env),
          queuePrefix: queuePrefix(ctx.env),
        },
        concurrency,
      );
    },

    /**
     * Re-queues, on a timer, the documents of queued runs that have no job (the bot runs it too; the rounds open
     * the queue only for a queued run); says first, through `warn`, what is wrong with Redis (an evicting policy,
     * one that cannot be read, no persistence), or throws when Redis does not answer, reconciling once it does.
     */
    async startReconciler(log?: (m: string) => void, warn: (m: string) => void = log ?? (() => {})): Promise<void> {
      ctx.onClose(startReconciler(backgroundDeps(ctx), log));
      for (const w of await redisWarnings(ctx.env)) warn(w);
    },

    /** A run's status as stored (one cheap read), or undefined when there is no such run. */
    runState: async (id: string) => (await (await ctx.store()).getRun(id))?.status,

    /** Remembers where a run's progress is shown (e.g. a Slack message), until it ends. */
    watch: async (runId: string, target: string, messageId: string) =>
      (await ctx.store()).notify(runId, target, messageId),
    watched: async (prefix: string) => (await ctx.store()).openNotifications(prefix),
    unwatch: async (runId: string) => (await ctx.store()).closeNotification(runId),
    /**
     * Moves a watch to `to`, due at `at` (ms), its message id ending with `mark` when given: its new message id
     * for the one caller that moved it (Store.moveNotification).
     */
    moveWatch: async (
      runId: string,
      from: { target: string; messageId?: string },
      to: string,
      at: number,
      mark?: string,
    ) => (await ctx.store()).moveNotification(runId, from, to, at, mark),
  };
}
