// What a run was started with that decides its scores besides its model's fingerprint (runs.engine): the
// hash of each declared task's file, and how its model's replies are split into thinking and answer.
// Stored with the run (runs.assumptions, schema step 034), so that every later re-queue (reconciliation,
// re-queue of failed documents, a resume) carries what the run was started with, not what the process
// doing it has now (issue 24).
import { z } from 'zod';
import { splitSettings, type SplitSettings } from '../models/answer.js';
import type { ModelConfig } from '../models/registry.js';
import type { Run } from '../store/store.js';
import type { Task } from '../tasks/types.js';

export interface RunAssumptions {
  /** Declared tasks' file hashes (TaskOrigin.hash) by task id; built-in tasks are not in it. */
  taskFiles: Record<string, string>;
  /**
   * Declared tasks' data hashes (TaskOrigin.dataHash) by task id; absent in runs recorded before it was (then
   * not checked).
   */
  dataFiles?: Record<string, string>;
  /** The model's split settings when the run was created (src/models/answer.ts). */
  split: SplitSettings;
}

const stored = z.object({
  taskFiles: z.record(z.string(), z.string()),
  dataFiles: z.record(z.string(), z.string()).optional(),
  split: z.object({
    thinkTags: z.array(z.object({ open: z.string(), close: z.string() })),
    promptCutRatio: z.number().optional(),
  }),
});

/** What a run of `tasks` on the model `config` assumes, as it is recorded at the run's creation. */
export function runAssumptions(tasks: readonly Pick<Task, 'id' | 'origin'>[], config: ModelConfig): RunAssumptions {
  const taskFiles: Record<string, string> = {};
  const dataFiles: Record<string, string> = {};
  for (const t of tasks) {
    if (t.origin?.hash) taskFiles[t.id] = t.origin.hash;
    if (t.origin?.dataHash) dataFiles[t.id] = t.origin.dataHash;
  }
  return { taskFiles, dataFiles, split: splitSettings(config) };
}

/**
 * What a stored run recorded, or undefined for a run stored before step 034 (or a record this version cannot
 * read): its jobs then carry this process's task files and no split settings, as before.
 */
export function recordedAssumptions(run: Pick<Run, 'assumptions'>): RunAssumptions | undefined {
  if (!run.assumptions) return undefined;
  try {
    const parsed = stored.safeParse(JSON.parse(run.assumptions));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What differs between what a run recorded and what this process would compute it with, as a noun phrase
 * (`task file of triage`, `thinking/answer split of local (thinkTags, promptCutRatio)`), or undefined when
 * nothing does (or the run recorded nothing). A process that computes a resumed run itself refuses on it (src/evaluation/plan.ts).
 */
export function assumptionsDiffer(
  run: Pick<Run, 'assumptions' | 'model'>,
  now: RunAssumptions,
  taskIds: readonly string[],
): string | undefined {
  const recorded = recordedAssumptions(run);
  if (!recorded) return undefined;
  const changed = taskIds.filter((id) => recorded.taskFiles[id] !== now.taskFiles[id]);
  if (changed.length) return `task file of ${changed.join(', ')}`;
  if (JSON.stringify(recorded.split) !== JSON.stringify(now.split))
    return `thinking/answer split of ${run.model} (thinkTags, promptCutRatio)`;
  return undefined;
}

/**
 * The tasks among `taskIds` whose data (TaskOrigin.dataHash) differs from what the run recorded; none for a run
 * that recorded no data hashes (stored before they were) or a task it recorded none for (a built-in task).
 */
export function dataChanged(run: Pick<Run, 'assumptions'>, now: RunAssumptions, taskIds: readonly string[]): string[] {
  const recorded = recordedAssumptions(run)?.dataFiles;
  if (!recorded) return [];
  return taskIds.filter((id) => recorded[id] !== undefined && recorded[id] !== now.dataFiles?.[id]);
}
