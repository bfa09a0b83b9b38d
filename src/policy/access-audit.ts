// The audit of private tasks (issue 33): every access to a private task, who, what, where, and whether its text
// was reached or only its scores shown; never the data itself. Which kind a face's request records comes from
// the tables: the command table's `privateData` (src/command/commands.ts) and the acts table (acts.ts). Written by
// the services (src/services/access.ts); read by `jcb audit`.
import { randomBytes } from 'node:crypto';
import type { PrivateData } from '../command/command-spec.js';
import type { Store } from '../store/store.js';
import { ACTS, type Act } from './acts.js';
import type { Face } from './data-policy.js';

/** `text`: the task's text sent to a model, shown in a terminal or written; `scores`: ids and scores only. */
export type AccessView = 'text' | 'scores';

export interface PrivateAccess {
  /** A Slack user id, `terminal`, or `jcb` (the bot's own posts: scheduled digests, final scores). */
  user: string;
  /** `run`, `eval`, `eval --queue`, `export`, `--log-samples`, `-o`, or the command or listener that showed it. */
  act: string;
  task: string;
  model?: string;
  /** `terminal`, `slack:C0123`, `slack:home` (App Home), or the file written. */
  place: string;
  /** Default `text`. */
  view?: AccessView;
}

/**
 * What a command records when it reaches a private task on `face`, from its `privateData` in the command table:
 * `sends` and `text` its text (Slack shows ids and scores only, but what it sends to a model is text),
 * `scores` scores only; `none` nothing (it never reads a task's data).
 */
export function commandView(use: PrivateData, face: Face): AccessView | undefined {
  if (use === 'none') return undefined;
  if (use === 'scores' || (face === 'slack' && use === 'text')) return 'scores';
  return 'text';
}

/**
 * What a Slack listener records when it reaches a private task, from its acts' `text` in the acts table: scores
 * only (Slack never shows a private task's text; what an act sends to a model is recorded where it is sent, as
 * text), or nothing when none of its acts involves a task's text.
 */
export function actsView(acts: readonly Act[]): AccessView | undefined {
  return acts.some((a) => ACTS[a].text !== 'none') ? 'scores' : undefined;
}

/** Records one access (idempotent under the store's retry: the row's id is made once). */
export async function recordPrivateAccess(store: Store, a: PrivateAccess): Promise<void> {
  const created = new Date().toISOString();
  const id = `${created}-${randomBytes(4).toString('hex')}`;
  const row = { id, created_at: created, user_id: a.user, act: a.act, task: a.task, model: a.model ?? null };
  await store.query((db) =>
    db
      .insertInto('private_access')
      .values({ ...row, place: a.place, view: a.view ?? 'text' })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute(),
  );
}

/** The latest accesses, newest first. */
export async function privateAccessRows(
  store: Store,
  limit = 100,
): Promise<(PrivateAccess & { at: string; view: AccessView })[]> {
  const rows = await store.query((db) =>
    db.selectFrom('private_access').selectAll().orderBy('id', 'desc').limit(limit).execute(),
  );
  return rows.map((r) => ({
    at: r.created_at,
    user: r.user_id,
    act: r.act,
    task: r.task,
    model: r.model ?? undefined,
    place: r.place,
    view: r.view as AccessView,
  }));
}
