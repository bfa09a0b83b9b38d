// What a job assumes of the worker that takes it, carried in the job and checked before anything is
// computed: the store it belongs to, the run's model as the run recorded it (provider, model, server,
// parameters, and how its replies are split into thinking and answer), what decides a score (jcb's scoring
// version, the run's CCA label version, a declared task's file), and the run's document set. A worker that
// differs leaves the job for one that does not. Every job of a run carries what the run recorded at its
// creation (src/evaluation/run-assumptions.ts), whoever queues it and whenever.
import { redactCredentials } from '../base/shown.js';
import { findTask } from '../evaluation/documents.js';
import { providerEngine } from '../evaluation/plan.js';
import { recordedAssumptions } from '../evaluation/run-assumptions.js';
import { splitSettings, type SplitSettings } from '../models/answer.js';
import type { ModelProvider } from '../models/provider.js';
import type { Run } from '../store/store.js';
import type { Task } from '../tasks/types.js';
import { DOCUMENT_SETS } from '../tasks/documents.js';

/**
 * jcb's scoring version: raised with every change that alters a stored score (a prompt, a parser, a
 * metric, the documents a shot covers), so that workers of two versions never fill one run.
 */
// 2: issue 22, CCA's documents read under a label version (default `paper`, data_old.csv; before: data.csv).
export const SCORING_VERSION = '2';

export interface JobAssumptions {
  /** A declared task's job: its task file's hash (TaskOrigin.hash); built-in tasks are SCORING_VERSION's. */
  taskFile?: string;
  /**
   * A declared task's job: its data hash (TaskOrigin.dataHash) as the run recorded it; absent for runs recorded
   * before it was (not checked then).
   */
  dataFile?: string;
  /**
   * A declared task's job of a replayed model: the hash of the generations file it replays as the run recorded
   * it (RunAssumptions.generations); absent for runs recorded before it was (not checked then).
   */
  generations?: string;
  /** The id of the store the run lives in (Store.id). */
  storeId: string;
  /** The run's provider fingerprint as recorded at its creation (runs.engine, without the Node version). */
  engine: Record<string, unknown>;
  /** SCORING_VERSION of the process that queued the job. */
  scoring: string;
  /**
   * The CCA label version the run is scored on and offers the options of (runs.label_version; null without CCA).
   * Absent in jobs queued before issue 22.
   */
  labels?: string | null;
  /**
   * The run's document set (src/tasks/documents.ts; null: a run stored before document sets); absent from
   * jobs queued before issue 22. A worker that does not know the set declines the job.
   */
  documents?: string | null;
  /**
   * How the model's replies are split into thinking and answer (think tags, prompt-cut ratio), as the run
   * recorded them; absent for runs stored before they were (schema step 034): not checked then.
   */
  split?: SplitSettings;
}

/** What the run recorded of its provider: runs.engine without the Node version (which decides nothing). */
export function recordedEngine(run: Pick<Run, 'engine'>): Record<string, unknown> {
  const { node: _node, ...engine } = JSON.parse(run.engine) as Record<string, unknown>;
  return engine;
}

/**
 * The assumptions of a run's jobs of `taskId`, queued into the queue of the store `storeId`: what the run
 * recorded (its engine, labels, documents, split settings, the task file's hash), never this process's
 * configuration. A run stored before step 034 recorded no task file: this process's is taken, as before.
 * Errors: a declared task this process does not know, for such a run (UserError).
 */
export function assumptionsOf(
  run: Pick<Run, 'engine' | 'label_version' | 'document_set' | 'assumptions'>,
  storeId: string,
  taskId: string,
): JobAssumptions {
  const recorded = recordedAssumptions(run);
  const taskFile = recorded ? recorded.taskFiles[taskId] : findTask(taskId).origin?.hash;
  const dataFile = recorded?.dataFiles?.[taskId];
  const generations = recorded?.generations?.[taskId];
  return {
    storeId,
    engine: recordedEngine(run),
    scoring: SCORING_VERSION,
    labels: run.label_version,
    documents: run.document_set ?? null,
    ...(recorded && { split: recorded.split }),
    ...(taskFile && { taskFile }),
    ...(dataFile && { dataFile }),
    ...(generations && { generations }),
  };
}

/** JSON with sorted keys: two fingerprints are the same whatever the order of their fields. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/**
 * The model as an operator reads it (worker logs, `status --json`): `m at http://host/v1`, or the provider alone;
 * a base URL stored with credentials (runs of before the registry refused them) shows them masked.
 */
export function describeEngine(engine: Record<string, unknown>): string {
  const model = typeof engine.model === 'string' ? engine.model : String(engine.provider);
  return typeof engine.baseUrl === 'string' ? `${model} at ${redactCredentials(engine.baseUrl)}` : model;
}

/** What this worker is, for a job's check: each part may throw a UserError (its message is the reason). */
export interface WorkerSide {
  storeId: string;
  provider: () => ModelProvider;
}

/**
 * Why this worker cannot take a job of `alias`, or undefined when it can: another store, another
 * scoring version, a model it does not know or cannot call (no key), or the same alias configured
 * otherwise than the run recorded (its fingerprint, or how its replies are split: `thinkTags`,
 * `promptCutRatio`). Jobs queued before jobs carried assumptions are checked against the run alone.
 */
export function mismatch(
  assumes: JobAssumptions | undefined,
  run: Pick<Run, 'engine' | 'model' | 'label_version' | 'document_set'>,
  worker: WorkerSide,
): string | undefined {
  if (assumes && assumes.storeId !== worker.storeId) return 'this worker opens another store';
  if (assumes && assumes.scoring !== SCORING_VERSION)
    return `this worker scores with version ${SCORING_VERSION}, the run with ${assumes.scoring}`;
  // The documents (gold and options) a job is computed on follow the label version it was queued with.
  if (assumes?.labels !== undefined && (assumes.labels ?? null) !== (run.label_version ?? null))
    return `the job was queued on the ${assumes.labels ?? 'no'} labels, the run records ${run.label_version ?? 'none'}`;
  const set = assumes?.documents;
  if (typeof set === 'string' && !(DOCUMENT_SETS as readonly string[]).includes(set))
    return `this worker knows no document set "${set}" (it knows ${DOCUMENT_SETS.join(', ')})`;
  if (set !== undefined && set !== (run.document_set ?? null))
    return `the job was queued on documents ${set ?? 'of a run from before document sets'}, the run is on ${run.document_set ?? 'those of before'}`;
  let provider: ModelProvider;
  try {
    provider = worker.provider();
  } catch (err) {
    return (err as Error).message.replace(/\.$/, '');
  }
  // The split settings sit beside the engine's fields: a difference is named as one of the model's.
  const wanted: Record<string, unknown> = { ...(assumes?.engine ?? recordedEngine(run)), ...assumes?.split };
  const mine: Record<string, unknown> = {
    ...providerEngine(provider),
    ...(assumes?.split && splitSettings(provider.config)),
  };
  const differ = [...new Set([...Object.keys(mine), ...Object.keys(wanted)])].filter(
    (k) => canonical(mine[k]) !== canonical(wanted[k]),
  );
  if (differ.length === 0) return undefined;
  return `this worker's ${run.model} differs in ${differ.sort().join(', ')}: ${describeEngine(mine)}, the run's ${describeEngine(wanted)}`;
}

/**
 * Why this worker's `task` is not the task file the job was queued with (another text or prompts, other rows
 * in its data files, another generations file replayed: `generations()` is this worker's hash of it), or undefined.
 */
export function taskFileMismatch(
  assumes: JobAssumptions | undefined,
  task: Pick<Task, 'id' | 'origin'>,
  generations: () => string | undefined = () => undefined,
): string | undefined {
  return taskInputMismatch(assumes, task, generations)?.reason;
}

/** taskFileMismatch with the input that differs (a DeclineCause). */
export function taskInputMismatch(
  assumes: JobAssumptions | undefined,
  task: Pick<Task, 'id' | 'origin'>,
  generations: () => string | undefined = () => undefined,
): { input: 'task file' | 'data file' | 'generations file'; reason: string } | undefined {
  const differs = (input: 'task file' | 'data file' | 'generations file', mine: string | undefined, run: string) => ({
    input,
    reason: `this worker's ${input} of ${task.id} differs (${mine ?? 'none'}, the run's ${run})`,
  });
  if (assumes?.taskFile && task.origin?.hash !== assumes.taskFile)
    return differs('task file', task.origin?.hash, assumes.taskFile);
  if (assumes?.dataFile && task.origin?.dataHash !== assumes.dataFile)
    return differs('data file', task.origin?.dataHash, assumes.dataFile);
  const mine = assumes?.generations && generations();
  if (assumes?.generations && mine !== assumes.generations)
    return differs('generations file', mine, assumes.generations);
  return undefined;
}
