// Which documents of a queued run have no job, and queueing exactly those: used when a run is
// (re-)queued by a user, and on a timer by workers and the bot, so that jobs lost with Redis (no
// persistence, a wipe) are made again. Failed documents are re-queued only on request (`--run`):
// a provider refusing every request would otherwise loop.
import { randomBytes } from 'node:crypto';
import type Queue from 'bull';
import { findTask } from '../evaluation/documents.js';
import { labelsOfRun, planDocuments, setOfRun } from '../evaluation/plan.js';
import type { ModelProvider } from '../models/provider.js';
import type { Release } from '../release/release.js';
import type { Shot } from '../tasks/types.js';
import type { Run, Store } from '../store/store.js';
import type { JobAssumptions } from './assumptions.js';
import type { ChunkJob } from './eval-queue.js';
import { finishIfComplete } from './finish.js';
import { RUN_LOCK_MS, RunLockLost, withRunLock } from './run-lock.js';
import { repeatedLines } from '../base/repeats.js';
import { operatorFix, operatorFixFor } from '../base/shown.js';
import { storeLogLine, type StoreLocation } from '../store/errors.js';

/** A document of a run's plan. */
export interface DocRef {
  task: string;
  docId: string;
}

const keyOf = (task: string, docId: string) => `${task}\u0000${docId}`;

/** The documents of a run in jobs waiting, delayed, paused or being worked on. */
async function pendingDocuments(queue: Queue.Queue<ChunkJob>, runId: string): Promise<Set<string>> {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'paused']);
  const keys = new Set<string>();
  for (const job of jobs)
    if (job?.data.runId === runId) for (const id of job.data.docIds) keys.add(keyOf(job.data.task, id));
  return keys;
}

/** What the jobs of a run's task assume of their workers (assumptionsOf, src/queue/assumptions.ts). */
export type AssumesOf = (task: string) => JobAssumptions;

/** Adds jobs of at most `chunk` documents each (per task, in plan order); returns how many. */
export async function addJobs(
  queue: Queue.Queue<ChunkJob>,
  runId: string,
  docs: readonly DocRef[],
  opts: { chunk: number; noCache: boolean; assumesOf?: AssumesOf },
): Promise<number> {
  const jobs: ChunkJob[] = [];
  for (const task of [...new Set(docs.map((d) => d.task))]) {
    const ids = docs.filter((d) => d.task === task).map((d) => d.docId);
    const assumes = opts.assumesOf?.(task);
    for (let i = 0; i < ids.length; i += opts.chunk)
      jobs.push({ runId, task, docIds: ids.slice(i, i + opts.chunk), noCache: opts.noCache, assumes });
  }
  // Fresh ids: Bull ignores a job whose id it still holds (completed jobs are kept), so re-using
  // ids would silently queue nothing.
  const batch = randomBytes(3).toString('hex');
  await Promise.all(jobs.map((job, i) => queue.add('chunk', job, { jobId: `${runId}:${job.task}:${batch}:${i}` })));
  return jobs.length;
}

/**
 * Queues the documents of `plan` that are stored nowhere and in no job (and, with `failed`, those
 * stored as failed, whose rows are cleared so that the run finishes only when they are redone). A
 * run with nothing left to do and nothing in the queue is finished here.
 * Reads the queue before the store: a job that completes in between has stored its documents.
 */
export async function queueMissing(
  store: Store,
  queue: Queue.Queue<ChunkJob>,
  run: Run,
  plan: readonly DocRef[],
  opts: {
    chunk: number;
    noCache: boolean;
    failed: boolean;
    log?: (message: string) => void;
    assumesOf?: AssumesOf;
    /** The run's re-queue lock (withRunLock): aborted when lost, nothing more is queued or finished. */
    signal?: AbortSignal;
  },
): Promise<{ documents: number; jobs: number; wanted: DocRef[] }> {
  const pending = await pendingDocuments(queue, run.id);
  const stored = new Map((await store.documents(run.id)).map((r) => [keyOf(r.task, r.doc_id), r.status]));
  const wanted = plan.filter((d) => {
    const key = keyOf(d.task, d.docId);
    const status = stored.get(key);
    return !pending.has(key) && (status === undefined || (opts.failed && status === 'failed'));
  });
  const failed = wanted.filter((d) => stored.get(keyOf(d.task, d.docId)) === 'failed');
  opts.signal?.throwIfAborted();
  if (failed.length) await store.forgetFailed(run.id, failed);
  opts.signal?.throwIfAborted();
  const jobs = await addJobs(queue, run.id, wanted, opts);
  if (jobs === 0 && pending.size === 0) {
    if (run.status === 'queued') await store.transition(run.id, 'queued', 'running');
    // Finished only with every planned document stored (run.planned as recorded, never this process's plan).
    await finishIfComplete(store, { ...run, status: 'running' });
  }
  return { documents: wanted.length, jobs, wanted };
}

/**
 * Of `requeued`, the documents whose jobs had failed (Bull's failed set, after their attempts) rather than vanished,
 * with the last reason; those failed jobs are removed, their documents being queued again.
 */
async function failedBefore(
  queue: Queue.Queue<ChunkJob>,
  runId: string,
  requeued: readonly DocRef[],
): Promise<{ documents: number; reason?: string }> {
  const wanted = new Set(requeued.map((d) => keyOf(d.task, d.docId)));
  const jobs = (await queue.getFailed()).filter((j) => j?.data.runId === runId);
  let documents = 0;
  let reason: string | undefined;
  for (const job of jobs) {
    const keys = job.data.docIds.map((id) => keyOf(job.data.task, id));
    const mine = keys.filter((k) => wanted.delete(k)).length;
    if (mine === 0) continue;
    documents += mine;
    reason ??= job.failedReason;
    if (mine === keys.length) await job.remove().catch(() => {});
  }
  return { documents, reason };
}

/**
 * Why a run is left alone by a process whose plan of it (`plan`) is not the one it was queued with, or undefined.
 * More documents: this process plans it otherwise (a task file or release that grew), its jobs would store documents
 * outside the run's plan. Fewer: its release copy lacks some (another release, a shorter file), and re-queued or
 * finished from here the run would end without them. Either way it is left for a process that plans it as queued.
 */
export function otherPlan(run: Pick<Run, 'planned' | 'tasks'>, plan: readonly DocRef[]): string | undefined {
  if (run.planned === null || plan.length === run.planned) return undefined;
  return plan.length > run.planned
    ? `planned here it has ${plan.length} documents, it was queued with ${run.planned}; not re-queued from here`
    : `this process's release copy has ${plan.length} of the run's ${run.planned} documents of ${(JSON.parse(run.tasks) as string[]).join(',')}; left for a process that has them all${operatorFix(" (point JCB_DATA_DIR at the same release as the run's)")}`;
}

/** What each log (a reconciler's) has been told of runs planned here otherwise than they were queued: each once. */
const otherPlans = new WeakMap<(message: string) => void, Set<string>>();

/**
 * Re-queues the missing documents of every queued run (not cancelled, not foreground) that has been
 * unchanged for `minAgeMs`, and finishes those with nothing left (also those left `aggregating` by a
 * process that stopped); logs each. A run whose
 * plan cannot be made here (a model this process does not know) is left to others.
 */
export async function reconcile(
  store: Store,
  queue: Queue.Queue<ChunkJob>,
  planOf: (run: Run) => DocRef[],
  opts: {
    chunk: number;
    minAgeMs: number;
    log?: (message: string) => void;
    runIds?: readonly string[];
    /** This deployment's queue (JCB_QUEUE_PREFIX): a run recorded on another is left to that deployment. */
    queueName?: string;
    /** What the run's jobs of a task assume of their workers (see assumptions.ts): the run's record. */
    assumesOf?: (run: Run, task: string) => JobAssumptions;
    /** How long a run's re-queue lock outlives a holder that stops (RUN_LOCK_MS; shorter in tests). */
    lockMs?: number;
  },
): Promise<number> {
  let requeued = 0;
  for (let run of await store.queuedRuns(opts.runIds)) {
    // Another deployment's run (another JCB_QUEUE_PREFIX on this store): its jobs are not visible here. Runs that
    // recorded none (stored before step 038) are re-queued by whoever sees them.
    if (run.queue && opts.queueName !== undefined && run.queue !== opts.queueName) continue;
    // A run just (re-)queued may not have its jobs in Redis yet.
    if (Date.now() - Date.parse(run.updated_at) < opts.minAgeMs) continue;
    // A process that stopped while aggregating (a crash, the store away) leaves the run there: hand it
    // back to `running`, and whoever wins `running → aggregating` again finishes it.
    if (run.status === 'aggregating') {
      if (!(await store.transition(run.id, 'aggregating', 'running'))) continue;
      opts.log?.(`run ${run.id}: left while aggregating; finishing it again`);
      run = { ...run, status: 'running' };
    }
    let plan: DocRef[];
    try {
      plan = planOf(run);
    } catch {
      continue;
    }
    // Planned here otherwise than it was queued: left to a process that plans it as queued; said once to each log.
    const other = otherPlan(run, plan);
    if (other) {
      const line = `run ${run.id}: ${operatorFixFor(other, 'terminal')}`;
      const { log } = opts;
      const told = log && (otherPlans.get(log) ?? new Set<string>());
      if (log && told && !told.has(line)) {
        log(line);
        otherPlans.set(log, told.add(line));
      }
      continue;
    }
    // Another process re-queueing this run now (its reconciler, `jcb status`): left to it this round. Read and queued
    // under the lock, a second reconciler sees the first one's jobs.
    const current = run;
    const done = await withRunLock(queue, run.id, opts.lockMs ?? RUN_LOCK_MS, async (signal) => {
      const missing = await queueMissing(store, queue, current, plan, {
        chunk: opts.chunk,
        noCache: false,
        failed: false,
        log: opts.log,
        assumesOf: opts.assumesOf && ((task) => opts.assumesOf!(current, task)),
        signal,
      });
      // Jobs that failed (the store away longer than their attempts) are said so, with their reason; the others vanished.
      const failed =
        missing.documents > 0
          ? await failedBefore(queue, current.id, missing.wanted).catch(() => ({ documents: 0, reason: undefined }))
          : { documents: 0, reason: undefined };
      return { ...missing, failed };
    }).catch((err: unknown) => {
      // Its lock lost mid-round (Redis away longer than the lock): left to whoever holds it now, said once a round.
      if (!(err instanceof RunLockLost)) throw err;
      opts.log?.(`${err.message}; left to the process that holds it`);
      return undefined;
    });
    if (!done) continue;
    const { documents, jobs, failed } = done.value;
    if (documents > 0) {
      const lost = documents - failed.documents;
      const parts = [
        ...(failed.documents > 0
          ? [
              `${failed.documents} documents' jobs had failed (${(failed.reason ?? 'no reason kept').replace(/\.$/, '')})`,
            ]
          : []),
        ...(lost > 0 ? [`${lost} documents had no job (lost from Redis?)`] : []),
      ];
      opts.log?.(`run ${run.id}: ${parts.join('; ')}; re-queued in ${jobs} jobs`);
    }
    requeued += documents;
  }
  return requeued;
}

/** The documents a run covers, as the plan of its model and release gives them. */
export function runPlan(run: Run, provider: Pick<ModelProvider, 'documents'>, release: Release): DocRef[] {
  const tasks = (JSON.parse(run.tasks) as string[]).map(findTask);
  return planDocuments(
    {
      tasks,
      shot: run.shot as Shot,
      limit: run.doc_limit ?? undefined,
      documents: setOfRun(run),
      labels: labelsOfRun(run),
    },
    provider,
    release,
  ).map((it) => ({ task: it.task.id, docId: it.doc.id }));
}

/**
 * Reconciles now and then every `everyMs` (JCB_RECONCILE_MS, default 60 s) until stopped; a failed
 * round (Redis or the store away) is logged and tried again next time.
 */
export function reconcileEvery(
  everyMs: number,
  round: () => Promise<unknown>,
  log?: (message: string) => void,
  store?: StoreLocation,
): () => void {
  let busy = false;
  // The store away is said in the store's words, once a minute at most (and when it changes), and its return.
  const repeats = repeatedLines();
  let storeAway = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await round();
      if (storeAway) log?.('reconciliation: the store is back');
      storeAway = false;
      repeats.clear();
    } catch (err) {
      const away = store && storeLogLine(err, store);
      storeAway = Boolean(away);
      const line = away ? `reconciliation: ${away}; retrying` : `reconciliation failed: ${(err as Error).message}`;
      if (repeats.first(line)) log?.(line);
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
