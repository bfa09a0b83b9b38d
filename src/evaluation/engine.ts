// The evaluation engine: prompts → model → parse → score, each document stored as it finishes, so that
// a run interrupted in any way resumes with only what is missing and ends with the same scores.
import { redact } from '../models/server-reply.js';
import { UserError } from '../base/errors.js';
import { ProviderError, type ModelProvider } from '../models/provider.js';
import { requireMayReceive } from '../policy/data-policy.js';
import type { Release } from '../release/release.js';
import type { Run, RunDocument, Store } from '../store/store.js';
import { buildPrompt } from '../tasks/prompt.js';
import type { DocScore, Metrics, Parsed, ScoringContext, Shot, Task } from '../tasks/types.js';
import { isSettled, NO_USAGE, scoredText, usageColumns } from './answer.js';
import { generateCached, sha256 } from './generate.js';
import { hasLabels } from './labels.js';
import { ownRun, refuseLiveOwner } from './owner.js';
import { provenanceOf, type Provenance } from './provenance.js';
import { documentSetFor, labelsOfRun, openRun, planDocuments, type EvalRequest, type Item } from './plan.js';

export interface Progress {
  runId: string;
  task: string;
  done: number;
  total: number;
  failed: number;
  /** Provider retries so far in this call (429, 5xx, timeouts...), reported as they happen. */
  retries: number;
  /** The current task's headline over the documents finished so far (0–1). */
  runningScore: number | undefined;
}

export interface TaskOutcome {
  task: string;
  n: number;
  failed: number;
  parseFailures: number;
  /** Scored documents that were no answer (empty, only thinking, thinking or prompt cut...), scored as empty. */
  noAnswer: number;
  /** Scored documents the means leave out (Task.leftOut: ROUGE-L's empty outputs and non-answers). */
  leftOut: number;
  metrics: Metrics;
  score: number;
}

export interface EvalResult {
  run: Run;
  /** With each number's provenance (labels, document set and count, release commit). */
  outcomes: (TaskOutcome & { provenance: Provenance })[];
  /** Documents this call computed (0 when everything was already stored). */
  computed: number;
  cacheHits: number;
  interrupted: boolean;
  /** Why it was interrupted when its model's server was down (Processed.unreachable). */
  unreachable?: Unreachable;
  /** Why it was interrupted when its model is set up wrong (Processed.misconfigured). */
  misconfigured?: Unreachable;
  /** Documents the run covers. */
  planned: number;
}

export interface EngineDeps {
  store: Store;
  provider: ModelProvider;
  release: Release;
  scoring: ScoringContext;
  onProgress?: (p: Progress) => void;
  /** One line to show the person running (the first prompt a server cut, with the setting to change). */
  onNotice?: (line: string) => void;
  signal?: AbortSignal;
  /** The settings read (JCB_HEARTBEAT_MS, JCB_ORPHAN_AFTER_MS: owner.ts); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Aggregates a task's stored documents, in document order. */
export function aggregateDocuments(task: Task, rows: readonly RunDocument[]): TaskOutcome {
  const done = rows.filter((r) => r.status === 'done').sort((a, b) => a.doc_index - b.doc_index);
  const scores = done.map((r) => JSON.parse(r.scores!) as DocScore);
  const metrics = task.aggregate(scores);
  return {
    task: task.id,
    n: done.length,
    failed: rows.filter((r) => r.status === 'failed').length,
    // A non-answer is counted once, under `noAnswer`, though its empty output is unreadable too.
    parseFailures: done.filter((r) => r.parse_ok === 0 && r.incomplete === null).length,
    noAnswer: done.filter((r) => r.incomplete !== null).length,
    leftOut: task.leftOut?.(scores) ?? 0,
    metrics,
    score: task.headline(metrics),
  };
}

/** The stored rows of `items` alone, per task (the store reads any number of ids). */
async function storedItems(store: Store, runId: string, items: readonly Item[]): Promise<RunDocument[]> {
  const rows: RunDocument[] = [];
  for (const task of new Set(items.map((it) => it.task.id))) {
    const ids = items.filter((it) => it.task.id === task).map((it) => it.doc.id);
    rows.push(...(await store.documents(runId, task, ids)));
  }
  return rows;
}

export interface ProcessOptions {
  shot: Shot;
  noCache?: boolean;
  concurrency?: number;
  /** Asked before each document: a cancelled run stops taking documents. */
  stopIf?: () => Promise<boolean>;
  /** Told after each stored document (a foreground run's heartbeat). */
  onStored?: () => void;
}

export interface Unreachable {
  error: string;
  documents: number;
}

export interface Processed {
  computed: number;
  cacheHits: number;
  failed: number;
  interrupted: boolean;
  /**
   * Why the call stopped taking documents when its model's server was down: the last document's error
   * (`<alias>: could not connect to [address] (connection refused): is the server running? (after 6 attempts)`,
   * `<alias>: 502 from the provider: server error: an HTML page ("502 Bad Gateway") (after 3 attempts)`), once
   * `documents` (unreachableLimit) in a row failed on the server's side, no answer between. Interrupted too.
   */
  unreachable?: Unreachable;
  /**
   * Why the call stopped taking documents when its model is set up wrong (ProviderError.misconfigured: a key
   * refused, no such model, no quota, a setting refused `documents` times in a row): the last document's error,
   * with the operator's fix. Interrupted too; the documents failed so are not stored (asked again on resume).
   */
  misconfigured?: Unreachable;
}

/**
 * Documents in a row failed on the server's side (ProviderError.serverDown: not reached, no answer in time, a
 * 5xx such as a proxy's 502 page or a 503 while loading; FAILURE_SIDE in src/models/server-reply.ts) after which a
 * call stops taking more: a server that is down fails every document the same way, each after its retries
 * (with the defaults ~23 s a document refused or answered 503, 2 × timeoutMs one never answered), and `eval all`
 * would run for hours storing failures. Twice the documents in flight, at least 3, so that one unlucky round does not stop a run.
 */
export const unreachableLimit = (width: number): number => Math.max(3, 2 * width);

/**
 * Evaluates the items of a run that are not stored yet, storing each as it finishes: the unit of work
 * of both a one-process run and a queued job (a job re-run after a crash recomputes nothing done).
 */
export async function processItems(
  run: Run,
  items: readonly Item[],
  opts: ProcessOptions,
  deps: EngineDeps,
  progress?: { total: number },
): Promise<Processed> {
  const { store, provider, release } = deps;
  // Before the cache too: a private task's run on an external model stores nothing, asked or cached.
  requireMayReceive([...new Set(items.map((it) => it.task))], provider.config);
  // Progress reports a task's running score, made of every stored document of the run; without them (a
  // queued job) only the items' own rows are read: a job's cost does not grow with its run.
  const stored = deps.onProgress ? await store.documents(run.id) : await storedItems(store, run.id, items);
  const finished = new Set(stored.filter(isSettled).map((r) => `${r.task}\u0000${r.doc_id}`));
  const queue = items.filter((it) => !finished.has(`${it.task.id}\u0000${it.doc.id}`));
  const scoresSoFar = new Map<string, DocScore[]>();
  const push = (task: string, score: DocScore) =>
    (scoresSoFar.get(task) ?? scoresSoFar.set(task, []).get(task)!).push(score);
  if (deps.onProgress) for (const r of stored) if (isSettled(r)) push(r.task, JSON.parse(r.scores!));
  const total = progress?.total ?? items.length;
  let done = total - queue.length;
  const out: Processed = { computed: 0, cacheHits: 0, failed: 0, interrupted: false };
  const width = Math.max(1, Math.min(opts.concurrency ?? provider.concurrency, queue.length || 1));
  let retries = 0;
  // Documents in a row failed on the server's side (an answer, or a failure of the document's own, resets it).
  let unreachableInARow = 0;
  // Documents in a row failed for the model's configuration (anything else resets it).
  let misconfiguredInARow = 0;
  // Only the run's first cut prompt is told: the fix (the server's context length) is the same for all.
  let cutShown = false;
  const onCut = (line: string) => {
    if (!cutShown) deps.onNotice?.(line);
    cutShown = true;
  };

  const report = (task: Task) => {
    if (!deps.onProgress) return;
    const scores = scoresSoFar.get(task.id) ?? [];
    deps.onProgress({
      runId: run.id,
      task: task.id,
      done,
      total,
      failed: out.failed,
      retries,
      runningScore: scores.length ? task.headline(task.aggregate(scores)) : undefined,
    });
  };

  const process1 = async (item: Item) => {
    const { task, doc } = item;
    const prompt = buildPrompt(release, task, doc, opts.shot);
    const base = { run_id: run.id, task: task.id, doc_id: doc.id, doc_index: item.index, prompt_hash: sha256(prompt) };
    let row: RunDocument;
    try {
      const onRetry = () => (retries++, report(task));
      const { generation, cached } = await generateCached(provider, item, { ...opts, onRetry, onCut }, prompt, deps);
      // A replayed output is scored on the gold its file embeds (the paper's); under other labels, on theirs.
      const otherLabels = hasLabels(task) && labelsOfRun(run) !== undefined && labelsOfRun(run) !== 'paper';
      const gold = otherLabels ? doc.gold : (generation.gold ?? doc.gold);
      const parsed = task.parse(scoredText(generation)) as Parsed<unknown>;
      const [score] = await task.score([{ gold, parsed }], deps.scoring);
      row = {
        ...base,
        status: 'done',
        output: generation.output,
        parse_ok: parsed.ok ? 1 : 0,
        parse_problem: parsed.problem ?? null,
        scores: JSON.stringify(score),
        gold: JSON.stringify(gold),
        error: null,
        attempts: 1,
        input_tokens: generation.inputTokens ?? null,
        output_tokens: generation.outputTokens ?? null,
        latency_ms: generation.latencyMs,
        cached: cached ? 1 : 0,
        finished_at: new Date().toISOString(),
        ...usageColumns(generation),
      };
      if (cached) out.cacheHits++;
      else unreachableInARow = misconfiguredInARow = 0;
      push(task.id, score);
    } catch (err) {
      if (deps.signal?.aborted) return; // interrupted: the document stays missing, to be done on resume
      if (err instanceof UserError) throw err;
      const serverDown = err instanceof ProviderError && err.serverDown;
      unreachableInARow = serverDown ? unreachableInARow + 1 : 0;
      if (serverDown && unreachableInARow >= unreachableLimit(width))
        out.unreachable ??= { error: redact(err.message), documents: unreachableInARow };
      const misconfigured = err instanceof ProviderError ? err.misconfigured : 0;
      misconfiguredInARow = misconfigured ? misconfiguredInARow + 1 : 0;
      if (misconfigured && misconfiguredInARow >= misconfigured)
        out.misconfigured ??= { error: redact((err as Error).message), documents: misconfiguredInARow };
      // Stopped for the configuration: this document and those in flight failing so stay missing, for the resume.
      if (misconfigured && out.misconfigured) return;
      out.failed++;
      row = {
        ...base,
        status: 'failed',
        output: null,
        parse_ok: null,
        parse_problem: null,
        scores: null,
        gold: null,
        // Provider errors come redacted (src/models/server-reply.ts); anything else is, before it is stored.
        error: redact((err as Error).message),
        attempts: err instanceof ProviderError ? err.attempts : 1,
        input_tokens: null,
        output_tokens: null,
        latency_ms: null,
        cached: 0,
        finished_at: new Date().toISOString(),
        ...NO_USAGE,
      };
    }
    await store.saveDocument(row);
    opts.onStored?.();
    out.computed++;
    done++;
    report(task);
  };

  let next = 0;
  let stopped = false;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < queue.length && !deps.signal?.aborted && !stopped && !out.unreachable && !out.misconfigured) {
        if (opts.stopIf && (await opts.stopIf())) {
          stopped = true;
          break;
        }
        // Another lane may have taken the last document during the await above.
        if (next >= queue.length) break;
        await process1(queue[next++]);
      }
    }),
  );
  out.interrupted = Boolean(deps.signal?.aborted) || stopped || out.unreachable !== undefined || !!out.misconfigured;
  return out;
}

/** Aggregates every task of a run from its stored documents and marks it finished. */
export async function finishRun(store: Store, run: Run, tasks: readonly Task[]): Promise<TaskOutcome[]> {
  const rows = await store.documents(run.id);
  const outcomes = tasks.map((task) =>
    aggregateDocuments(
      task,
      rows.filter((r) => r.task === task.id),
    ),
  );
  const now = new Date().toISOString();
  for (const o of outcomes) {
    await store.saveScore({
      run_id: run.id,
      task: o.task,
      n: o.n,
      failed: o.failed,
      parse_failures: o.parseFailures,
      left_out: o.leftOut,
      metrics: JSON.stringify(o.metrics),
      score: o.score,
      finished_at: now,
    });
  }
  await store.setRunStatus(run.id, 'finished');
  return outcomes;
}

export async function evaluate(asked: EvalRequest, deps: EngineDeps): Promise<EvalResult> {
  const req = { ...asked, documents: await documentSetFor(deps.store, asked) };
  const plan = planDocuments(req, deps.provider, deps.release);
  const env = deps.env ?? process.env;
  const resumed = req.runId === undefined ? undefined : await deps.store.getRun(req.runId);
  if (resumed) refuseLiveOwner(resumed, env);
  const run = await openRun(deps.store, req, deps.provider, 'running', plan.length);
  // A resumed run keeps the label version it was started with (the same documents: only gold and options differ).
  const items = planDocuments({ ...req, labels: labelsOfRun(run) }, deps.provider, deps.release);
  // Owned by this process while it works: a reader sees when it is gone without saying so (owner.ts).
  const owner = await ownRun(deps.store, run.id, env);
  const processed = await processItems(run, items, { ...req, onStored: owner.beat }, deps).finally(owner.stop);
  if (processed.interrupted) {
    await deps.store.setRunStatus(run.id, 'interrupted');
    return {
      run: { ...run, status: 'interrupted' },
      outcomes: [],
      computed: processed.computed,
      cacheHits: processed.cacheHits,
      interrupted: true,
      ...(processed.unreachable !== undefined && { unreachable: processed.unreachable }),
      ...(processed.misconfigured !== undefined && { misconfigured: processed.misconfigured }),
      planned: plan.length,
    };
  }
  const outcomes = await finishRun(deps.store, run, req.tasks);
  return {
    run: { ...run, status: 'finished' },
    outcomes: outcomes.map((o) => ({ ...o, provenance: provenanceOf(run, o.task, o.n + o.failed) })),
    computed: processed.computed,
    cacheHits: processed.cacheHits,
    interrupted: false,
    planned: plan.length,
  };
}
