// Store failures told in one line: which store (a path, or PostgreSQL host and database, never a
// password) and the cause, with what to do; never a stack trace.
import { UserError } from '../base/errors.js';

export type StoreLocation = { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string };

/** "/abs/path/jcb.sqlite", or "PostgreSQL at host:port/database" (user and password left out). */
export function describeStore(location: StoreLocation): string {
  if (location.kind === 'sqlite') return location.file;
  try {
    const url = new URL(location.url);
    const db = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
    return `PostgreSQL at ${url.hostname || 'localhost'}:${url.port || '5432'}/${db}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

export class StoreError extends UserError {
  constructor(
    readonly store: string,
    readonly cause: string,
    hint?: string,
  ) {
    super(`The store ${store} is unavailable: ${cause}.`, hint);
    this.name = 'StoreError';
  }
}

const CAUSES: [RegExp, string, string?][] = [
  [/^SQLITE_FULL$/, 'the disk is full', 'Free some space; the command resumes where it stopped.'],
  [/^53100$/, 'the database server’s disk is full', 'Free some space; the command resumes where it stopped.'],
  [/^25006$/, 'it accepts only reads (a read-only transaction or a standby)', 'Point DATABASE_URL at the primary.'],
  [/^SQLITE_READONLY/, 'it is read-only', 'Commands that only read (runs, show, status, leaderboard) work on it.'],
  [/^SQLITE_CANTOPEN$/, 'the file cannot be opened', 'Check the folder exists and is writable, or set JCB_STORE.'],
  [/^SQLITE_(BUSY|LOCKED)/, 'another process holds it locked', 'Try again when the other jcb process has finished.'],
  [/^SQLITE_(NOTADB|CORRUPT)$/, 'the file is not an SQLite database', 'Point JCB_STORE at a jcb store.'],
  [/^(EACCES|EPERM)$/, 'permission denied', 'Use a folder you can write to (JCB_STORE).'],
  [/^EROFS$/, 'the file system is read-only', 'Use a folder you can write to (JCB_STORE).'],
  [/^ECONNREFUSED$/, 'connection refused', 'Start PostgreSQL or correct DATABASE_URL.'],
  [/^(ENOTFOUND|EAI_AGAIN)$/, 'unknown host', 'Correct the host in DATABASE_URL.'],
  [
    /^(ETIMEDOUT|ECONNRESET|ECONNABORTED|EPIPE|EHOSTUNREACH|ENETUNREACH)$/,
    'the connection was lost',
    'Check PostgreSQL is up; the command resumes where it stopped.',
  ],
  [/^3D000$/, 'the database does not exist', 'Create it (createdb) or correct DATABASE_URL.'],
  [/^55000$/, 'the database does not accept connections', 'Check PostgreSQL; the command resumes where it stopped.'],
  [/^28(P01|000)$/, 'authentication failed', 'Check the user and password in DATABASE_URL.'],
  [
    /^(57P0[1-3]|08\d{3})$/,
    'the server closed the connection',
    'Check PostgreSQL is up; the command resumes where it stopped.',
  ],
];

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: unknown[] };
  if (typeof e?.code === 'string') return e.code;
  // A refused connection to a name with several addresses is an AggregateError with an empty message.
  if (Array.isArray(e?.errors)) return codeOf(e.errors[0]);
  return undefined;
}

/** node-postgres's words for a connection not ready within connectionTimeoutMillis (open.ts). */
const CONNECT_TIMEOUT = /due to connection timeout|timeout exceeded when trying to connect/;

const CONNECTION_LOST =
  /Connection terminated|connection terminated|Client has encountered a connection error|Client was closed and is not queryable|connection has been discarded/;

/**
 * Whether an error means the database connection went away or the database is briefly busy, so that
 * the same call on a new connection, a moment later, may succeed: a reset, refused or timed-out
 * socket; PostgreSQL's 57P01 (admin shutdown), 57P02 (crash shutdown), 57P03 (cannot connect now),
 * 55000 (not accepting connections) and class 08 (connection exception); SQLite's BUSY and LOCKED.
 */
export function isTransient(err: unknown): boolean {
  const code = codeOf(err) ?? '';
  return (
    /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|55000|57P0[1-3]|08\w{3}|SQLITE_BUSY\w*|SQLITE_LOCKED\w*)$/.test(
      code,
    ) || CONNECTION_LOST.test((err as Error)?.message ?? '')
  );
}

/** Whether the database refused the connection: nothing listens there (yet). */
export const isRefused = (err: unknown): boolean => codeOf(err) === 'ECONNREFUSED';

/** The store error an error of the database driver means, or undefined if it is not one. */
export function asStoreError(err: unknown, location: StoreLocation): StoreError | undefined {
  if (err instanceof StoreError) return err;
  if (err instanceof UserError) return undefined;
  const code = codeOf(err);
  const known = code ? CAUSES.find(([re]) => re.test(code)) : undefined;
  if (known) return new StoreError(describeStore(location), known[1], known[2]);
  if (CONNECT_TIMEOUT.test((err as Error)?.message ?? ''))
    return new StoreError(
      describeStore(location),
      'no PostgreSQL answered in time',
      'Check that DATABASE_URL names a PostgreSQL server (its host and port) and that it is up.',
    );
  if (CONNECTION_LOST.test((err as Error)?.message ?? ''))
    return new StoreError(describeStore(location), 'the connection was lost', CAUSES.at(-1)![2]);
  return undefined;
}
