// A worker: takes evaluation jobs from the queue, stores each document as it finishes, and finishes a
// run (aggregates it, once) when its last document is stored.
import type Queue from 'bull';
import { findTask } from '../evaluation/documents.js';
import { finishRun, processItems, type EngineDeps } from '../evaluation/engine.js';
import { planDocuments } from '../evaluation/plan.js';
import type { ModelProvider } from '../models/provider.js';
import type { Release } from '../release/release.js';
import type { Run, Store } from '../store/store.js';
import type { ScoringContext, Shot } from '../tasks/types.js';
import type { ChunkJob } from './eval-queue.js';

export interface WorkerDeps {
  queue: Queue.Queue<ChunkJob>;
  store: () => Promise<Store>;
  providerFor: (alias: string) => ModelProvider;
  release: () => Release;
  scoring: ScoringContext;
  log?: (message: string) => void;
}

/** Finishes a run whose documents are all stored; only the worker that wins the transition does. */
export async function finishIfComplete(store: Store, run: Run): Promise<boolean> {
  const { done, failed } = await store.progress(run.id);
  if (run.planned === null || done + failed < run.planned) return false;
  if (!(await store.transition(run.id, 'running', 'aggregating'))) return false;
  await finishRun(store, run, (JSON.parse(run.tasks) as string[]).map(findTask));
  return true;
}

export async function processJob(job: ChunkJob, deps: WorkerDeps): Promise<{ computed: number; finished: boolean }> {
  const store = await deps.store();
  const run = await store.getRun(job.runId);
  if (!run || run.status === 'cancelled' || run.status === 'finished') return { computed: 0, finished: false };
  if (run.status === 'queued') await store.transition(run.id, 'queued', 'running');
  const task = findTask(job.task);
  const provider = deps.providerFor(run.model);
  const wanted = new Set(job.docIds);
  const items = planDocuments({ tasks: [task], shot: run.shot as Shot }, provider, deps.release()).filter((it) =>
    wanted.has(it.doc.id),
  );
  const engine: EngineDeps = { store, provider, release: deps.release(), scoring: deps.scoring };
  const processed = await processItems(
    run,
    items,
    {
      shot: run.shot as Shot,
      noCache: job.noCache,
      stopIf: async () => (await store.getRun(run.id))?.status === 'cancelled',
    },
    engine,
  );
  const current = (await store.getRun(run.id))!;
  const finished = current.status === 'running' && (await finishIfComplete(store, current));
  deps.log?.(`run ${run.id}: ${task.id}, ${processed.computed} of ${job.docIds.length} documents computed`);
  if (finished) deps.log?.(`run ${run.id} finished`);
  return { computed: processed.computed, finished };
}

/** Starts taking jobs; resolves once connected (Bull's process() itself runs until the queue closes). */
export async function startWorker(deps: WorkerDeps, concurrency = 2): Promise<void> {
  await deps.queue.isReady();
  deps.queue
    .process('chunk', concurrency, async (job) => processJob(job.data, deps))
    .catch((err: Error) => deps.log?.(`stopped taking jobs: ${err.message}`));
}
