// Stored scores under a label version (issue 22): a run's score of a setting with versions (CCA) is its stored
// one when the run was scored on the version asked for, else its stored outputs scored again on that version's gold.
import { goldsUnder, hasLabels, rescoreStored, runLabels } from '../evaluation/labels.js';
import { allTasks } from '../../tasks/index.js';
import { DEFAULT_LABELS, type LabelVersion } from '../release/views.js';
import type { Run, Store } from '../store/store.js';
import type { DocScore, Metrics } from '../tasks/types.js';
import type { ServiceContext } from './context.js';

/** The per-document scores a run stored for a task, in document order. */
async function storedScores(store: Store, runId: string, task: string): Promise<DocScore[]> {
  return (await store.documents(runId, task))
    .filter((d) => d.status === 'done')
    .sort((a, b) => a.doc_index - b.doc_index)
    .map((d) => JSON.parse(d.scores!) as DocScore);
}

export interface LabelledScore {
  score: number;
  metrics: Metrics;
  /** Per-document numbers, in document order (for intervals and paired comparisons). */
  documents: DocScore[];
  /** The version the number is computed under; null for a setting with one gold. */
  labels: LabelVersion | null;
  /**
   * Re-scored under another version than the run's own (its prompts offered the other version's options, or
   * a replayed model's file embeds the other gold): shown with OTHER_LIST_MARK.
   */
  otherList: boolean;
}

/**
 * A stored run's score of `taskId` under `labels` (default `paper`). `stored`: the run's stored aggregate.
 * Runs without a recorded version (none before issue 22 keeps one: the migration recorded them) count as `reviewed`.
 */
export async function scoreUnder(
  ctx: ServiceContext,
  run: Pick<Run, 'id' | 'label_version'>,
  taskId: string,
  stored: { score: number; metrics: Metrics },
  labels: LabelVersion = DEFAULT_LABELS,
): Promise<LabelledScore> {
  // A task no longer declared (its task file gone) has one gold, as far as anyone can tell.
  const task = allTasks().find((t) => t.id === taskId);
  const store = await ctx.store();
  if (!task || !hasLabels(task)) {
    const documents = await storedScores(store, run.id, taskId);
    return { ...stored, documents, labels: null, otherList: false };
  }
  const own = runLabels(run, task) ?? 'reviewed';
  if (own === labels) return { ...stored, documents: await storedScores(store, run.id, taskId), labels, otherList: false };
  const golds = goldsUnder(task, ctx.release([task]), labels)!;
  const rescored = await rescoreStored(task, await store.documents(run.id, taskId), golds, ctx.scoring);
  return { ...rescored, labels, otherList: true };
}
