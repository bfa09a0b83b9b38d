// The results store: runs, each document's outcome, aggregates and the response cache, through Kysely.
// SQLite (better-sqlite3) in jcb's per-user folder by default; PostgreSQL when DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Kysely, Selectable } from 'kysely';
import { asStoreError } from './errors.js';
import { openPostgres, openSqlite } from './open.js';
import { retryOnConnectionLoss } from './retry.js';
import type { StoreLocation } from './errors.js';
import { defaultStoreFile } from '../release/locate.js';
import type {
  Database,
  JudgementsTable,
  RatingsTable,
  RequestHistoryTable,
  RunDocumentsTable,
  RunNotificationsTable,
  RunScoresTable,
  RunsTable,
} from './schema.js';

export type Run = Selectable<RunsTable>;
export type RunDocument = Selectable<RunDocumentsTable>;
export type RunScore = Selectable<RunScoresTable>;

/** Where the store is: DATABASE_URL, else an SQLite file (JCB_STORE, default <per-user folder>/jcb.sqlite). */
export function storeLocation(env: NodeJS.ProcessEnv): StoreLocation {
  if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL };
  return { kind: 'sqlite', file: env.JCB_STORE ? path.resolve(env.JCB_STORE) : defaultStoreFile(env) };
}

export class Store {
  private identity: Promise<string> | undefined;

  private constructor(
    readonly db: Kysely<Database>,
    /** Where the store is, for people: a path, or PostgreSQL host and database (no password). */
    readonly where: string,
    readonly readOnly = false,
  ) {}

  /**
   * Opens (and migrates, under a lock) the store `env` names. A store that cannot be written (a
   * read-only folder or file) is opened read-only, as a snapshot, for the commands that only read.
   * Errors: a StoreError naming the store and the cause.
   */
  static async open(env: NodeJS.ProcessEnv = process.env): Promise<Store> {
    const location = storeLocation(env);
    try {
      const opened = location.kind === 'postgres' ? await openPostgres(location.url) : await openSqlite(location.file);
      return new Store(opened.db, opened.where, opened.readOnly);
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
    return this.identity;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async createRun(run: Run): Promise<void> {
    await this.db.insertInto('runs').values(run).execute();
  }

  async getRun(id: string): Promise<Run | undefined> {
    return this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
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
   * `running → aggregating` is the one that aggregates, whatever the number of workers.
   */
  async transition(id: string, from: string, to: string): Promise<boolean> {
    const result = await this.db
      .updateTable('runs')
      .set({ status: to, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('status', '=', from)
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

  async notify(runId: string, target: string, messageId: string): Promise<void> {
    await this.db
      .insertInto('run_notifications')
      .values({ run_id: runId, target, message_id: messageId, done: 0, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('run_id').doUpdateSet({ target, message_id: messageId, done: 0 }))
      .execute();
  }

  async openNotifications(prefix: string): Promise<Selectable<RunNotificationsTable>[]> {
    return this.db
      .selectFrom('run_notifications')
      .selectAll()
      .where('done', '=', 0)
      .where('target', 'like', `${prefix}%`)
      .execute();
  }

  /** Closes a run's notification; true only for the one caller (of any process) that closed it. */
  async closeNotification(runId: string): Promise<boolean> {
    const q = this.db.updateTable('run_notifications').set({ done: 1 }).where('run_id', '=', runId);
    return Number((await q.where('done', '=', 0).executeTakeFirst()).numUpdatedRows) === 1;
  }

  /** The latest finished run of a model before `runId`, for "change since the last run". */
  /** A model's latest finished scores before `before`, by task, over the same documents (same shot and limit). */
  async previousScores(
    model: string,
    shot: string,
    before: string,
    docLimit: number | null = null,
  ): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('run_scores')
      .innerJoin('runs', 'runs.id', 'run_scores.run_id')
      .select(['run_scores.task', 'run_scores.score', 'runs.created_at'])
      .where('runs.model', '=', model)
      .where('runs.shot', '=', shot)
      .where('runs.status', '=', 'finished')
      .where('runs.doc_limit', docLimit === null ? 'is' : '=', docLimit)
      .where('runs.created_at', '<', before)
      .orderBy('runs.created_at')
      .execute();
    return new Map(rows.map((r) => [r.task, r.score]));
  }

  async lastDigest(schedule: string): Promise<{ posted_at: string; scores: string } | undefined> {
    return this.db
      .selectFrom('digests')
      .select(['posted_at', 'scores'])
      .where('schedule', '=', schedule)
      .orderBy('posted_at', 'desc')
      .executeTakeFirst();
  }

  async saveDigest(schedule: string, scores: string): Promise<void> {
    await this.db.insertInto('digests').values({ schedule, posted_at: new Date().toISOString(), scores }).execute();
  }

  async runsSince(models: readonly string[], since: string): Promise<Run[]> {
    if (models.length === 0) return [];
    return this.db
      .selectFrom('runs')
      .selectAll()
      .where('model', 'in', [...models])
      .where('created_at', '>', since)
      .execute();
  }

  /** Stores a rater's judgement of an output; given criteria replace earlier ones, others are kept. */
  async rate(
    key: Pick<Selectable<RatingsTable>, 'rater' | 'task' | 'model' | 'doc_id' | 'output_hash'>,
    values: Partial<Pick<Selectable<RatingsTable>, 'consistency' | 'saliency' | 'fluency' | 'comment'>>,
  ): Promise<void> {
    const updated_at = new Date().toISOString();
    await this.db
      .insertInto('ratings')
      .values({ ...key, consistency: null, saliency: null, fluency: null, comment: null, ...values, updated_at })
      .onConflict((oc) =>
        oc.columns(['rater', 'task', 'model', 'doc_id', 'output_hash']).doUpdateSet({ ...values, updated_at }),
      )
      .execute();
  }

  async saveJudgement(row: Selectable<JudgementsTable>): Promise<void> {
    const { run_id, task, doc_id, judge, rubric, ...scores } = row;
    await this.db
      .insertInto('judgements')
      .values(row)
      .onConflict((oc) => oc.columns(['run_id', 'task', 'doc_id', 'judge', 'rubric']).doUpdateSet(scores))
      .execute();
  }

  async judgements(): Promise<Selectable<JudgementsTable>[]> {
    return this.db.selectFrom('judgements').selectAll().execute();
  }

  async ratings(task?: string): Promise<Selectable<RatingsTable>[]> {
    let q = this.db.selectFrom('ratings').selectAll();
    if (task) q = q.where('task', '=', task);
    return q.execute();
  }

  /** Queued runs (planned, not foreground) that are not over: queued or running; optionally these ids. */
  async queuedRuns(ids?: readonly string[]): Promise<Run[]> {
    let q = this.db
      .selectFrom('runs')
      .selectAll()
      .where('status', 'in', ['queued', 'running'])
      .where('planned', 'is not', null);
    if (ids) q = ids.length ? q.where('id', 'in', [...ids]) : q.where('id', '=', '');
    return q.execute();
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
      await this.db
        .deleteFrom('run_documents')
        .where('run_id', '=', runId)
        .where('task', '=', task)
        .where('status', '=', 'failed')
        .where('doc_id', 'in', ids)
        .execute();
    }
  }

  /** A queued run's documents, and its spending limit in US dollars from now on (null: none). */
  async setPlanned(id: string, planned: number, maxCostUsd: number | null = null): Promise<void> {
    const since = maxCostUsd === null ? null : new Date().toISOString();
    const set = { planned, max_cost_usd: maxCostUsd, budget_since: since };
    await this.db.updateTable('runs').set(set).where('id', '=', id).execute();
  }

  async setRunStatus(id: string, status: string): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ status, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /** Stores a document's outcome; storing it again (a retried job) replaces it. */
  async saveDocument(row: RunDocument): Promise<void> {
    const { run_id, task, doc_id, ...rest } = row;
    // An upsert: retried on a new connection when the database dropped this one.
    await retryOnConnectionLoss(() =>
      this.db
        .insertInto('run_documents')
        .values(row)
        .onConflict((oc) => oc.columns(['run_id', 'task', 'doc_id']).doUpdateSet(rest))
        .execute(),
    );
  }

  async documents(runId: string, task?: string): Promise<RunDocument[]> {
    let q = this.db.selectFrom('run_documents').selectAll().where('run_id', '=', runId);
    if (task) q = q.where('task', '=', task);
    return q.orderBy('task').orderBy('doc_index').execute();
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
  ): Promise<(RunScore & Pick<Run, 'model' | 'provider' | 'shot' | 'status' | 'doc_limit'>)[]> {
    let q = this.db
      .selectFrom('run_scores')
      .innerJoin('runs', 'runs.id', 'run_scores.run_id')
      .selectAll('run_scores')
      .select(['runs.model', 'runs.provider', 'runs.shot', 'runs.status', 'runs.doc_limit']);
    if (runId) q = q.where('run_scores.run_id', '=', runId);
    return q.orderBy('run_scores.finished_at').execute();
  }

  async recordRequest(row: Omit<Selectable<RequestHistoryTable>, 'id'>): Promise<void> {
    const id = `${row.created_at}-${randomBytes(4).toString('hex')}`;
    await this.db
      .insertInto('request_history')
      .values({ id, ...row })
      .execute();
  }

  async recentRequests(userId: string, limit = 10): Promise<Selectable<RequestHistoryTable>[]> {
    return this.db
      .selectFrom('request_history')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  async cached(
    key: string,
  ): Promise<{ output: string; input_tokens: number | null; output_tokens: number | null } | undefined> {
    return this.db
      .selectFrom('response_cache')
      .select(['output', 'input_tokens', 'output_tokens'])
      .where('key', '=', key)
      .executeTakeFirst();
  }

  async cache(
    key: string,
    value: { output: string; input_tokens: number | null; output_tokens: number | null },
  ): Promise<void> {
    await retryOnConnectionLoss(() =>
      this.db
        .insertInto('response_cache')
        .values({ key, ...value, created_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute(),
    );
  }
}
