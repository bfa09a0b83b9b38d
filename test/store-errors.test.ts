// The database drivers' words for a connection that went away, read as one (retried, then one line naming the
// store): node-postgres's and Kysely's (break-store: "Postgres connection has been discarded" at a store's opening
// ended a command with "unexpected error", exit 2), and a connection not ready in time.
import { describe, expect, it } from 'vitest';
import { asStoreError, isTransient } from '../src/store/errors.js';

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
