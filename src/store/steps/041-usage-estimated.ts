// Whether a document's prompt or output tokens are jcb's own count (the server sent no usage, or an impossible one):
// shown marked with the run's tokens and cost (src/models/usage.ts, src/evaluation/answer.ts withOwnCounts).
import type { Kysely, Migration } from 'kysely';

export const usageEstimatedStep: Record<string, Migration> = {
  '041_usage_estimated': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('run_documents').addColumn('usage_estimated', 'integer').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('run_documents').dropColumn('usage_estimated').execute();
    },
  },
};
