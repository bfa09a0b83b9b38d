// The results store: runs, each document's outcome, aggregates and the response cache, through Kysely.
// SQLite (better-sqlite3) in jcb's per-user folder by default; PostgreSQL when DATABASE_URL is set.
import path from 'node:path';
import type { Kysely, Selectable } from 'kysely';
import { asStoreError, isRefused, isTransient } from './errors.js';
import { openPostgres, openSqlite } from './open.js';
import { callStamp, retrying, retryEveryMethod, retryPolicy } from './retry.js';
import { IDS_PER_QUERY, inChunks } from './id-chunks.js';
import { NO_OWNER, RunOwners } from './run-owners.js';
import type { StoreLocation } from './errors.js';
import { defaultStoreFile } from '../release/locate.js';
import type { Database, ResponseCacheTable, RunDocumentsTable, RunScoresTable, RunsTable } from './schema.js';

export type { RunOwner } from './run-owners.js';
export type Run = Selectable<RunsTable>;
export type RunDocument = Selectable<RunDocumentsTable>;
export type RunScore = Selectable<RunScoresTable>;
/** A cached response: the answer, its thinking and its tokens. */
export type CachedResponse = Omit<Selectable<ResponseCacheTable>, 'key' | 'created_at'>;

/** Where the store is: DATABASE_URL, else an SQLite file (JCB_STORE, default <per-user folder>/jcb.sqlite). */
export function storeLocation(env: NodeJS.ProcessEnv): StoreLocation {
  if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL };
  return { kind: 'sqlite', file: env.JCB_STORE ? path.resolve(env.JCB_STORE) : defaultStoreFile(env) };
}

/** Worth opening again: a transient error, but a refused connection (no server there, or not yet). */
const reopenable = (err: unknown) => isTransient(err) && !isRefused(err);

/**
 * The results store. Every method (this class's and SideTables') is retried on a lost connection
 * or a busy database for a bounded time (retry.ts, JCB_STORE_RETRY_MS), then throws its last error;
 * every write is idempotent, so that a retry of one that did commit changes nothing more: upserts,
 * updates to fixed values, deletes, and inserts keyed by values made once per call (callStamp).
 * `transition` compares and sets: a retry of one that did commit recognises its own stamp.
 */
export class Store extends RunOwners {
  private identity: Promise<string> | undefined;

  private constructor(
    db: Kysely<Database>,
    /** Where the store is, for people: a path, or PostgreSQL host and database (no password). */
    readonly where: string,
    readonly readOnly: boolean,
    env: NodeJS.ProcessEnv,
    sqlite: boolean,
  ) {
    super(db);
    // SQLite's driver is synchronous: yielding before each call lets signals and timers through.
    retryEveryMethod(this, retryPolicy(env), sqlite, ['close']);
  }

  /**
   * Opens (and migrates, under a lock) the store `env` names. A store that cannot be written (a
   * read-only folder or file) is opened read-only, as a snapshot, for the commands that only read.
   * Errors: a StoreError naming the store and the cause.
   */
  static async open(env: NodeJS.ProcessEnv = process.env): Promise<Store> {
    const location = storeLocation(env);
    try {
      // A connection lost while opening (a restart under way) is tried again; a refused one is said at once.
      const opened =
        location.kind === 'postgres'
          ? await retrying(() => openPostgres(location.url), retryPolicy(env), false, reopenable)
          : await openSqlite(location.file);
      return new Store(opened.db, opened.where, opened.readOnly, env, location.kind === 'sqlite');
    } catch (err) {
      throw asStoreError(err, location) ?? err;
    }
  }

  /** The identity of this store (random, made at its creation): its evaluation queue is named after it. */
  async id(): Promise<string> {
    this.identity ??= this.db
      .selectFrom('store_meta')
      .select('value')
      .where('key', '=', 'id')
      .executeTakeFirstOrThrow()
      .then((r) => r.value);
    // A failed read is not remembered: the retry (and the next call) reads again.
    return this.identity.catch((err) => {
      this.identity = undefined;
      throw err;
    });
  }

  /**
   * A query of a module that keeps its own table (the audit, the budget): run under the same retry
   * as every store method. `query` must be idempotent (a read, an upsert, an insert of a fixed key).
   */
  async query<T>(query: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return query(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Creates a run; creating it again (a retry after a lost reply) changes nothing. */
  async createRun(run: Run): Promise<void> {
    await this.db
      .insertInto('runs')
      .values(run)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async getRun(id: string): Promise<Run | undefined> {
    return this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** How many runs are stored, or how many are in one of `statuses`. */
  async countRuns(statuses?: readonly string[]): Promise<number> {
    let q = this.db.selectFrom('runs').select((eb) => eb.fn.countAll<number>().as('n'));
    if (statuses) q = q.where('status', 'in', [...statuses]);
    return Number((await q.executeTakeFirst())?.n ?? 0);
  }

  async listRuns(limit = 50): Promise<Run[]> {
    return this.db
      .selectFrom('runs')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /**
   * Moves a run from one status to another only if it is still in the first: the worker that wins
   * `running → aggregating` is the one that aggregates, whatever the number of workers. A retry of a
   * transition whose reply was lost finds the run in `to` with this call's own stamp, and has won.
   * (Two calls stamped in the same millisecond could both win; aggregating twice gives the same rows.) The run's
   * stall_reason becomes `stallReason` (a run stopped as stalled), else null.
   */
  async transition(id: string, from: string, to: string, stallReason: string | null = null): Promise<boolean> {
    const stamp = callStamp().now;
    const result = await this.db
      .updateTable('runs')
      .set({ status: to, updated_at: stamp, stall_reason: stallReason })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('status', '=', from), eb.and([eb('status', '=', to), eb('updated_at', '=', stamp)])]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async progress(runId: string): Promise<{ done: number; failed: number }> {
    const rows = await this.db
      .selectFrom('run_documents')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('run_id', '=', runId)
      .groupBy('status')
      .execute();
    const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { done: count('done'), failed: count('failed') };
  }

  /** The latest finished run of a model before `runId`, for "change since the last run". */
  /** A model's latest finished scores before `before`, by task, over the same documents (same shot and limit). */
  async previousScores(
    model: string,
    shot: string,
    before: string,
    docLimit: number | null = null,
  ): Promise<Map<string, { score: number; metrics: string; run_id: string; label_version: string | null }>> {
    const rows = await this.db
      .selectFrom('run_scores')
      .innerJoin('runs', 'runs.id', 'run_scores.run_id')
      .select(['run_scores.task', 'run_scores.score', 'run_scores.metrics', 'run_scores.run_id', 'runs.label_version'])
      .where('runs.model', '=', model)
      .where('runs.shot', '=', shot)
      .where('runs.status', '=', 'finished')
      .where('runs.doc_limit', docLimit === null ? 'is' : '=', docLimit)
      .where('runs.created_at', '<', before)
      .orderBy('runs.created_at')
      .execute();
    return new Map(rows.map(({ task, ...r }) => [task, r]));
  }

  /** Queued runs (planned, not foreground) that are not over: queued, running or aggregating; optionally these ids. */
  async queuedRuns(ids?: readonly string[]): Promise<Run[]> {
    const q = this.db
      .selectFrom('runs')
      .selectAll()
      .where('status', 'in', ['queued', 'running', 'aggregating'])
      .where('planned', 'is not', null);
    return ids ? inChunks(ids, (chunk) => q.where('id', 'in', chunk).execute()) : q.execute();
  }

  /**
   * A run's recent pace: how many of its documents were stored at or after `since` (ISO time) and the first
   * of them (undefined when none).
   */
  async pace(runId: string, since: string): Promise<{ n: number; first?: string }> {
    const row = await this.db
      .selectFrom('run_documents')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('finished_at').as('first')])
      .where('run_id', '=', runId)
      .where('finished_at', '>=', since)
      .executeTakeFirst();
    const first = row?.first as string | null | undefined;
    return { n: Number(row?.n ?? 0), ...(first ? { first } : {}) };
  }

  /** When a run last moved: its latest stored document, or its last change of status. */
  async lastActivity(run: Run): Promise<string> {
    const row = await this.db
      .selectFrom('run_documents')
      .select((eb) => eb.fn.max('finished_at').as('last'))
      .where('run_id', '=', run.id)
      .executeTakeFirst();
    const last = row?.last as string | null | undefined;
    return last && last > run.updated_at ? last : run.updated_at;
  }

  /** Clears failed documents that are queued again, so that the run counts them as not done. */
  async forgetFailed(runId: string, docs: readonly { task: string; docId: string }[]): Promise<void> {
    for (const task of new Set(docs.map((d) => d.task))) {
      const ids = docs.filter((d) => d.task === task).map((d) => d.docId);
      await inChunks(ids, (chunk) =>
        this.db
          .deleteFrom('run_documents')
          .where('run_id', '=', runId)
          .where('task', '=', task)
          .where('status', '=', 'failed')
          .where('doc_id', 'in', chunk)
          .execute(),
      );
    }
  }

  /**
   * A queued run's documents, its spending limit in US dollars from now on (null: none), and the queue
   * (JCB_QUEUE_PREFIX) it is queued on from now on, when given: that deployment alone re-queues its lost jobs.
   */
  async setPlanned(id: string, planned: number, maxCostUsd: number | null = null, queue?: string): Promise<void> {
    const since = maxCostUsd === null ? null : callStamp().now;
    const set = { planned, max_cost_usd: maxCostUsd, budget_since: since, ...(queue !== undefined && { queue }) };
    await this.db.updateTable('runs').set(set).where('id', '=', id).execute();
  }

  /** Sets a run's status; its owner (a foreground process) is let go: the process that runs it claims it again. */
  async setRunStatus(id: string, status: string): Promise<void> {
    const set = { status, updated_at: callStamp().now, stall_reason: null, ...NO_OWNER };
    await this.db.updateTable('runs').set(set).where('id', '=', id).execute();
  }

  /** Stores a document's outcome; storing it again (a retried job) replaces it. */
  async saveDocument(row: RunDocument): Promise<void> {
    const { run_id, task, doc_id, ...rest } = row;
    await this.db
      .insertInto('run_documents')
      .values(row)
      .onConflict((oc) => oc.columns(['run_id', 'task', 'doc_id']).doUpdateSet(rest))
      .execute();
  }

  /**
   * A run's stored documents, by task and document order: all, a task's, or those of `docIds` (a queued job's
   * few, read without the rest of a run of thousands), any number of them (IDS_PER_QUERY a query).
   */
  async documents(runId: string, task?: string, docIds?: readonly string[]): Promise<RunDocument[]> {
    let q = this.db.selectFrom('run_documents').selectAll().where('run_id', '=', runId);
    if (task) q = q.where('task', '=', task);
    q = q.orderBy('task').orderBy('doc_index');
    if (!docIds) return q.execute();
    const rows = await inChunks(docIds, (chunk) => q.where('doc_id', 'in', chunk).execute());
    // Each chunk's rows are in order; chunks together are put in order again (tasks by code point).
    if (docIds.length <= IDS_PER_QUERY) return rows;
    return rows.sort((a, b) => (a.task === b.task ? a.doc_index - b.doc_index : a.task < b.task ? -1 : 1));
  }

  async saveScore(row: RunScore): Promise<void> {
    const { run_id, task, ...rest } = row;
    await this.db
      .insertInto('run_scores')
      .values(row)
      .onConflict((oc) => oc.columns(['run_id', 'task']).doUpdateSet(rest))
      .execute();
  }

  async scores(
    runId?: string,
  ): Promise<
    (RunScore &
      Pick<
        Run,
        'model' | 'provider' | 'shot' | 'status' | 'doc_limit' | 'document_set' | 'release_commit' | 'label_version'
      >)[]
  > {
    let q = this.db
      .selectFrom('run_scores')
      .innerJoin('runs', 'runs.id', 'run_scores.run_id')
      .selectAll('run_scores')
      .select([
        'runs.model',
        'runs.provider',
        'runs.shot',
        'runs.status',
        'runs.doc_limit',
        'runs.document_set',
        'runs.release_commit',
        'runs.label_version',
      ]);
    if (runId) q = q.where('run_scores.run_id', '=', runId);
    return q.orderBy('run_scores.finished_at').execute();
  }

  async cached(key: string): Promise<CachedResponse | undefined> {
    return this.db
      .selectFrom('response_cache')
      .select(['output', 'thinking', 'input_tokens', 'output_tokens'])
      .where('key', '=', key)
      .executeTakeFirst();
  }

  async cache(key: string, value: CachedResponse): Promise<void> {
    await this.db
      .insertInto('response_cache')
      .values({ key, ...value, created_at: callStamp().now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
}
