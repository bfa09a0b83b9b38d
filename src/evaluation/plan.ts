// A run's record and plan: the documents it covers, and the stored run it writes to (new, or resumed
// when the same run id names the same model, setting, limit and document set).
import { randomBytes } from 'node:crypto';
import { UserError } from '../base/errors.js';
import { cutEcho, nearest } from '../base/suggest.js';
import type { ModelProvider } from '../models/provider.js';
import type { Release } from '../release/release.js';
import type { Run, Store } from '../store/store.js';
import type { Document, Shot, Task } from '../tasks/types.js';
import { documentsOf, type DocumentSet } from '../tasks/documents.js';

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
  req: Pick<EvalRequest, 'tasks' | 'shot' | 'limit' | 'documents'>,
  provider: Pick<ModelProvider, 'documents'>,
  release: Release,
): Item[] {
  return req.tasks.flatMap((task) => {
    // A replay answers for its released rows only, whatever the set.
    const docs = provider.documents?.(task, req.shot) ?? documentsOf(task, release, req.shot, req.documents);
    return docs.slice(0, req.limit ?? docs.length).map((doc, index) => ({ task, doc, index }));
  });
}

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
 * The stored run a request writes to: the resumed one (refused, UserError, when it differs in model, shot,
 * tasks, limit or document set), or a new one recording its document set, `documentCount` and release commit.
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
      if (!same) {
        const set = existing.document_set === 'all' ? ', --documents all' : '';
        throw new UserError(
          `Run ${req.runId} is ${existing.model} on ${JSON.parse(existing.tasks).join(',')} (${existing.shot}-shot${existing.doc_limit ? `, limit ${existing.doc_limit}` : ''}${set}).`,
          'Resume it with the same task, model, shot, limit and documents, or start a new run without --run.',
        );
      }
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
    document_set: documents,
    document_count: documentCount,
    release_commit: req.releaseCommit ?? null,
  };
  await store.createRun(run);
  return run;
}
