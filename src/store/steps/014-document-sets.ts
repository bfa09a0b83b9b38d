// Issue 22: which documents a run was planned on, and from which release. Runs stored before keep nulls: they
// took every row jcb read then (src/tasks/documents.ts documentSetOf says which set that is per setting).
import type { Kysely, Migration } from 'kysely';

export const documentSets: Record<string, Migration> = {
  '014_document_sets': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').addColumn('document_set', 'varchar(16)').execute();
      await db.schema.alterTable('runs').addColumn('document_count', 'integer').execute();
      await db.schema.alterTable('runs').addColumn('release_commit', 'varchar(64)').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').dropColumn('release_commit').execute();
      await db.schema.alterTable('runs').dropColumn('document_count').execute();
      await db.schema.alterTable('runs').dropColumn('document_set').execute();
    },
  },
};
