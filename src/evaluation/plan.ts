// A run's record and plan: the documents it covers, and the stored run it writes to (new, or resumed
// when the same run id names the same model, setting, limit and document set).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { UserError } from '../base/errors.js';
import { cutEcho, nearest } from '../base/suggest.js';
import type { ModelProvider } from '../models/provider.js';
import type { ModelConfig } from '../models/registry.js';
import type { Release } from '../release/release.js';
import type { Run, Store } from '../store/store.js';
import { NO_OWNER } from '../store/run-owners.js';
import type { Document, Shot, Task } from '../tasks/types.js';
import { documentsOf, type DocumentSet } from '../tasks/documents.js';
import { DEFAULT_LABELS, labelVersionOf, type LabelVersion } from '../release/views.js';
import { hasLabels } from './labels.js';
import { assumptionsDiffer, changedInput, runAssumptions, type RunAssumptions } from './run-assumptions.js';

export interface EvalRequest {
  tasks: readonly Task[];
  shot: Shot;
  /** The first N documents of each task. */
  limit?: number;
  /**
   * Which documents (src/tasks/documents.ts): `paper` (the default), `all`; null for a run stored before
   * document sets (the rows it was planned on then).
   */
  documents?: DocumentSet | null;
  /** The release's commit, recorded with a new run (its provenance). */
  releaseCommit?: string | null;
  /** Documents in flight at once (default: the provider's concurrency). */
  concurrency?: number;
  /** Resume this stored run (an id not stored is refused, with the nearest ones). */
  runId?: string;
  noCache?: boolean;
  /** Who starts the run (a Slack user id, or `terminal`), kept as its owner. */
  startedBy?: string;
  /** Asked before each document: a true answer stops the run, resumable (e.g. --max-cost reached). */
  stopIf?: () => Promise<boolean>;
  /** `--labels`: the CCA gold scored on and whose options are offered (default `paper`; a resumed run keeps its own). */
  labels?: LabelVersion;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export interface Item {
  task: Task;
  doc: Document<unknown>;
  index: number;
}

/** The documents a run covers, per task, in a fixed order. */
export function planDocuments(
  req: Pick<EvalRequest, 'tasks' | 'shot' | 'limit' | 'documents' | 'labels'>,
  provider: Pick<ModelProvider, 'documents'>,
  release: Release,
): Item[] {
  return req.tasks.flatMap((task) => {
    // A replay answers for its released rows only, whatever the set.
    const docs = underLabels(
      task,
      provider.documents?.(task, req.shot) ?? documentsOf(task, release, req.shot, req.documents),
      release,
      req.labels,
    );
    return docs.slice(0, req.limit ?? docs.length).map((doc, index) => ({ task, doc, index }));
  });
}

/** The same documents read under a label version (its gold, its options list); as they are for a setting without. */
function underLabels(task: Task, docs: Document<unknown>[], release: Release, labels: LabelVersion | undefined) {
  if (!hasLabels(task)) return docs;
  const byId = new Map(
    task.loadDocuments(release, labels ?? DEFAULT_LABELS).map((d) => [d.id, d as Document<unknown>]),
  );
  return docs.map((d) => byId.get(d.id) ?? d);
}

/** The label version a run records: the one asked for (default `paper`) when it covers a setting with versions. */
export const labelsOfRequest = (req: Pick<EvalRequest, 'tasks' | 'labels'>): LabelVersion | null =>
  req.tasks.some(hasLabels) ? (req.labels ?? DEFAULT_LABELS) : null;

/** The label version a stored run's documents are read under (null for a run without CCA: none applies). */
export const labelsOfRun = (run: Pick<Run, 'label_version'>): LabelVersion | undefined =>
  labelVersionOf(run.label_version);

/** What a run records of its provider (runs.engine, beside the Node version): its fingerprint, or its kind. */
export function providerEngine(provider: ModelProvider): Record<string, unknown> {
  return provider.fingerprint ?? { provider: provider.config.provider };
}

/** A stored run's document set: null for a run stored before document sets (see documentsOf). */
export const setOfRun = (run: Pick<Run, 'document_set'>): DocumentSet | null =>
  (run.document_set ?? null) as DocumentSet | null;

/**
 * The document set a request plans on: the one asked for, else the resumed run's own (null for a run stored
 * before document sets), else `paper`.
 */
export async function documentSetFor(
  store: Store,
  req: Pick<EvalRequest, 'runId' | 'documents'>,
): Promise<DocumentSet | null> {
  if (req.documents !== undefined) return req.documents;
  const existing = req.runId ? await store.getRun(req.runId) : undefined;
  return existing ? setOfRun(existing) : 'paper';
}

/**
 * Refuses (UserError, one line naming the task and its file) a resume of `run` whose declared tasks' task file,
 * data or replayed generations (changedInput) differ from what the run recorded; `now` is what this process would
 * record. Every resume goes through it, in the foreground and queued (openRun): this process plans the documents.
 */
function refuseChangedInputs(run: Run, tasks: readonly Task[], now: RunAssumptions, shot: Shot, model: ModelConfig) {
  const changed = changedInput(
    run,
    now,
    tasks.map((t) => t.id),
  );
  if (!changed) return;
  const task = tasks.find((t) => t.id === changed.task);
  const origin = task?.origin;
  const generations = model.provider === 'replay' ? task?.generationFile?.(model.release, shot) : undefined;
  const files: readonly string[] | undefined = !origin
    ? undefined
    : changed.input === 'task file'
      ? [path.basename(origin.file)]
      : changed.input === 'data file'
        ? origin.dataFiles
        : generations
          ? [path.relative(path.dirname(origin.file), generations)]
          : undefined;
  throw new UserError(
    `The ${changed.input} of task ${changed.task} changed since run ${run.id} started${files?.length ? ` (${files.join(', ')})` : ''}.`,
    'Start a new run without --run, or put the old file back.',
  );
}

/**
 * The stored run a request writes to: the resumed one (refused, UserError, when it differs in model, shot,
 * tasks, limit or document set, when its declared tasks' data changed since it started, or when `documentCount`,
 * planned here, is fewer than the run planned), or a new one recording its document set, `documentCount` and
 * release commit.
 */
export async function openRun(
  store: Store,
  req: EvalRequest,
  provider: ModelProvider,
  status = 'running',
  documentCount: number | null = null,
): Promise<Run> {
  const tasks = JSON.stringify(req.tasks.map((t) => t.id));
  const documents = req.documents === undefined ? 'paper' : req.documents;
  if (req.runId) {
    const existing = await store.getRun(req.runId);
    if (existing) {
      const same =
        existing.model === provider.config.alias &&
        existing.shot === req.shot &&
        existing.tasks === tasks &&
        existing.doc_limit === (req.limit ?? null) &&
        (existing.document_set ?? null) === documents;
      // A run is scored on one label version: a resume that names another is refused (the run keeps its own).
      if (same && req.labels && existing.label_version && existing.label_version !== req.labels) {
        throw new UserError(
          `Run ${req.runId} was scored on the ${existing.label_version} labels, not ${req.labels}.`,
          `Resume it without --labels (or with --labels ${existing.label_version}), or start a new run without --run.`,
        );
      }
      if (!same) {
        const set = existing.document_set === 'all' ? ', --documents all' : '';
        throw new UserError(
          `Run ${req.runId} is ${existing.model} on ${JSON.parse(existing.tasks).join(',')} (${existing.shot}-shot${existing.doc_limit ? `, limit ${existing.doc_limit}` : ''}${set}).`,
          'Resume it with the same task, model, shot, limit and documents, or start a new run without --run.',
        );
      }
      // Computed here, a resumed run must be computed as it was started (queued, its jobs carry its record).
      const now = runAssumptions(req.tasks, provider.config, req.shot);
      const differs = status !== 'queued' && assumptionsDiffer(existing, now);
      if (differs)
        throw new UserError(
          `Run ${req.runId} was started with another ${differs} than this process has.`,
          'Resume it where it was started as it was (or queue it for the workers), or start a new run without --run.',
        );
      // Queued too: this process plans the run's documents from its own data, which workers on the run's would not have.
      refuseChangedInputs(existing, req.tasks, now, req.shot, provider.config);
      // Fewer documents planned here than the run has (a release copy that lacks some, a shorter file): resumed from
      // here, the run would finish without them.
      const before = existing.planned ?? existing.document_count ?? null;
      if (documentCount !== null && before !== null && documentCount < before)
        throw new UserError(
          `This process's release copy has ${documentCount} of run ${req.runId}'s ${before} documents of ${JSON.parse(tasks).join(',')}.`,
          'Start a new run, or ask an admin to give this process the same release as the run.',
          {
            hint: `Point JCB_DATA_DIR at the same release as the run's${existing.release_commit ? ` (${existing.release_commit.slice(0, 7)})` : ''}, or start a new run without --run.`,
          },
        );
      await store.setRunStatus(existing.id, status);
      return { ...existing, status };
    }
    // A mistyped id would otherwise become a new run under that id, and show in digests and leaderboards.
    const near = nearest(
      req.runId,
      (await store.listRuns(500)).map((r) => r.id),
    );
    throw new UserError(
      `No run "${cutEcho(req.runId)}" to resume.`,
      near.length
        ? `Nearest: ${near.join(', ')}. Leave out --run to start a new run.`
        : 'No run is stored yet: leave out --run to start a new run.',
    );
  }
  const now = new Date().toISOString();
  const run: Run = {
    id: req.runId ?? newRunId(),
    model: provider.config.alias,
    provider: provider.config.provider,
    engine: JSON.stringify({ ...providerEngine(provider), node: process.version }),
    shot: req.shot,
    tasks,
    doc_limit: req.limit ?? null,
    status,
    created_at: now,
    updated_at: now,
    planned: null,
    started_by: req.startedBy ?? null,
    max_cost_usd: null,
    budget_since: null,
    label_version: labelsOfRequest(req),
    document_set: documents,
    document_count: documentCount,
    release_commit: req.releaseCommit ?? null,
    assumptions: JSON.stringify(runAssumptions(req.tasks, provider.config, req.shot)),
    queue: null,
    stall_reason: null,
    ...NO_OWNER,
  };
  await store.createRun(run);
  return run;
}
