// The results store: runs, each document's outcome, aggregates and the response cache, through Kysely.
// SQLite (better-sqlite3) under .jcb/ by default; PostgreSQL when DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Selectable } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
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

/** Where the store is: DATABASE_URL, else an SQLite file (JCB_STORE, default .jcb/jcb.sqlite). */
export function storeLocation(
  env: NodeJS.ProcessEnv,
): { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string } {
  if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL };
  return { kind: 'sqlite', file: path.resolve(env.JCB_STORE || path.join('.jcb', 'jcb.sqlite')) };
}

export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    readonly where: string,
  ) {}

  static async open(env: NodeJS.ProcessEnv = process.env): Promise<Store> {
    const location = storeLocation(env);
    let db: Kysely<Database>;
    if (location.kind === 'postgres') {
      db = new Kysely<Database>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: location.url, max: 10 }) }),
      });
    } else {
      mkdirSync(path.dirname(location.file), { recursive: true });
      const sqlite = new BetterSqlite3(location.file);
      // Several processes (a run and `jcb runs`) may share the file.
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('busy_timeout = 5000');
      // With WAL, NORMAL syncs at checkpoints rather than at every commit: a crashed process loses
      // nothing, and each stored document costs no fsync.
      sqlite.pragma('synchronous = NORMAL');
      db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    }
    await migrateToLatest(db as Kysely<unknown>);
    return new Store(db, location.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : location.file);
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

  async closeNotification(runId: string): Promise<void> {
    await this.db.updateTable('run_notifications').set({ done: 1 }).where('run_id', '=', runId).execute();
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

  async setPlanned(id: string, planned: number): Promise<void> {
    await this.db.updateTable('runs').set({ planned }).where('id', '=', id).execute();
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
    await this.db
      .insertInto('run_documents')
      .values(row)
      .onConflict((oc) => oc.columns(['run_id', 'task', 'doc_id']).doUpdateSet(rest))
      .execute();
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
    await this.db
      .insertInto('response_cache')
      .values({ key, ...value, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
}
