// What the faces need of background evaluations beyond the queue itself: reconciliation on a timer,
// the persistence warning, and whether a run has stalled.
import type Queue from 'bull';
import type { Run, Store } from '../store/store.js';
import { chunkSize, redisPersists, type ChunkJob } from './eval-queue.js';
import { reconcile, reconcileEvery, type DocRef } from './reconcile.js';

/** How often queued runs are checked for documents with no job (JCB_RECONCILE_MS, default 60 s). */
export const reconcileMs = (env: NodeJS.ProcessEnv) => Number(env.JCB_RECONCILE_MS) || 60_000;

/** A run that stored nothing for this long (JCB_STALLED_MS, default 10 min) is shown as stalled. */
const stalledMs = (env: NodeJS.ProcessEnv) => Number(env.JCB_STALLED_MS) || 600_000;

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
  return reconcile(await deps.store(), await deps.queue(), deps.planOf, {
    chunk: chunkSize(deps.env),
    minAgeMs: reconcileMs(deps.env),
    log,
    runIds,
  });
}

/** Reconciles on a timer (workers, the bot); returns the function that stops it. */
export function startReconciler(deps: BackgroundDeps, log?: (m: string) => void): () => void {
  return reconcileEvery(reconcileMs(deps.env), () => reconcileNow(deps, log), log);
}

/** A warning when Redis keeps nothing on disk: a restart loses the waiting jobs (reconciled, late). */
export async function persistenceWarning(queue: Queue.Queue<ChunkJob>): Promise<string | undefined> {
  if ((await redisPersists(queue)) !== false) return undefined;
  return 'Redis keeps nothing on disk (no AOF, no snapshots): a restart loses the waiting jobs, which are re-queued only at the next reconciliation. Run Redis with --appendonly yes (see README).';
}

/** When a queued or running run last stored anything, if that is longer ago than the stall limit. */
export async function stalledSince(store: Store, run: Run, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (run.status !== 'queued' && run.status !== 'running') return undefined;
  const last = await store.lastActivity(run);
  return Date.now() - Date.parse(last) > stalledMs(env) ? last : undefined;
}
