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
    /** Whether it may pass by itself (a lost, refused or busy connection), as opposed to a setting to correct. */
    readonly transient = false,
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
    /^(57P0[1-3]|08\w{3})$/,
    'the server closed the connection',
    'Check PostgreSQL is up; the command resumes where it stopped.',
  ],
];

/** The driver's code of an error, or of the error it wraps (`cause`: a failed migration, say). */
function codeOf(err: unknown, depth = 0): string | undefined {
  const e = err as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof e?.code === 'string') return e.code;
  if (depth > 4) return undefined;
  // A refused connection to a name with several addresses is an AggregateError with an empty message.
  if (Array.isArray(e?.errors)) return codeOf(e.errors[0], depth + 1);
  if (e?.cause !== undefined) return codeOf(e.cause, depth + 1);
  return undefined;
}

/** The messages of an error and of the errors it wraps. */
function messagesOf(err: unknown): string {
  const parts: string[] = [];
  for (
    let e = err as { message?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as typeof e, i++
  )
    if (typeof e.message === 'string') parts.push(e.message);
  return parts.join('\n');
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
    ) || CONNECTION_LOST.test(messagesOf(err))
  );
}

/** Whether the database refused the connection: nothing listens there (yet). */
export const isRefused = (err: unknown): boolean => codeOf(err) === 'ECONNREFUSED';

/** What a store failure is: its cause in a few words and what to do (for whoever runs the store). */
export interface StoreCause {
  cause: string;
  hint?: string;
  /** It may pass by itself (isTransient): waited for by a starting worker. */
  transient: boolean;
}

/**
 * The one reading of a database driver's error as a store failure (the CLI's line, the bot's answer, the
 * workers' and the progress tracker's logs all use it), or undefined if it is not one (a bug, a constraint).
 * A StoreError is read back as its cause.
 */
export function storeCause(err: unknown): StoreCause | undefined {
  if (err instanceof StoreError) return { cause: err.cause, hint: err.hint, transient: err.transient };
  if (err instanceof UserError) return undefined;
  const code = codeOf(err);
  const known = code ? CAUSES.find(([re]) => re.test(code)) : undefined;
  const transient = isTransient(err);
  if (known) return { cause: known[1], hint: known[2], transient };
  const message = messagesOf(err);
  if (CONNECT_TIMEOUT.test(message))
    return {
      cause: 'no PostgreSQL answered in time',
      hint: 'Check that DATABASE_URL names a PostgreSQL server (its host and port) and that it is up.',
      transient,
    };
  if (CONNECTION_LOST.test(message)) return { cause: 'the connection was lost', hint: CAUSES.at(-1)![2], transient };
  return undefined;
}

/** The store error an error of the database driver means, or undefined if it is not one. */
export function asStoreError(err: unknown, location: StoreLocation): StoreError | undefined {
  if (err instanceof StoreError) return err;
  const known = storeCause(err);
  return known && new StoreError(describeStore(location), known.cause, known.hint, known.transient);
}

/**
 * A store failure in one line for a log (no stack, no password): "store unavailable (PostgreSQL at host:port/db:
 * connection refused)", or undefined when `err` is not a store failure.
 */
export function storeLogLine(err: unknown, location: StoreLocation): string | undefined {
  const known = storeCause(err);
  return known && `store unavailable (${describeStore(location)}: ${known.cause})`;
}
