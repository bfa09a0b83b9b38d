// What the faces need of background evaluations beyond the queue itself: reconciliation on a timer
// (backing off from runs whose jobs keep vanishing), the checks of Redis, and whether a run has stalled.
import type Queue from 'bull';
import { UserError } from '../base/errors.js';
import { storeLocation, type Run, type Store } from '../store/store.js';
import { assumptionsOf } from './assumptions.js';
import {
  chunkSize,
  ensureReachable,
  removeWaitingJobs,
  openRedisCheck,
  queuedElsewhere,
  queuePrefix,
  redisPersists,
  type ChunkJob,
  type WithRedis,
} from './eval-queue.js';
import { otherPlan, reconcile, reconcileEvery, type DocRef } from './reconcile.js';
import { allDeclined, stallCause, viewQueue, type QueueView } from './stall-cause.js';
import { evictionProblem, redisHealth, unknownPolicyWarning } from './redis-health.js';
import { queueNumber } from './settings.js';

/** How often queued runs are checked for documents with no job (JCB_RECONCILE_MS, default 60 s). */
export const reconcileMs = (env: NodeJS.ProcessEnv) => queueNumber(env, 'JCB_RECONCILE_MS');

/** A run that stored nothing for this long (JCB_STALLED_MS, default 10 min) is shown as stalled. */
const stalledMs = (env: NodeJS.ProcessEnv) => queueNumber(env, 'JCB_STALLED_MS');

/** Rounds a run is left alone after its jobs were lost in `streak` rounds in a row: 0, 1, 3, 7 … at most 31. */
export const backoffRounds = (streak: number) => (streak < 2 ? 0 : 2 ** Math.min(streak - 1, 5) - 1);

export interface BackgroundDeps {
  env: NodeJS.ProcessEnv;
  store: () => Promise<Store>;
  queue: () => Promise<Queue.Queue<ChunkJob>>;
  planOf: (run: Run) => DocRef[];
}

/** One reconciliation round over the queued runs (or `runIds`); returns the documents re-queued. */
export async function reconcileNow(
  deps: BackgroundDeps,
  log?: (m: string) => void,
  runIds?: readonly string[],
): Promise<number> {
  const store = await deps.store();
  const storeId = await store.id();
  return reconcile(store, await deps.queue(), deps.planOf, {
    chunk: chunkSize(deps.env),
    minAgeMs: reconcileMs(deps.env),
    log,
    runIds,
    queueName: queuePrefix(deps.env),
    assumesOf: (run, task) => assumptionsOf(run, storeId, task),
  });
}

/**
 * Reconciles on a timer (workers, the bot); returns the function that stops it. A run whose jobs were
 * lost in two rounds in a row is something Redis keeps doing (evicting, wiped by someone): it is left
 * alone for a doubling number of rounds, and the likely cause is logged, rather than re-adding
 * thousands of jobs a minute into a Redis that drops them.
 */
export function startReconciler(deps: BackgroundDeps, log?: (m: string) => void): () => void {
  const streaks = new Map<string, { lost: number; skip: number }>();
  const round = async () => {
    const store = await deps.store();
    for (const run of await store.queuedRuns()) {
      const s = streaks.get(run.id) ?? { lost: 0, skip: 0 };
      if (s.skip > 0) {
        streaks.set(run.id, { ...s, skip: s.skip - 1 });
        continue;
      }
      if (await stopStalled(deps, store, run, log)) continue;
      const requeued = await reconcileNow(deps, log, [run.id]);
      const lost = requeued > 0 ? s.lost + 1 : 0;
      streaks.set(run.id, { lost, skip: backoffRounds(lost) });
      if (backoffRounds(lost) > 0) {
        const cause = evictionProblem(await redisHealth((await deps.queue()).client));
        log?.(
          `run ${run.id}: its jobs were lost ${lost} rounds in a row (${cause ?? 'Redis emptied or wiped by someone?'}); next check in ${backoffRounds(lost) + 1} rounds`,
        );
      }
    }
  };
  return reconcileEvery(reconcileMs(deps.env), round, log, storeLocation(deps.env));
}

/** A span of milliseconds as said in a line: `40 s`, `10 min`. */
const spanText = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/**
 * Stops `run` as `stalled` when it stored nothing for JCB_STALLED_MS and every job of it left in the queue was
 * declined by the workers that took it (none can compute it: a task file, model, data or release they lack): its
 * jobs are removed and the reason kept in one line (runs.stall_reason, shown by status), as waiting on would never
 * end. `jcb eval … --queue --run <id>` queues it again (clearing the reason) once a worker can, and its JCB_STALLED_MS
 * count from then: the run is read again here (`listed` may be older). Returns whether it did.
 */
export async function stopStalled(
  deps: Pick<BackgroundDeps, 'env' | 'queue'>,
  store: Store,
  listed: Run,
  log?: (m: string) => void,
): Promise<boolean> {
  // The run as stored now, not as the round listed it: re-queued since (`--queue --run`), its clock starts again.
  const run = await store.getRun(listed.id);
  if (!run || (run.status !== 'queued' && run.status !== 'running') || !(await stalledSince(store, run, deps.env)))
    return false;
  const queue = await deps.queue();
  const declined = allDeclined(await viewQueue(queue), run.id);
  if (!declined) return false;
  const reason = `no worker could take its jobs for ${spanText(stalledMs(deps.env))}, ${declined}; queue it again with --run once one can`;
  if (!(await store.transition(run.id, run.status, 'stalled', reason))) return false;
  const { removed } = await removeWaitingJobs(queue, run.id);
  log?.(`run ${run.id}: stopped as stalled (${removed} waiting jobs removed): ${reason}`);
  return true;
}

/**
 * What a worker or the bot says of Redis at start: `refuse` when it may evict keys (Bull needs
 * `noeviction`), `warnings` when the policy cannot be read or nothing is kept on disk.
 */
export async function redisChecks(queue: WithRedis): Promise<{ refuse?: string; warnings: string[] }> {
  const health = await redisHealth(queue.client);
  const warnings = [unknownPolicyWarning(health)].filter((w): w is string => Boolean(w));
  if ((await redisPersists(queue)) === false)
    warnings.push(
      'Redis keeps nothing on disk (no AOF, no snapshots): a restart loses the waiting jobs, which are re-queued only at the next reconciliation. Run Redis with --appendonly yes (see README).',
    );
  return { refuse: evictionProblem(health), warnings };
}

/** Nothing is queued into a Redis that may evict it (Bull needs maxmemory-policy noeviction). */
export async function refuseEvicting(q: WithRedis): Promise<void> {
  const { refuse } = await redisChecks(q);
  if (refuse)
    throw new UserError(`The evaluation queue cannot be used: ${refuse}.`, 'Ask whoever runs Redis (README).');
}

/**
 * What the bot says of Redis at start (redisChecks), read over a bare connection (openRedisCheck: Bull need not
 * load for it). @throws UserError when Redis does not answer (ensureReachable).
 */
export async function redisWarnings(env: NodeJS.ProcessEnv): Promise<string[]> {
  const redis = openRedisCheck(env);
  try {
    await ensureReachable(redis, env);
    const { refuse, warnings } = await redisChecks(redis);
    return refuse ? [`${refuse}; /jcb eval refuses to queue until it is.`, ...warnings] : warnings;
  } finally {
    redis.close();
  }
}

/** Why a queued run is not moving, from one view of the queue and the documents it has stored (or another's queue). */
export async function causeOf(
  view: QueueView,
  run: Run,
  store: Store,
  deps: Pick<BackgroundDeps, 'env' | 'planOf'>,
): Promise<string | undefined> {
  const stored = new Set((await store.documents(run.id)).map((r) => `${r.task}\u0000${r.doc_id}`));
  const missing = (job: ChunkJob) => job.docIds.some((id) => !stored.has(`${job.task}\u0000${id}`));
  // This process's plan of it not the run's (its release copy lacks documents): why reconciliation leaves it here.
  const planned = (() => {
    try {
      return otherPlan(run, deps.planOf(run));
    } catch {
      return undefined;
    }
  })();
  return (
    queuedElsewhere(run, deps.env) ?? planned ?? stallCause(view, run.id, missing, (run.planned ?? 0) - stored.size)
  );
}

/** When a queued or running run last stored anything, if that is longer ago than the stall limit. */
/** The stretch a run's pace is read from: an ETA from its whole time would count a queue's wait or an outage. */
export const PACE_WINDOW_MS = 10 * 60_000;

/**
 * Milliseconds left for `left` documents of a moving run, at its pace over the last PACE_WINDOW_MS (the time per
 * document between the first stored in it and now), or over its whole `elapsedMs` where fewer than two documents
 * were stored in it; undefined before any document is stored or when the plan is not known.
 */
export async function timeLeftMs(
  store: Store,
  run: Run,
  progress: { settled: number; left: number | undefined; elapsedMs: number },
): Promise<number | undefined> {
  if (progress.settled === 0 || progress.left === undefined) return undefined;
  const now = Date.now();
  const { n, first } = await store.pace(run.id, new Date(now - PACE_WINDOW_MS).toISOString());
  const perDocumentMs = n >= 2 && first ? (now - Date.parse(first)) / (n - 1) : progress.elapsedMs / progress.settled;
  return perDocumentMs * progress.left;
}

export async function stalledSince(store: Store, run: Run, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (run.status !== 'queued' && run.status !== 'running') return undefined;
  const last = await store.lastActivity(run);
  return Date.now() - Date.parse(last) > stalledMs(env) ? last : undefined;
}
