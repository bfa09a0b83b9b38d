// Issue 33: every access to a private task's data (run, evaluation, file written), who, what and where.
import type { Kysely, Migration } from 'kysely';

export const privateAccessStep: Record<string, Migration> = {
  '033_private_access': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('private_access')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('act', 'varchar(64)', (c) => c.notNull())
        .addColumn('task', 'varchar(64)', (c) => c.notNull())
        .addColumn('model', 'varchar(128)')
        .addColumn('place', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('private_access').execute();
    },
  },
};
