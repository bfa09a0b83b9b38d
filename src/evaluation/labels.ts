// Scores under a label version, computed from what is stored: a generation file's outputs or a run's stored
// outputs, parsed again and scored against the version's gold. Nothing is copied; Table 4 stays the release's.
import type { Release } from '../release/release.js';
import { labelVersionOf, LABEL_VERSIONS, type LabelVersion } from '../release/views.js';
import type { RunDocument } from '../store/store.js';
import type { DocScore, Metrics, Parsed, ScoringContext, Task } from '../tasks/types.js';
import { UserError } from '../base/errors.js';

/** Whether the setting's gold has versions (CCA). */
export const hasLabels = (task: Pick<Task, 'labelVersions'>): boolean => Boolean(task.labelVersions?.length);

/**
 * `--labels` given on settings none of which has versions: one line naming the settings that have them (of
 * `all`, asked only then).
 * @throws UserError
 */
export function requireLabelled(
  tasks: readonly Task[],
  labels: LabelVersion | undefined,
  all: () => readonly Task[],
): void {
  if (labels === undefined || tasks.some(hasLabels)) return;
  const labelled = all()
    .filter(hasLabels)
    .map((t) => t.id);
  throw new UserError(
    `--labels ${labels}: ${tasks.map((t) => t.id).join(', ')} has one gold; only ${labelled.join(', ')} has versions (${LABEL_VERSIONS.join(' or ')}).`,
  );
}

/** The gold of each document under `labels`, by document id; undefined for a setting with one gold. */
export function goldsUnder(task: Task, release: Release, labels: LabelVersion): Map<string, unknown> | undefined {
  if (!hasLabels(task)) return undefined;
  return new Map(task.loadDocuments(release, labels).map((d) => [d.id, d.gold]));
}

/** The label version a run's scores of `task` were computed under (the column `label_version`). */
export function runLabels(
  run: { label_version: string | null },
  task: Pick<Task, 'labelVersions'>,
): LabelVersion | null {
  return hasLabels(task) ? (labelVersionOf(run.label_version) ?? null) : null;
}

export interface Rescored {
  documents: DocScore[];
  metrics: Metrics;
  score: number;
}

/**
 * A run's stored documents of `task` scored again against `golds` (in document order): each stored output read
 * by the task's parser as the engine read it (a live non-answer as an empty output). A document without a gold
 * under the version keeps the gold it was stored with.
 */
export async function rescoreStored(
  task: Task,
  rows: readonly RunDocument[],
  golds: ReadonlyMap<string, unknown>,
  scoring: ScoringContext,
): Promise<Rescored> {
  const done = rows.filter((r) => r.status === 'done').sort((a, b) => a.doc_index - b.doc_index);
  const items = done.map((r) => ({
    gold: golds.has(r.doc_id) ? golds.get(r.doc_id) : (JSON.parse(r.gold ?? 'null') as unknown),
    parsed: task.parse(r.incomplete ? '' : (r.output ?? '')) as Parsed<unknown>,
  }));
  const documents = await task.score(items, scoring);
  const metrics = task.aggregate(documents);
  return { documents, metrics, score: task.headline(metrics) };
}
