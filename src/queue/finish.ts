// Finishing a queued run once all its documents are stored: exactly one process does it.
import { findTask } from '../evaluation/documents.js';
import { finishRun } from '../evaluation/engine.js';
import type { Run, Store } from '../store/store.js';

/** Finishes a run whose documents are all stored; only the worker that wins the transition does. */
export async function finishIfComplete(store: Store, run: Run): Promise<boolean> {
  const { done, failed } = await store.progress(run.id);
  if (run.planned === null || done + failed < run.planned) return false;
  if (!(await store.transition(run.id, 'running', 'aggregating'))) return false;
  await finishRun(store, run, (JSON.parse(run.tasks) as string[]).map(findTask));
  return true;
}
