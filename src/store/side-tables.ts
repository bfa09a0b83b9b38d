// The store's tables beside the runs: Slack progress messages, digests, ratings, judgements and the
// request history. Every method is retried by the Store (see retry.ts); each one's writes are
// idempotent: upserts, deletes, or inserts of a key made once per call (callStamp).
import type { Kysely, Selectable } from 'kysely';
import { callStamp } from './retry.js';
import { inChunks } from './id-chunks.js';
import type {
  ButtonClaimsTable,
  Database,
  JudgementsTable,
  RatingsTable,
  RequestHistoryTable,
  RunNotificationsTable,
  RunsTable,
} from './schema.js';

export class SideTables {
  constructor(readonly db: Kysely<Database>) {}

  async notify(runId: string, target: string, messageId: string): Promise<void> {
    await this.db
      .insertInto('run_notifications')
      .values({ run_id: runId, target, message_id: messageId, done: 0, created_at: callStamp().now })
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

  /**
   * Closes a run's notification; true only for the one call (of any process) that closed it. `done` holds a
   * mark of the closing call (any non-zero value is closed), so that a retry of a close that committed
   * before its reply was lost still knows it was this call's.
   */
  async closeNotification(runId: string): Promise<boolean> {
    const mark = 1 + (Number.parseInt(callStamp().nonce, 16) % 1_000_000_000);
    await this.db
      .updateTable('run_notifications')
      .set({ done: mark })
      .where('run_id', '=', runId)
      .where('done', '=', 0)
      .execute();
    const row = await this.db
      .selectFrom('run_notifications')
      .select('done')
      .where('run_id', '=', runId)
      .executeTakeFirst();
    return Number(row?.done) === mark;
  }

  /**
   * Moves `runId`'s open notification from `from` (its target, and its message id when given) to target `to`
   * with message id `<at>:<nonce>` (`at`: ms, a time the caller reads back, e.g. not before): the new message
   * id for the one call (of any process) that moved it, else undefined. A compare-and-set: bots sharing the
   * store take a pending digest once; a retry of a move that committed reads back its own nonce. `mark` (no
   * colon), when given, ends the id (`<at>:<nonce>:<mark>`): what the caller keeps across moves (a digest's
   * posting marker).
   */
  async moveNotification(
    runId: string,
    from: { target: string; messageId?: string },
    to: string,
    at: number,
    mark?: string,
  ): Promise<string | undefined> {
    const messageId = `${Math.round(at)}:${callStamp().nonce}${mark ? `:${mark}` : ''}`;
    let move = this.db
      .updateTable('run_notifications')
      .set({ target: to, message_id: messageId })
      .where('run_id', '=', runId)
      .where('done', '=', 0)
      .where('target', '=', from.target);
    if (from.messageId !== undefined) move = move.where('message_id', '=', from.messageId);
    await move.execute();
    const row = await this.db
      .selectFrom('run_notifications')
      .select(['target', 'message_id', 'done'])
      .where('run_id', '=', runId)
      .executeTakeFirst();
    return row && Number(row.done) === 0 && row.target === to && row.message_id === messageId ? messageId : undefined;
  }

  async lastDigest(
    schedule: string,
  ): Promise<{ posted_at: string; scores: string; label_version: string | null } | undefined> {
    return this.db
      .selectFrom('digests')
      .select(['posted_at', 'scores', 'label_version'])
      .where('schedule', '=', schedule)
      .orderBy('posted_at', 'desc')
      .executeTakeFirst();
  }

  async saveDigest(schedule: string, scores: string, labels: string | null = null): Promise<void> {
    await this.db
      .insertInto('digests')
      .values({ schedule, posted_at: callStamp().now, scores, label_version: labels })
      .onConflict((oc) => oc.columns(['schedule', 'posted_at']).doNothing())
      .execute();
  }

  async runsSince(models: readonly string[], since: string): Promise<Selectable<RunsTable>[]> {
    return inChunks(models, (chunk) =>
      this.db.selectFrom('runs').selectAll().where('model', 'in', chunk).where('created_at', '>', since).execute(),
    );
  }

  /** Stores a rater's judgement of an output; given criteria replace earlier ones, others are kept. */
  async rate(
    key: Pick<Selectable<RatingsTable>, 'rater' | 'task' | 'model' | 'doc_id' | 'output_hash'>,
    values: Partial<Pick<Selectable<RatingsTable>, 'consistency' | 'saliency' | 'fluency' | 'comment'>>,
  ): Promise<void> {
    const updated_at = callStamp().now;
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

  async recordRequest(row: Omit<Selectable<RequestHistoryTable>, 'id'>): Promise<void> {
    const id = `${row.created_at}-${callStamp().nonce}`;
    await this.db
      .insertInto('request_history')
      .values({ id, ...row })
      .onConflict((oc) => oc.column('id').doNothing())
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

  /** Issues a one-time offer (a button that may act once): who may press it and a hash of what it carries. */
  async issueButton(id: string, offer: { user: string | null; valueHash: string | null; expiresAt: string }): Promise<void> {
    const row: Selectable<ButtonClaimsTable> = {
      id,
      user_id: offer.user,
      value_hash: offer.valueHash,
      mark: null,
      outcome: null,
      expires_at: offer.expiresAt,
      created_at: callStamp().now,
    };
    await this.db.insertInto('button_claims').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
    // Claims expired a day ago tell nobody anything any more (a press of one reads as not issued).
    const dayAgo = new Date(Date.parse(row.created_at) - 86_400_000).toISOString();
    await this.db.deleteFrom('button_claims').where('expires_at', '<', dayAgo).execute();
  }

  /**
   * A press of button `id`: true for the one call (of any process) that may act on it, else why not. An issued
   * offer is claimed by its person, carrying its value, before it expires; with `holdMs` (a button of a message,
   * no offer issued) the first press claims it for that long. A retry of a claim that committed reads back its nonce.
   */
  async claimButton(
    id: string,
    press: { user: string; valueHash?: string; holdMs?: number },
  ): Promise<ButtonClaim> {
    const { now, nonce } = callStamp();
    if (press.holdMs !== undefined) {
      const expires_at = new Date(Date.parse(now) + press.holdMs).toISOString();
      const fresh = { mark: nonce, outcome: null, expires_at, created_at: now, user_id: null, value_hash: null };
      await this.db
        .insertInto('button_claims')
        .values({ id, ...fresh })
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet(fresh)
            .where((eb) => eb.or([eb('button_claims.expires_at', '<', now), eb('button_claims.mark', 'is', null)])),
        )
        .execute();
    } else {
      await this.db
        .updateTable('button_claims')
        .set({ mark: nonce })
        .where('id', '=', id)
        .where('mark', 'is', null)
        .where('expires_at', '>', now)
        .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', press.user)]))
        .where((eb) =>
          press.valueHash === undefined ? eb('value_hash', 'is', null) : eb('value_hash', '=', press.valueHash),
        )
        .execute();
    }
    const row = await this.db.selectFrom('button_claims').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return { acted: false, why: 'unknown' };
    if (row.mark === nonce) return { acted: true };
    if (row.mark !== null) return { acted: false, why: 'taken', outcome: row.outcome ?? undefined };
    if (row.user_id !== null && row.user_id !== press.user) return { acted: false, why: 'not-yours' };
    if (row.expires_at <= now) return { acted: false, why: 'expired' };
    return { acted: false, why: 'changed' };
  }

  /** What the press that claimed `id` did (a run id); `undefined`: it did nothing, and the button stands again. */
  async settleButton(id: string, outcome: string | undefined): Promise<void> {
    await this.db
      .updateTable('button_claims')
      .set(outcome === undefined ? { mark: null, outcome: null } : { outcome })
      .where('id', '=', id)
      .execute();
  }
}

/** A press of a one-time button: it acts, or why not (`outcome`: what the press that acted did). */
export type ButtonClaim =
  | { acted: true }
  | { acted: false; why: 'unknown' | 'taken' | 'not-yours' | 'expired' | 'changed'; outcome?: string };
