// What a job assumes of the worker that takes it, carried in the job and checked before anything is
// computed: the store it belongs to, the run's model as the run recorded it (provider, model, server,
// parameters), what decides a score, and the run's document set. A worker that differs leaves the job for one that does not.
import { providerEngine } from '../evaluation/plan.js';
import type { ModelProvider } from '../models/provider.js';
import type { Run } from '../store/store.js';
import { DOCUMENT_SETS } from '../tasks/documents.js';
import type { Task } from '../tasks/types.js';

/**
 * jcb's scoring version: raised with every change that alters a stored score (a prompt, a parser, a
 * metric, the documents a shot covers), so that workers of two versions never fill one run.
 */
export const SCORING_VERSION = '2';

export interface JobAssumptions {
  /** A declared task's job: its task file's hash (TaskOrigin.hash); built-in tasks are SCORING_VERSION's. */
  taskFile?: string;
  /** The id of the store the run lives in (Store.id). */
  storeId: string;
  /** The run's provider fingerprint as recorded at its creation (runs.engine, without the Node version). */
  engine: Record<string, unknown>;
  /** SCORING_VERSION of the process that queued the job. */
  scoring: string;
  /**
   * The run's document set (src/tasks/documents.ts; null: a run stored before document sets); absent from
   * jobs queued before issue 22. A worker that does not know the set declines the job.
   */
  documents?: string | null;
}

/** What the run recorded of its provider: runs.engine without the Node version (which decides nothing). */
export function recordedEngine(run: Pick<Run, 'engine'>): Record<string, unknown> {
  const { node: _node, ...engine } = JSON.parse(run.engine) as Record<string, unknown>;
  return engine;
}

/** The assumptions of a run's jobs, queued into the queue of the store `storeId`. */
export function assumptionsOf(run: Pick<Run, 'engine' | 'document_set'>, storeId: string): JobAssumptions {
  return { storeId, engine: recordedEngine(run), scoring: SCORING_VERSION, documents: run.document_set ?? null };
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

/** The model as a person reads it: `m at http://host/v1`, or the provider alone. */
export function describeEngine(engine: Record<string, unknown>): string {
  const model = typeof engine.model === 'string' ? engine.model : String(engine.provider);
  return typeof engine.baseUrl === 'string' ? `${model} at ${engine.baseUrl}` : model;
}

/** What this worker is, for a job's check: each part may throw a UserError (its message is the reason). */
export interface WorkerSide {
  storeId: string;
  provider: () => ModelProvider;
}

/**
 * Why this worker cannot take a job of `alias`, or undefined when it can: another store, another
 * scoring version, a model it does not know or cannot call (no key), or the same alias configured
 * otherwise than the run recorded. Jobs queued before jobs carried assumptions are checked against the
 * run alone.
 */
export function mismatch(
  assumes: JobAssumptions | undefined,
  run: Pick<Run, 'engine' | 'model' | 'document_set'>,
  worker: WorkerSide,
): string | undefined {
  if (assumes && assumes.storeId !== worker.storeId) return 'this worker opens another store';
  if (assumes && assumes.scoring !== SCORING_VERSION)
    return `this worker scores with version ${SCORING_VERSION}, the run with ${assumes.scoring}`;
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
  const wanted = assumes?.engine ?? recordedEngine(run);
  const mine = providerEngine(provider);
  const differ = [...new Set([...Object.keys(mine), ...Object.keys(wanted)])].filter(
    (k) => canonical(mine[k]) !== canonical(wanted[k]),
  );
  if (differ.length === 0) return undefined;
  return `this worker's ${run.model} differs in ${differ.sort().join(', ')}: ${describeEngine(mine)}, the run's ${describeEngine(wanted)}`;
}

/** `assumes` for a job of `task`: with its task file's hash when it is a declared task. */
export function withTaskFile(assumes: JobAssumptions, task: Pick<Task, 'origin'>): JobAssumptions {
  const hash = task.origin?.hash;
  return hash ? { ...assumes, taskFile: hash } : assumes;
}

/** Why this worker's `task` is not the task file the job was queued with (another text or prompts), or undefined. */
export function taskFileMismatch(
  assumes: JobAssumptions | undefined,
  task: Pick<Task, 'id' | 'origin'>,
): string | undefined {
  if (!assumes?.taskFile || task.origin?.hash === assumes.taskFile) return undefined;
  return `this worker's task file of ${task.id} differs (${task.origin?.hash ?? 'none'}, the run's ${assumes.taskFile})`;
}
