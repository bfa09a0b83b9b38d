// Why a queued run was stopped as stalled (no worker could take its jobs for JCB_STALLED_MS): one line, shown by
// `jcb status` and the Slack progress once its jobs are gone from Redis; cleared when the run is queued again.
import type { Kysely, Migration } from 'kysely';

export const runStallReasonStep: Record<string, Migration> = {
  '039_run_stall_reason': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').addColumn('stall_reason', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').dropColumn('stall_reason').execute();
    },
  },
};
