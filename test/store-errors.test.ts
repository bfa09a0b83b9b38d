// The database drivers' words for a connection that went away, read as one (retried, then one line naming the
// store): node-postgres's and Kysely's (break-store: "Postgres connection has been discarded" at a store's opening
// ended a command with "unexpected error", exit 2), and a connection not ready in time.
import { describe, expect, it } from 'vitest';
import { asStoreError, isTransient, storeCause, storeLogLine } from '../src/store/errors.js';

const location = { kind: 'postgres', url: 'postgres://jcb:s3cret@db.internal:5432/jcb' } as const;

describe('a lost connection, in any driver’s words', () => {
  it.each([
    'Connection terminated unexpectedly',
    'Client has encountered a connection error and is not queryable',
    'Client was closed and is not queryable',
    'Postgres connection has been discarded',
  ])('%s: retried, then the connection was lost', (message) => {
    const err = new Error(message);
    expect(isTransient(err)).toBe(true);
    expect(asStoreError(err, location)?.message).toMatch(/the connection was lost/);
    expect(asStoreError(err, location)?.message).not.toContain('s3cret');
  });

  it('a connection not ready in time: retried, then no PostgreSQL answered', () => {
    const err = new Error('Connection terminated due to connection timeout');
    expect(isTransient(err)).toBe(true);
    expect(asStoreError(err, location)?.message).toMatch(/no PostgreSQL answered in time/);
  });
});

// breaker-pg 2: a connection killed while a command opened the store ended it with "unexpected error: jcb store
// migration  failed: terminating connection due to administrator command", exit 2: the migration's wrapper dropped
// the driver's code. Every code PostgreSQL or the socket gives for a lost connection is read the same way, bare or
// wrapped (as a failed migration wraps it): retried, then "the store … is unavailable".
describe('every code of a lost or refused connection, bare or wrapped by a migration', () => {
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
  const wrapped = (err: Error) =>
    Object.assign(new Error(`jcb store migration failed: ${err.message}`, { cause: err }), { code: undefined });
  it.each([
    ['57P01', 'terminating connection due to administrator command', 'the server closed the connection'],
    ['57P02', 'terminating connection because of crash of another server process', 'the server closed the connection'],
    ['57P03', 'the database system is starting up', 'the server closed the connection'],
    ['08000', 'connection exception', 'the server closed the connection'],
    ['08003', 'connection does not exist', 'the server closed the connection'],
    ['08006', 'connection failure', 'the server closed the connection'],
    ['08001', 'could not connect', 'the server closed the connection'],
    ['08P01', 'protocol violation', 'the server closed the connection'],
    ['55000', 'not accepting connections', 'the database does not accept connections'],
    ['ECONNRESET', 'read ECONNRESET', 'the connection was lost'],
    ['EPIPE', 'write EPIPE', 'the connection was lost'],
    ['ETIMEDOUT', 'connect ETIMEDOUT', 'the connection was lost'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432', 'connection refused'],
  ])('%s (%s)', (code, message, cause) => {
    for (const err of [pgError(code, message), wrapped(pgError(code, message))]) {
      expect(isTransient(err)).toBe(true);
      expect(storeCause(err)?.cause).toBe(cause);
      expect(asStoreError(err, location)?.message).toBe(
        `The store PostgreSQL at db.internal:5432/jcb is unavailable: ${cause}.`,
      );
    }
  });

  it('a message alone (no code) says the connection was lost, wrapped too', () => {
    const err = wrapped(new Error('Connection terminated unexpectedly'));
    expect(isTransient(err)).toBe(true);
    expect(storeCause(err)?.cause).toBe('the connection was lost');
  });

  it.each([
    ['23505', 'duplicate key value violates unique constraint'],
    ['42P01', 'relation "runs" does not exist'],
    ['22001', 'value too long for type character varying(64)'],
  ])('%s is not an outage: not retried, not "unavailable"', (code, message) => {
    for (const err of [pgError(code, message), wrapped(pgError(code, message))]) {
      expect(isTransient(err)).toBe(false);
      expect(storeCause(err)).toBeUndefined();
    }
  });

  it('a log line names the store and the cause, never the password', () => {
    const line = storeLogLine(pgError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432'), location);
    expect(line).toBe('store unavailable (PostgreSQL at db.internal:5432/jcb: connection refused)');
    expect(storeLogLine(new Error('boom'), location)).toBeUndefined();
  });
});
