// The one set of migrations, for both dialects, run under a lock so that any number of processes
// opening a new store at once all succeed.
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';

import { migrations } from './steps/index.js';

/**
 * Each migration begins in a turn of the event loop of its own: the SQLite driver answers at once, so the whole
 * chain would otherwise run as one turn (a new store's ~35 steps held a starting bot's acks past 100 ms, issue 28).
 */
const provider: MigrationProvider = {
  getMigrations: async () =>
    Object.fromEntries(
      Object.entries(migrations).map(([name, step]) => [
        name,
        {
          ...step,
          up: async (db: Kysely<unknown>) => {
            await nextTurn();
            await step.up(db);
          },
        },
      ]),
    ),
};

/** Any 64-bit key of our own: Kysely's migrator takes its own lock, but creates its tables before it. */
const PG_LOCK_KEY = 7_411_020_110n;

/**
 * Brings a store to the latest schema, holding a lock for the whole of it: on PostgreSQL a session
 * advisory lock on one connection, on SQLite an immediate (write) transaction that the other
 * processes wait for (busy timeout). Without it, processes starting together fail with "table
 * already exists" or "database is locked".
 */
export async function migrateLocked(
  db: Kysely<unknown>,
  target: { kind: 'postgres' } | { kind: 'sqlite'; sqlite: BetterSqlite3.Database },
): Promise<void> {
  if (target.kind === 'postgres') {
    await db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${sql.lit(PG_LOCK_KEY)})`.execute(conn);
      const unlock = () => sql`select pg_advisory_unlock(${sql.lit(PG_LOCK_KEY)})`.execute(conn);
      try {
        await migrateToLatest(conn);
      } catch (err) {
        // The lock is the session's: a lost connection releases it, and unlocking on it fails too, with an error
        // ("connection has been discarded") that would hide the cause the store's retry knows.
        await unlock().catch(() => {});
        throw err;
      }
      await unlock();
    });
    return;
  }
  // SQLite has no transactional DDL in Kysely's eyes, so the migrator runs inside this transaction.
  if (await isCurrent(db)) return;
  await beginImmediate(target.sqlite);
  try {
    await migrateToLatest(db);
    target.sqlite.exec('COMMIT');
  } catch (err) {
    if (target.sqlite.inTransaction) target.sqlite.exec('ROLLBACK');
    throw err;
  }
}

/**
 * Takes SQLite's write lock, waiting for another process's (or connection's) migration. The wait is
 * asynchronous: better-sqlite3's busy timeout sleeps the thread, which would deadlock two stores
 * opened at once in one process (the holder's migration awaits between statements).
 */
async function beginImmediate(sqlite: BetterSqlite3.Database, timeoutMs = 60_000): Promise<void> {
  const busy = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 0');
  try {
    for (const start = Date.now(); ;) {
      try {
        sqlite.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() - start > timeoutMs) throw err;
        await sleep(20 + Math.random() * 30);
      }
    }
  } finally {
    sqlite.pragma(`busy_timeout = ${busy}`);
  }
}

async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (!error && !failed) return;
  // The driver's error stays the cause (and its code the code): a connection lost while migrating is read as the
  // store being unavailable (retried, then the store's one line), not as an unexpected error.
  const step = failed?.migrationName ? ` ${failed.migrationName}` : '';
  const cause = (error as Error | undefined)?.message;
  throw Object.assign(new Error(`jcb store migration${step} failed${cause ? `: ${cause}` : ''}`, { cause: error }), {
    code: (error as { code?: unknown } | undefined)?.code,
  });
}

/** Whether a store has every migration (a read-only store cannot be brought up to date). */
export async function isCurrent(db: Kysely<unknown>): Promise<boolean> {
  const done = await (db as Kysely<{ kysely_migration: { name: string } }>)
    .selectFrom('kysely_migration')
    .select('name')
    .execute()
    .catch(() => []);
  const names = new Set(done.map((r) => r.name));
  return Object.keys(migrations).every((m) => names.has(m));
}
