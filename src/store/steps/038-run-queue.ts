// The queue a run was queued on (its deployment's JCB_QUEUE_PREFIX): two deployments sharing a store re-queue only
// their own runs' lost documents. Runs stored before, and foreground runs, keep null: any deployment re-queues them.
import type { Kysely, Migration } from 'kysely';

export const runQueueStep: Record<string, Migration> = {
  '038_run_queue': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').addColumn('queue', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').dropColumn('queue').execute();
    },
  },
};
