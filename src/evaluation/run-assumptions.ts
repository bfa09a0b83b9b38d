// What a run was started with that decides its scores besides its model's fingerprint (runs.engine): for each
// declared task the hash of its file (its scoring settings and prompts), of its rows (gold included) and, for a
// replayed model, of the generations file it replays; and how its model's replies are split into thinking and
// answer. The rest that decides a score is recorded in the run's own columns (model, shot, tasks, limit, labels,
// document set, release commit) or is jcb's code (SCORING_VERSION).
// Stored with the run (runs.assumptions, schema step 034), so that every later re-queue (reconciliation,
// re-queue of failed documents, a resume) carries what the run was started with, not what the process
// doing it has now (issue 24).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { splitSettings, type SplitSettings } from '../models/answer.js';
import type { ModelConfig } from '../models/registry.js';
import type { Run } from '../store/store.js';
import type { Shot, Task } from '../tasks/types.js';

export interface RunAssumptions {
  /** Declared tasks' file hashes (TaskOrigin.hash) by task id; built-in tasks are not in it. */
  taskFiles: Record<string, string>;
  /**
   * Declared tasks' data hashes (TaskOrigin.dataHash) by task id; absent in runs recorded before it was (then
   * not checked).
   */
  dataFiles?: Record<string, string>;
  /**
   * A replayed model's run: the hash of each declared task's generations file it replays (12 hex digits, `none`
   * when there is none); absent in runs recorded before it was (then not checked).
   */
  generations?: Record<string, string>;
  /** The model's split settings when the run was created (src/models/answer.ts). */
  split: SplitSettings;
}

const stored = z.object({
  taskFiles: z.record(z.string(), z.string()),
  dataFiles: z.record(z.string(), z.string()).optional(),
  generations: z.record(z.string(), z.string()).optional(),
  split: z.object({
    thinkTags: z.array(z.object({ open: z.string(), close: z.string() })),
    promptCutRatio: z.number().optional(),
  }),
});

/** SHA-256 of a file's bytes, 12 hex digits; `none` when there is no file. */
const fileHash = (file: string | undefined) =>
  file && existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12) : 'none';

type TaskInputs = Pick<Task, 'id' | 'origin' | 'generationFile'>;

/**
 * What a run of `tasks` on the model `config` at `shot` assumes, as it is recorded at the run's creation (and
 * computed again to compare at a resume). Reads a replayed model's generations files of declared tasks.
 */
export function runAssumptions(tasks: readonly TaskInputs[], config: ModelConfig, shot: Shot): RunAssumptions {
  const taskFiles: Record<string, string> = {};
  const dataFiles: Record<string, string> = {};
  const generations: Record<string, string> = {};
  for (const t of tasks) {
    if (t.origin?.hash) taskFiles[t.id] = t.origin.hash;
    if (t.origin?.dataHash) dataFiles[t.id] = t.origin.dataHash;
    if (t.origin && config.provider === 'replay')
      generations[t.id] = fileHash(t.generationFile?.(config.release, shot));
  }
  return { taskFiles, dataFiles, ...(config.provider === 'replay' && { generations }), split: splitSettings(config) };
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
 * (`thinking/answer split of local (thinkTags, promptCutRatio)`), or undefined when nothing does (or the run
 * recorded nothing). A process that computes a resumed run itself refuses on it (src/evaluation/plan.ts); a
 * changed task file, data or generations is changedInput's.
 */
export function assumptionsDiffer(run: Pick<Run, 'assumptions' | 'model'>, now: RunAssumptions): string | undefined {
  const recorded = recordedAssumptions(run);
  if (recorded && JSON.stringify(recorded.split) !== JSON.stringify(now.split))
    return `thinking/answer split of ${run.model} (thinkTags, promptCutRatio)`;
  return undefined;
}

/** The inputs of a declared task a run records, each with the name a refusal gives it. */
export const TASK_INPUTS = [
  ['taskFiles', 'task file'],
  ['dataFiles', 'data file'],
  ['generations', 'generations file'],
] as const;

/**
 * The first of `taskIds`' inputs (TASK_INPUTS: task file, data, replayed generations) that differs from what the
 * run recorded, or undefined; an input the run recorded nothing for (stored before it was, a built-in task) is
 * not checked. Every resume, foreground or queued, is refused on it (src/evaluation/plan.ts).
 */
export function changedInput(
  run: Pick<Run, 'assumptions'>,
  now: RunAssumptions,
  taskIds: readonly string[],
): { task: string; input: (typeof TASK_INPUTS)[number][1] } | undefined {
  const recorded = recordedAssumptions(run);
  if (!recorded) return undefined;
  for (const task of taskIds)
    for (const [key, input] of TASK_INPUTS) {
      const was = recorded[key]?.[task];
      if (was !== undefined && was !== now[key]?.[task]) return { task, input };
    }
  return undefined;
}
