// Finding 2 of breaker-slack: a button that starts work or spends money acts once. Each such button's claim is a
// row: issued with the offer (who may press it, a hash of what it carries) or made by the first press; the
// press that sets `mark` (its call's nonce) is the one that acts, and `outcome` tells later presses what it did.
import type { Kysely, Migration } from 'kysely';

export const buttonClaimsStep: Record<string, Migration> = {
  '036_button_claims': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('button_claims')
        .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(64)')
        .addColumn('value_hash', 'varchar(64)')
        .addColumn('mark', 'varchar(32)')
        .addColumn('outcome', 'text')
        .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('button_claims').execute();
    },
  },
};
