// Issue 33: each row of private_access says whether the task's text was reached (`text`: sent to a model, shown
// in a terminal, written to a file) or only its scores were shown (`scores`: boards, digests, App Home, lists).
// Rows written before this step were all of the first kind.
import type { Kysely, Migration } from 'kysely';

export const privateAccessViewStep: Record<string, Migration> = {
  '035_private_access_view': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('private_access')
        .addColumn('view', 'varchar(16)', (c) => c.notNull().defaultTo('text'))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('private_access').dropColumn('view').execute();
    },
  },
};
