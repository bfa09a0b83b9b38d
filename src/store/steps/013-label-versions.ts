// Issue 22: the CCA label version of every stored score (src/release/views.ts). A run records the version whose
// gold it was scored on and whose options its prompts offered; a digest, the version its numbers were computed on.
import { sql, type Kysely, type Migration } from 'kysely';

export const labelVersions: Record<string, Migration> = {
  '013_label_versions': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').addColumn('label_version', 'text').execute();
      await db.schema.alterTable('digests').addColumn('label_version', 'text').execute();
      // Before this step CCA's documents were data.csv's: live and baseline runs sent its options and were scored
      // on its gold (`reviewed`); a replayed run was scored on the gold its generations embed, the paper's.
      await sql`update runs set label_version = case when provider = 'replay' then 'paper' else 'reviewed' end
        where tasks like '%"cca"%'`.execute(db);
      // Digests were made of those runs' stored scores (schedules run live and baseline models).
      await sql`update digests set label_version = 'reviewed'`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('digests').dropColumn('label_version').execute();
      await db.schema.alterTable('runs').dropColumn('label_version').execute();
    },
  },
};
