// Opening a store: a PostgreSQL pool that survives dropped connections, or an SQLite file (read-only
// when it cannot be written), migrated under a lock.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { createRequire } from 'node:module';
import type PG from 'pg';
import { describeStore } from './errors.js';
import type { Database } from './schema.js';

const require = createRequire(import.meta.url);

/** How long a new PostgreSQL connection may take to be ready (connect, TLS, authentication). */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Kysely, the SQLite driver and the migrations, loaded when a process first opens a store: ~0.2 s CPU and ~20 MB
 * that a command without one (`jcb score`, `jcb tasks`) does not pay (issue 28).
 */
async function drivers() {
  const [kysely, migrations] = await Promise.all([import('kysely'), import('./migrations.js')]);
  return { ...kysely, ...migrations, BetterSqlite3: require('better-sqlite3') as typeof BetterSqlite3 };
}

export interface Opened {
  db: Kysely<Database>;
  /** For people: a path, or PostgreSQL host and database (no password). */
  where: string;
  readOnly: boolean;
}

export async function openPostgres(url: string): Promise<Opened> {
  // The PostgreSQL client is loaded only by a process whose store is one.
  const pg = require('pg') as typeof PG;
  const { Kysely, PostgresDialect, migrateLocked } = await drivers();
  // A connection not ready in 10 s fails (pg waits for ever by default: a DATABASE_URL naming a port where another
  // kind of server listens, Redis say, hung every command without a word); the store's retry then says why.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection the server closes (a restart, a failover, pg_terminate_backend) emits 'error' on its
  // client; unheard, that kills the process. The pool listens only while a client is idle (pg-pool
  // removes its listener while the client is checked out), so every client gets its own listener for
  // its whole life. The broken client is then dropped, and the store's retry opens a new one.
  pool.on('error', () => {});
  pool.on('connect', (client) => void client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateLocked(db as Kysely<unknown>, { kind: 'postgres' });
  } catch (err) {
    await db.destroy().catch(() => {});
    throw err;
  }
  return { db, where: describeStore({ kind: 'postgres', url }), readOnly: false };
}

const READ_ONLY = /^(SQLITE_READONLY|SQLITE_CANTOPEN|EACCES|EPERM|EROFS)/;

export async function openSqlite(file: string): Promise<Opened> {
  const where = describeStore({ kind: 'sqlite', file });
  const { BetterSqlite3, Kysely, SqliteDialect, migrateLocked } = await drivers();
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    sqlite = new BetterSqlite3(file);
    // Waiting for another process's lock (a migration, a write) rather than failing at once.
    sqlite.pragma('busy_timeout = 10000');
    // Several processes (a run and `jcb runs`) may share the file.
    sqlite.pragma('journal_mode = WAL');
    // With WAL, NORMAL syncs at checkpoints rather than at every commit: a crashed process loses
    // nothing, and each stored document costs no fsync.
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite) }) });
    await migrateLocked(db as Kysely<unknown>, { kind: 'sqlite', sqlite });
    return { db, where, readOnly: false };
  } catch (err) {
    sqlite?.close();
    const code = (err as { code?: string }).code ?? '';
    if (!existsSync(file) || !READ_ONLY.test(code)) throw err;
    return openSnapshot(file, where);
  }
}

/**
 * A store that cannot be written is read from a private copy: SQLite cannot read a WAL-mode file
 * in a folder where it may not create its shared-memory file, even read-only. Writes then fail
 * (SQLITE_READONLY), which the commands report as a read-only store.
 */
async function openSnapshot(file: string, where: string): Promise<Opened> {
  const { BetterSqlite3, Kysely, SqliteDialect, isCurrent } = await drivers();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-readonly-'));
  const copy = path.join(dir, path.basename(file));
  copyFileSync(file, copy);
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
  const sqlite = new BetterSqlite3(copy, { readonly: true });
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite) }) });
  if (!(await isCurrent(db as Kysely<unknown>))) {
    await db.destroy();
    throw Object.assign(new Error('read-only and made by an older jcb'), { code: 'SQLITE_READONLY' });
  }
  return { db, where, readOnly: true };
}

/** Statements kept at most; past it the cache starts again (queries with lists of values vary in length). */
const STATEMENTS = 500;

/**
 * `sqlite` as Kysely's SQLite driver uses it, with each statement prepared once by its SQL: the driver prepares every
 * query anew, a parse of the SQL each time a document is stored (issue 28: the engine's overhead per document).
 * Statements are used one query at a time (Kysely holds the one connection for each), as better-sqlite3 needs.
 */
function preparedOnce(sqlite: BetterSqlite3.Database) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= STATEMENTS) statements.clear();
        statements.set(sql, (statement = sqlite.prepare(sql)));
      }
      return statement;
    },
    close: () => sqlite.close(),
  };
}
