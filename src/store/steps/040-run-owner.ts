// Who runs a foreground run and when it last said so: its process (host, pid, the process's start identity, a
// random token) and a heartbeat (ISO time, refreshed while it works). A reader that finds the process gone stops the
// run as interrupted (src/evaluation/owner.ts); queued runs have no owner (their workers' stall handling is apart).
import type { Kysely, Migration } from 'kysely';

const COLUMNS = [
  ['owner_host', 'text'],
  ['owner_pid', 'integer'],
  ['owner_start', 'text'],
  ['owner_token', 'text'],
  ['heartbeat_at', 'text'],
] as const;

export const runOwnerStep: Record<string, Migration> = {
  '040_run_owner': {
    async up(db: Kysely<unknown>) {
      for (const [name, type] of COLUMNS) await db.schema.alterTable('runs').addColumn(name, type).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const [name] of COLUMNS) await db.schema.alterTable('runs').dropColumn(name).execute();
    },
  },
};
