// Schema steps 001–012 (issues up to 21). A later step goes in a file of its own beside this one and is
// listed in ./index.ts, so that parallel work never edits the same lines.
import { randomUUID } from 'node:crypto';

import type { Kysely, Migration } from 'kysely';

export const firstSteps: Record<string, Migration> = {
  '001_results_store': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('runs')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('model', 'varchar(128)', (c) => c.notNull())
        .addColumn('provider', 'varchar(32)', (c) => c.notNull())
        .addColumn('engine', 'text', (c) => c.notNull())
        .addColumn('shot', 'varchar(8)', (c) => c.notNull())
        .addColumn('tasks', 'text', (c) => c.notNull())
        .addColumn('doc_limit', 'integer')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('run_documents')
        .addColumn('run_id', 'varchar(64)', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('task', 'varchar(16)', (c) => c.notNull())
        .addColumn('doc_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('doc_index', 'integer', (c) => c.notNull())
        .addColumn('prompt_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('output', 'text')
        .addColumn('parse_ok', 'integer')
        .addColumn('parse_problem', 'text')
        .addColumn('scores', 'text')
        .addColumn('gold', 'text')
        .addColumn('error', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('input_tokens', 'integer')
        .addColumn('output_tokens', 'integer')
        .addColumn('latency_ms', 'double precision')
        .addColumn('cached', 'integer', (c) => c.notNull())
        .addColumn('finished_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_documents_pk', ['run_id', 'task', 'doc_id'])
        .execute();
      await db.schema
        .createTable('run_scores')
        .addColumn('run_id', 'varchar(64)', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('task', 'varchar(16)', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('parse_failures', 'integer', (c) => c.notNull())
        .addColumn('metrics', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision', (c) => c.notNull())
        .addColumn('finished_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_scores_pk', ['run_id', 'task'])
        .execute();
      await db.schema
        .createTable('response_cache')
        .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('output', 'text', (c) => c.notNull())
        .addColumn('input_tokens', 'integer')
        .addColumn('output_tokens', 'integer')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['response_cache', 'run_scores', 'run_documents', 'runs']) await db.schema.dropTable(t).execute();
    },
  },
  '002_request_history': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('request_history')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('origin', 'varchar(64)', (c) => c.notNull())
        .addColumn('task', 'varchar(16)', (c) => c.notNull())
        .addColumn('model', 'varchar(128)', (c) => c.notNull())
        .addColumn('shot', 'varchar(8)', (c) => c.notNull())
        .addColumn('doc_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('score', 'double precision')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('request_history_user')
        .on('request_history')
        .columns(['user_id', 'created_at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('request_history').execute();
    },
  },
  '003_queued_runs': {
    async up(db: Kysely<unknown>) {
      // How many documents a queued run covers: its workers finish it when all are stored.
      await db.schema.alterTable('runs').addColumn('planned', 'integer').execute();
      // Where a run's progress is shown (a Slack message), so that a restarted bot resumes updating it.
      await db.schema
        .createTable('run_notifications')
        .addColumn('run_id', 'varchar(64)', (c) => c.primaryKey().references('runs.id').onDelete('cascade'))
        .addColumn('target', 'varchar(256)', (c) => c.notNull())
        .addColumn('message_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('done', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('run_notifications').execute();
      await db.schema.alterTable('runs').dropColumn('planned').execute();
    },
  },
  '004_digests': {
    async up(db: Kysely<unknown>) {
      // What each digest reported, so that the next one shows the change since.
      await db.schema
        .createTable('digests')
        .addColumn('schedule', 'varchar(64)', (c) => c.notNull())
        .addColumn('posted_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('scores', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('digests_pk', ['schedule', 'posted_at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('digests').execute();
    },
  },
  '005_ratings': {
    async up(db: Kysely<unknown>) {
      // Human ratings of outputs (the paper's Table 6 criteria, 1–5): one row per rater and output.
      await db.schema
        .createTable('ratings')
        .addColumn('rater', 'varchar(64)', (c) => c.notNull())
        .addColumn('task', 'varchar(16)', (c) => c.notNull())
        .addColumn('model', 'varchar(128)', (c) => c.notNull())
        .addColumn('doc_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('output_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('consistency', 'integer')
        .addColumn('saliency', 'integer')
        .addColumn('fluency', 'integer')
        .addColumn('comment', 'text')
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('ratings_pk', ['rater', 'task', 'model', 'doc_id', 'output_hash'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('ratings').execute();
    },
  },
  '006_judgements': {
    async up(db: Kysely<unknown>) {
      // An LLM judge's scores of a run's outputs, beside ROUGE-L, with the rubric version.
      await db.schema
        .createTable('judgements')
        .addColumn('run_id', 'varchar(64)', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('task', 'varchar(16)', (c) => c.notNull())
        .addColumn('doc_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('judge', 'varchar(128)', (c) => c.notNull())
        .addColumn('rubric', 'varchar(32)', (c) => c.notNull())
        .addColumn('consistency', 'integer')
        .addColumn('saliency', 'integer')
        .addColumn('fluency', 'integer')
        .addPrimaryKeyConstraint('judgements_pk', ['run_id', 'task', 'doc_id', 'judge', 'rubric'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('judgements').execute();
    },
  },
  '007_live_answer_usage': {
    async up(db: Kysely<unknown>) {
      // How each live answer ended and what it used: finish reason, a name for a non-answer (empty,
      // truncated, filtered: asked again on resume), cached prompt tokens and reasoning tokens.
      for (const [column, type] of [
        ['finish_reason', 'varchar(32)'],
        ['incomplete', 'varchar(16)'],
        ['cached_input_tokens', 'integer'],
        ['reasoning_tokens', 'integer'],
      ] as const)
        await db.schema.alterTable('run_documents').addColumn(column, type).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const column of ['finish_reason', 'incomplete', 'cached_input_tokens', 'reasoning_tokens'])
        await db.schema.alterTable('run_documents').dropColumn(column).execute();
    },
  },
  '008_store_identity': {
    async up(db: Kysely<unknown>) {
      // A store's identity: its queue is named after it, so that a worker of another store sharing the
      // Redis never takes (and completes with nothing computed) this store's jobs.
      await db.schema
        .createTable('store_meta')
        .addColumn('key', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('value', 'varchar(64)', (c) => c.notNull())
        .execute();
      await (db as Kysely<{ store_meta: { key: string; value: string } }>)
        .insertInto('store_meta')
        .values({ key: 'id', value: randomUUID() })
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('store_meta').execute();
    },
  },
  '009_free_text_audit': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('free_text_audit')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('origin', 'varchar(128)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('model', 'varchar(128)', (c) => c.notNull())
        .addColumn('data_policy', 'varchar(16)', (c) => c.notNull())
        .addColumn('applied', 'varchar(16)', (c) => c.notNull())
        .addColumn('findings', 'text', (c) => c.notNull())
        .addColumn('text_sha256', 'varchar(64)', (c) => c.notNull())
        .addColumn('text_length', 'integer', (c) => c.notNull())
        .addColumn('text', 'text')
        .addColumn('answer', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('free_text_audit').execute();
    },
  },
  '010_run_owner': {
    async up(db: Kysely<unknown>) {
      // Who started a run (a face's user id, e.g. a Slack user, or `terminal`): only they or an admin
      // may cancel, re-queue or judge it. Runs from before are nobody's (admins only).
      await db.schema.alterTable('runs').addColumn('started_by', 'varchar(64)').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').dropColumn('started_by').execute();
    },
  },
  '011_run_budget': {
    async up(db: Kysely<unknown>) {
      // A queued run's --max-cost, read by every worker (a job's payload would be lost with Redis).
      await db.schema.alterTable('runs').addColumn('max_cost_usd', 'double precision').execute();
      await db.schema.alterTable('runs').addColumn('budget_since', 'varchar(32)').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').dropColumn('budget_since').execute();
      await db.schema.alterTable('runs').dropColumn('max_cost_usd').execute();
    },
  },
  '012_issue21_thinking': {
    async up(db: Kysely<unknown>) {
      // Issue 21: what a reasoning model thought, kept apart from the answer that is scored; and whether its
      // reasoning tokens were counted by jcb (the server did not report them).
      await db.schema.alterTable('run_documents').addColumn('thinking', 'text').execute();
      await db.schema.alterTable('run_documents').addColumn('reasoning_estimated', 'integer').execute();
      await db.schema.alterTable('response_cache').addColumn('thinking', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('response_cache').dropColumn('thinking').execute();
      await db.schema.alterTable('run_documents').dropColumn('reasoning_estimated').execute();
      await db.schema.alterTable('run_documents').dropColumn('thinking').execute();
    },
  },
};
