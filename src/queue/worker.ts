// A worker: takes evaluation jobs from the queue, stores each document as it finishes, and finishes a
// run (aggregates it, once) when its last document is stored. Stopped (SIGTERM), it finishes the
// documents in flight, hands the rest of its jobs back to the queue at once, and closes.
import { asStoreError, type StoreLocation } from '../store/errors.js';
import { RecentlyUsed } from '../base/recent.js';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type Queue from 'bull';
import { findTask } from '../evaluation/documents.js';
import { processItems, type EngineDeps } from '../evaluation/engine.js';
import { failureCause, misconfiguredCause } from '../evaluation/failure-cause.js';
import { forPeople } from '../base/shown.js';
import { labelsOfRun, planDocuments, setOfRun, type Item } from '../evaluation/plan.js';
import type { ModelProvider } from '../models/provider.js';
import type { Release } from '../release/release.js';
import type { Run, Store } from '../store/store.js';
import type { ScoringContext, Shot, Task } from '../tasks/types.js';
import { queuedSpendUsd } from '../evaluation/budget.js';
import { runAssumptions } from '../evaluation/run-assumptions.js';
import { mismatch, taskInputMismatch } from './assumptions.js';
import { removeWaitingJobs, type ChunkJob, type DeclineCause } from './eval-queue.js';
import { finishIfComplete } from './finish.js';

/**
 * Statuses in which a queued run takes no more documents: cancelled, stopped at its --max-cost, or stopped as no
 * worker could take it (stalled, src/queue/background.ts stopStalled).
 */
const STOPPED = new Set(['cancelled', 'interrupted', 'stalled']);

export interface WorkerDeps {
  queue: Queue.Queue<ChunkJob>;
  store: () => Promise<Store>;
  providerFor: (alias: string) => ModelProvider;
  release: (tasks?: readonly Task[]) => Release;
  scoring: ScoringContext;
  log?: (message: string) => void;
  /** Who this worker is in a declined job (host and process id). */
  name?: string;
  /** Where the store is: a job failing for want of it fails in the store's words (its reason in Redis, status). */
  storeLocation?: StoreLocation;
  /** The commit of the release this worker reads for `tasks` (null: task files alone), as runs record it. */
  releaseCommit?: (tasks: readonly Task[]) => string | null;
  /** The queue prefix (JCB_QUEUE_PREFIX) this worker takes jobs from: a run recorded on another is not its own. */
  queuePrefix?: string;
}

/**
 * A run's plan of a task, by document id, made once a process and kept for the last few runs: planning reads
 * the task's whole document set (thousands of rows, a seeded sample), where a job covers a few documents.
 * Keyed by the task file's hash too: an edited task file is planned again.
 */
const plans = new WeakMap<WorkerDeps, RecentlyUsed<string, Map<string, Item>>>();
const PLANS_KEPT = 8;

function planOf(run: Run, task: Task, deps: WorkerDeps): Map<string, Item> {
  const kept = plans.get(deps) ?? new RecentlyUsed<string, Map<string, Item>>(PLANS_KEPT);
  plans.set(deps, kept);
  const key = `${run.id}\u0000${task.id}\u0000${task.origin?.hash ?? ''}`;
  return kept.get(key, () => {
    const items = planDocuments(
      { tasks: [task], shot: run.shot as Shot, documents: setOfRun(run), labels: labelsOfRun(run) },
      deps.providerFor(run.model),
      deps.release([task]),
    );
    return new Map(items.map((it) => [it.doc.id, it]));
  });
}

/** Whether a document of a task's plan (all its documents) is in the run's: its first `doc_limit`, when it has one. */
const inPlan = (run: Pick<Run, 'doc_limit'>, item: Pick<Item, 'index'>) =>
  run.doc_limit === null || item.index < run.doc_limit;

/** The reasons this process has logged for declining a run's jobs: each is logged once. */
const declinedLogged = new WeakMap<WorkerDeps, Set<string>>();

/**
 * How long a declined job waits before any worker may take it again: half a second more each time, at
 * most 5 s (with no worker that matches, each job costs a few Redis calls every 5 s, no more).
 */
const declineDelayMs = (count: number) => Math.min(5_000, 500 * count);

/**
 * How long a job whose model's server could not be reached waits before it is tried again: 15 s, doubling, at
 * most 5 min (a server down for a night costs each job a few documents' retries every 5 minutes).
 */
const unreachableDelayMs = (count: number) => Math.min(300_000, 15_000 * 2 ** (count - 1));

/**
 * A worker that declined a job keeps that slot busy until the job is back in the queue and a while
 * after: the job comes back while the decliner is not looking, so a free worker that matches takes it.
 */
const declineHoldMs = (count: number) => declineDelayMs(count) + 500;

/**
 * Why this worker cannot compute `job` of `run`, or undefined: the job's assumptions (store, model as
 * the run recorded it, scoring version), then the task (a declared one: its file), the release (the commit
 * the run recorded: another one's gold scores otherwise) and the job's documents in it.
 */
async function whyNot(
  job: ChunkJob,
  run: Run,
  deps: WorkerDeps,
  store: Store,
): Promise<{ reason: string; cause: DeclineCause } | undefined> {
  const reason = mismatch(job.assumes, run, { storeId: await store.id(), provider: () => deps.providerFor(run.model) });
  if (reason) return { reason, cause: 'run' };
  let task: Task;
  try {
    task = findTask(job.task);
  } catch (err) {
    return { reason: (err as Error).message.replace(/\.$/, ''), cause: 'task not loaded' };
  }
  try {
    const replays = () =>
      runAssumptions([task], deps.providerFor(run.model).config, run.shot as Shot).generations?.[task.id];
    const other = taskInputMismatch(job.assumes, task, replays);
    if (other) return { reason: other.reason, cause: other.input };
    const release = deps.releaseCommit?.([task]);
    if (run.release_commit && release && release !== run.release_commit)
      return {
        reason: `this worker reads release ${release.slice(0, 7)}, the run release ${run.release_commit.slice(0, 7)}`,
        cause: 'release',
      };
    const plan = planOf(run, task, deps);
    const missing = job.docIds.filter((id) => !plan.has(id)).length;
    return missing
      ? {
          reason: `this worker's release lacks ${missing} of the job's ${job.docIds.length} documents`,
          cause: 'documents',
        }
      : undefined;
  } catch (err) {
    return { reason: (err as Error).message.replace(/\.$/, ''), cause: 'documents' };
  }
}

/**
 * Leaves a job this worker cannot compute to another: the same documents queued again, delayed, with
 * the reason and the count of declines (which `jcb status` shows); the reason is logged once. Returns
 * the count.
 */
async function decline(
  job: ChunkJob,
  { reason, cause }: { reason: string; cause: DeclineCause },
  deps: WorkerDeps,
): Promise<number> {
  const count = (job.declined?.count ?? 0) + 1;
  await deps.queue.add(
    'chunk',
    { ...job, declined: { reason, cause, count, by: deps.name ?? 'a worker' } },
    { jobId: `${job.runId}:${job.task}:declined-${randomBytes(3).toString('hex')}`, delay: declineDelayMs(count) },
  );
  const logged = declinedLogged.get(deps) ?? new Set<string>();
  declinedLogged.set(deps, logged);
  if (!logged.has(`${job.runId}\u0000${reason}`)) {
    logged.add(`${job.runId}\u0000${reason}`);
    deps.log?.(`run ${job.runId}: not taken here (${reason}); left for a worker that matches`);
  }
  return count;
}

/** How a worker being stopped tells its jobs: take no more documents; abort those in flight. */
export interface Stopping {
  requested: () => boolean;
  signal?: AbortSignal;
}

export async function processJob(
  job: ChunkJob,
  deps: WorkerDeps,
  stopping: Stopping = { requested: () => false },
): Promise<{ computed: number; finished: boolean; handedBack: number; declined?: string }> {
  const store = await deps.store();
  const run = await store.getRun(job.runId);
  if (!run) deps.log?.(`run ${job.runId}: not in this store; its job is dropped`);
  if (!run || STOPPED.has(run.status) || run.status === 'finished')
    return { computed: 0, finished: false, handedBack: 0 };
  // A run moved to another deployment's queue (eval --queue --run there): the jobs it left here are not computed twice.
  if (run.queue && deps.queuePrefix && run.queue !== deps.queuePrefix) {
    deps.log?.(
      `run ${run.id}: moved to the queue of another deployment (prefix ${run.queue}); its job here is dropped`,
    );
    return { computed: 0, finished: false, handedBack: 0 };
  }
  const why = await whyNot(job, run, deps, store);
  if (why) {
    const count = await decline(job, why, deps);
    if (!stopping.requested()) await new Promise((r) => setTimeout(r, declineHoldMs(count)));
    return { computed: 0, finished: false, handedBack: 0, declined: why.reason };
  }
  if (run.status === 'queued') await store.transition(run.id, 'queued', 'running');
  const task = findTask(job.task);
  const provider = deps.providerFor(run.model);
  const plan = planOf(run, task, deps);
  // In plan order, as the job's documents were queued; never one outside the run's plan (its first `doc_limit` of
  // the task): a job made from another plan (a process that planned the run otherwise) would store more than planned.
  const asked = job.docIds.flatMap((id) => plan.get(id) ?? []);
  const items = asked.filter((it) => inPlan(run, it)).sort((a, b) => a.index - b.index);
  if (items.length < asked.length)
    deps.log?.(
      `run ${run.id}: ${task.id}, ${asked.length - items.length} of the job's documents are outside the run's plan (the first ${run.doc_limit} of each task); not computed`,
    );
  // --max-cost of a queued run: what its calls cost since it was set, read from the store by every worker.
  const prices = 'prices' in provider.config ? provider.config.prices : undefined;
  const limit = run.max_cost_usd;
  const overBudget = async () => limit !== null && (await queuedSpendUsd(store, run, prices)) >= limit;
  const engine: EngineDeps = {
    store,
    provider,
    release: deps.release([task]),
    scoring: deps.scoring,
    signal: stopping.signal,
    onNotice: (line) => deps.log?.(`run ${run.id}: ${line}`),
  };
  const processed = await processItems(
    run,
    items,
    {
      shot: run.shot as Shot,
      noCache: job.noCache,
      stopIf: async () =>
        stopping.requested() || STOPPED.has((await store.getRun(run.id))?.status ?? '') || (await overBudget()),
    },
    engine,
  );
  let current = (await store.getRun(run.id))!;
  if (processed.interrupted && current.status === 'running' && (await overBudget())) {
    // The first worker to see the limit reached stops the run: its waiting jobs go, as on cancel.
    if (await store.transition(run.id, 'running', 'interrupted')) {
      const { removed } = await removeWaitingJobs(deps.queue, run.id);
      deps.log?.(`run ${run.id}: --max-cost $${limit} reached, stopped (${removed} waiting jobs removed)`);
    }
    current = (await store.getRun(run.id))!;
  }
  if (processed.misconfigured && current.status === 'running') {
    // Set up wrong (a key refused, no such model, no quota): every job would fail so. The first worker to see it
    // stops the run, its waiting jobs go, the reason is kept for `jcb status`; resumed once fixed.
    const reason = misconfiguredCause(processed.misconfigured, 'kept');
    if (await store.transition(run.id, 'running', 'interrupted', reason)) {
      const { removed } = await removeWaitingJobs(deps.queue, run.id);
      deps.log?.(
        `run ${run.id}: ${run.model} ${forPeople(reason, 'terminal')}; stopped (${removed} waiting jobs removed)`,
      );
    }
    current = (await store.getRun(run.id))!;
  }
  const waitsForServer = Boolean(processed.unreachable && !stopping.requested() && current.status === 'running');
  if (waitsForServer && processed.unreachable) {
    // Its documents wait in the queue for the server (the ones that failed are asked again then), not stored failed.
    const count = (job.unreachable?.count ?? 0) + 1;
    const reason = failureCause(processed.unreachable.error, 'kept');
    await deps.queue.add(
      'chunk',
      { ...job, declined: undefined, unreachable: { reason, count } },
      { jobId: `${run.id}:${task.id}:unreachable-${randomBytes(3).toString('hex')}`, delay: unreachableDelayMs(count) },
    );
    deps.log?.(
      `run ${run.id}: ${task.id}, the server of ${run.model} failed ${processed.unreachable.documents} documents in a row (${forPeople(reason, 'terminal')}); its job is tried again in ${unreachableDelayMs(count) / 1000} s`,
    );
  }
  let handedBack = 0;
  if (processed.interrupted && stopping.requested() && !STOPPED.has(current.status)) {
    // The documents not stored go back to the queue now, for another worker (rather than waiting
    // for this job's lock to expire).
    const stored = new Set((await store.documents(run.id, task.id)).map((r) => r.doc_id));
    const rest = job.docIds.filter((id) => !stored.has(id));
    if (rest.length)
      await deps.queue.add(
        'chunk',
        { ...job, docIds: rest, declined: undefined },
        { jobId: `${run.id}:${task.id}:back-${randomBytes(3).toString('hex')}` },
      );
    handedBack = rest.length;
    deps.log?.(`run ${run.id}: ${task.id}, stopping: ${handedBack} documents handed back to the queue`);
  }
  // A job left waiting for the server (above) still holds documents to ask again: the run is not finished yet, even
  // where its every document is stored failed (a job as long as the in-a-row limit).
  const finished = !waitsForServer && current.status === 'running' && (await finishIfComplete(store, current));
  deps.log?.(`run ${run.id}: ${task.id}, ${processed.computed} of ${job.docIds.length} documents computed`);
  if (finished) deps.log?.(`run ${run.id} finished`);
  return { computed: processed.computed, finished, handedBack };
}

export interface RunningWorker {
  /**
   * Stops taking jobs, lets the documents in flight finish for up to `graceMs` (then aborts them),
   * hands the rest back to the queue, and closes the queue.
   */
  stop(graceMs: number): Promise<void>;
}

/** Starts taking jobs; resolves once connected (Bull's process() itself runs until the queue closes). */
export async function startWorker(deps: WorkerDeps, concurrency = 2): Promise<RunningWorker> {
  await deps.queue.isReady();
  let stopRequested = false;
  // One controller a job: providers add a listener a document to the signal, released with the job.
  const inFlight = new Set<AbortController>();
  const run = async (data: ChunkJob) => {
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    inFlight.add(abort);
    try {
      return await processJob(data, deps, { requested: () => stopRequested, signal: abort.signal });
    } catch (err) {
      // Its reason, kept in Redis and shown by `jcb status` and the reconciliation: "The store … is unavailable: …".
      throw (deps.storeLocation && asStoreError(err, deps.storeLocation)) ?? err;
    } finally {
      inFlight.delete(abort);
    }
  };
  deps.queue
    .process('chunk', concurrency, async (job) => run(job.data))
    .catch((err: Error) => deps.log?.(`stopped taking jobs: ${err.message}`));
  return {
    async stop(graceMs) {
      stopRequested = true;
      // Take no new job (without waiting for the active ones here).
      await deps.queue.pause(true, true).catch(() => {});
      // Most of the grace period for the documents in flight; the rest to store and hand back.
      const timer = setTimeout(
        () => inFlight.forEach((c) => c.abort(new Error('worker stopping'))),
        Math.max(0, graceMs * 0.7),
      );
      try {
        // A connection lost meanwhile ends the wait: a job still held is taken again once its lock expires.
        await deps.queue.whenCurrentJobsFinished().catch(() => {});
      } finally {
        clearTimeout(timer);
      }
      await deps.queue.close().catch(() => {});
    },
  };
}
