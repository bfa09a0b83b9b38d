// Why a queued run is not moving, read from Redis where the workers left it: keys evicted, jobs failed
// (their error, not only inside Redis), jobs every worker declined (and why), or no worker at all.
import type Queue from 'bull';
import { UserError } from '../base/errors.js';
import { forPeople, operatorFix } from '../base/shown.js';
import { describeEngine } from './assumptions.js';
import type { ChunkJob, DeclineCause } from './eval-queue.js';
import { evictionProblem, redisHealth } from './redis-health.js';

/** What one look at the queue says, shared by every run shown at once. */
export interface QueueView {
  /** Why Redis may lose jobs (an evicting policy), if it may. */
  eviction?: string;
  /** Processes taking this queue's jobs; undefined where Redis refuses CLIENT LIST. */
  workers?: number;
  jobs: { state: 'waiting' | 'delayed' | 'active' | 'failed'; job: Queue.Job<ChunkJob> }[];
}

const STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/** Reads the queue once: Redis's policy, the workers connected, the jobs waiting, held or failed. */
export async function viewQueue(queue: Queue.Queue<ChunkJob>): Promise<QueueView> {
  const eviction = evictionProblem(await redisHealth(queue.client), operatorFix);
  const workers = await queue.getWorkers().then(
    (w) => (Array.isArray(w) ? w.length : undefined),
    () => undefined,
  );
  const jobs = (
    await Promise.all(
      STATES.map(async (state) => (await queue.getJobs([state])).filter(Boolean).map((job) => ({ state, job }))),
    )
  ).flat();
  return { eviction, workers, jobs };
}

/** The jobs of `runId` in the queue: failed ones, and the others (but a declined job's copy held by its decliner). */
function jobsOf(view: QueueView, runId: string) {
  const mine = view.jobs.filter((j) => j.job.data.runId === runId);
  // A job held by a worker that has just declined it (its copy waits, declined) is no progress.
  const docsOf = (d: ChunkJob) => `${d.task}\u0000${d.docIds.join('\u0000')}`;
  const declinedDocs = new Set(
    mine.filter((j) => j.state !== 'failed' && j.job.data.declined).map((j) => docsOf(j.job.data)),
  );
  const pending = mine.filter(
    (j) => j.state !== 'failed' && !(j.state === 'active' && declinedDocs.has(docsOf(j.job.data))),
  );
  return { mine, pending, active: pending.some((j) => j.state === 'active') };
}

/**
 * Whom a run waits for when workers declined its jobs, by the cause (DeclineCause) of the last decline: the
 * run's `task` and, for the run's settings, its model as the run recorded it (`engine`: `baseline`, `gpt-4o at …`).
 */
export const WAITING_FOR: Record<DeclineCause, (task: string, engine?: string) => string> = {
  'task not loaded': (task) => `a worker with the task file of ${task} loaded (JCB_TASKS)`,
  'task file': (task) => `a worker with the run's task file of ${task}`,
  'data file': (task) => `a worker with the run's data file of ${task}`,
  'generations file': (task) => `a worker with the run's generations file of ${task}`,
  release: () => "a worker reading the run's release",
  documents: () => "a worker whose release has the run's documents",
  run: (_task, engine) => (engine ? `a worker with ${engine} as configured` : 'a worker that matches the run'),
};

/**
 * When every job of run `runId` in the queue was declined by the workers that took it (none is computing it):
 * `waiting for <WAITING_FOR[cause]>: declined N times (last: <reason>)`; else undefined. A job declined before
 * causes were kept is read as the run's settings.
 */
export function allDeclined(view: QueueView, runId: string): string | undefined {
  const { pending, active } = jobsOf(view, runId);
  const declined = pending.map((j) => j.job.data).filter((d) => d.declined);
  if (active || declined.length === 0 || declined.length !== pending.length) return undefined;
  const times = declined.reduce((n, d) => n + d.declined!.count, 0);
  const engine = declined[0].assumes?.engine;
  const wanted = WAITING_FOR[declined[0].declined!.cause ?? 'run'](
    declined[0].task,
    engine ? describeEngine(engine) : undefined,
  );
  return `waiting for ${wanted}: declined ${times} times (last: ${declined[0].declined!.reason})`;
}

/**
 * Why run `runId` (queued or running, `missing` documents not yet stored) is not moving, or undefined
 * when nothing is wrong that the queue shows. `missing(job)` says whether a job still has documents to
 * store (a failed job whose documents were stored since by another is no cause); `unstored`, how many of its
 * planned documents have no row yet: with no job of the run in the queue, they have nothing to bring them.
 */
export function stallCause(
  view: QueueView,
  runId: string,
  missing: (job: ChunkJob) => boolean,
  unstored = 0,
): string | undefined {
  if (view.eviction) return view.eviction;
  const { mine, pending, active } = jobsOf(view, runId);
  const failed = mine.filter((j) => j.state === 'failed' && missing(j.job.data));
  if (failed.length && !active) {
    const first = failed[0].job;
    return `${failed.length} job${failed.length > 1 ? 's' : ''} failed after ${first.attemptsMade} attempts: ${forPeople(first.failedReason ?? 'no reason given', 'kept').slice(0, 200)}`;
  }
  const declined = allDeclined(view, runId);
  if (declined) return declined;
  const waiting = pending.map((j) => j.job.data).filter((d) => d.unreachable);
  if (!active && waiting.length && waiting.length === pending.length)
    return `waiting for the model's server: down (last: ${waiting[0].unreachable!.reason}); its jobs are tried again every few minutes`;
  if (unstored > 0 && pending.length === 0 && failed.length === 0)
    return `${unstored} documents have no job in Redis (restarted empty, evicting or wiped?): reconciliation queues them again`;
  if (!active && pending.length && view.workers === 0)
    return 'waiting for a worker: none is taking jobs from this queue';
  return undefined;
}

/**
 * Why `jcb status` could not see a queue, as its refusal (ensureReachable) says it: a wrong password, a missing
 * database, NOPERM, nothing answering; its detail (where, why) marked for the operator; no final stop.
 */
export function unseenWords(err: unknown): string {
  if (!(err instanceof UserError)) return 'Redis does not answer';
  const detail = err.terminal?.detail;
  return `${err.message.replace(/\.$/, '')}${detail ? operatorFix(` (${detail})`) : ''}`;
}
