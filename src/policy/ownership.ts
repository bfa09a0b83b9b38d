// Who may act on a run: the person who started it, or an admin.
import { UserError } from '../base/errors.js';
import type { Run } from '../store/store.js';

/**
 * Throws a UserError unless `who` started the run or is one of `admins` (ids as the face knows them,
 * e.g. Slack user ids from JCB_ADMINS). Runs stored before owners were kept (started_by null) are the
 * admins' only. `verb` names the refused action: "cancel", "re-queue", "judge".
 */
export function requireOwnerOrAdmin(
  run: Pick<Run, 'id' | 'started_by'>,
  who: string,
  admins: readonly string[],
  verb: string,
): void {
  if (admins.includes(who) || (run.started_by !== null && run.started_by === who)) return;
  throw new UserError(
    `Only the person who started run ${run.id}, or an admin, can ${verb} it.`,
    'Ask them, or start a run of your own.',
  );
}
