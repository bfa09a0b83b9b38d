// Issue 24: what a run was started with that decides its scores besides its engine (declared tasks' file
// hashes, its model's thinking/answer split), as JSON (src/evaluation/run-assumptions.ts). Runs stored
// before keep null: their jobs carry what the process queueing them has.
import type { Kysely, Migration } from 'kysely';

export const runAssumptionsStep: Record<string, Migration> = {
  '034_run_assumptions': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').addColumn('assumptions', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').dropColumn('assumptions').execute();
    },
  },
};
