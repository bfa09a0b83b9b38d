// PostgreSQL enforces a varchar's length where SQLite does not: values longer than a column's were refused on
// PostgreSQL alone. A watch's message id holds, while its post is claimed, `<until>:<nonce>:<marker>` (~100
// characters; the column had 64): the final scores were never posted (breaker-pg 1); a task file's id (40
// characters) overran `task` (16). Every bounded text column becomes `text` there (binary-compatible: no table is
// rewritten, keys and references hold); the lengths jcb allows are its grammar's (zod), not the database's.
// test/store-text-columns.test.ts keeps any later step from adding one again.
import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

const onPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

export const textColumnsStep: Record<string, Migration> = {
  '037_text_columns': {
    async up(db: Kysely<unknown>) {
      if (!onPostgres(db)) return;
      const { rows } = await sql<{ table_name: string; column_name: string }>`
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND data_type = 'character varying'
          AND table_name NOT LIKE 'kysely_%'`.execute(db);
      for (const c of rows)
        await sql`ALTER TABLE ${sql.id(c.table_name)} ALTER COLUMN ${sql.id(c.column_name)} TYPE text`.execute(db);
    },
    // Not narrowed again: values written since may be longer.
    async down() {},
  },
};
