// Step 041, whether a document's prompt or output tokens are jcb's own count (the server sent no usage, or an impossible one):
// shown marked with the run's tokens and cost (src/models/usage.ts, src/evaluation/answer.ts withOwnCounts); step
// 042, how many documents a setting's means left out.
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
  // Documents a setting's means leave out (ROUGE-L: empty outputs and non-answers, as the release did): its score
  // stands on the others, shown with how many (src/leaderboard/coverage.ts).
  '042_scores_left_out': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('run_scores').addColumn('left_out', 'integer').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('run_scores').dropColumn('left_out').execute();
    },
  },
};
