// The audit of private tasks (issue 33): every access to a private task's data, who, what and where, never the
// data itself. Written by the services at each access; read by `jcb audit`.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';

export interface PrivateAccess {
  /** A Slack user id, or `terminal`. */
  user: string;
  /** `run`, `eval`, `eval --queue`, `export`, `--log-samples`, `-o`. */
  act: string;
  task: string;
  model?: string;
  /** `terminal`, `slack:C0123`, or the file written. */
  place: string;
}

/** Records one access (idempotent under the store's retry: the row's id is made once). */
export async function recordPrivateAccess(store: Store, a: PrivateAccess): Promise<void> {
  const created = new Date().toISOString();
  const id = `${created}-${randomBytes(4).toString('hex')}`;
  await store.query((db) =>
    db
      .insertInto('private_access')
      .values({ id, created_at: created, user_id: a.user, act: a.act, task: a.task, model: a.model ?? null, place: a.place })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute(),
  );
}

/** The latest accesses, newest first. */
export async function privateAccessRows(store: Store, limit = 100): Promise<(PrivateAccess & { at: string })[]> {
  const rows = await store.query((db) =>
    db.selectFrom('private_access').selectAll().orderBy('id', 'desc').limit(limit).execute(),
  );
  return rows.map((r) => ({ at: r.created_at, user: r.user_id, act: r.act, task: r.task, model: r.model ?? undefined, place: r.place }));
}
