// A DATABASE_URL naming a port where something listens that is not PostgreSQL (a Redis, a server that never
// speaks): the command ends with one line saying so, in about the connection timeout, not never.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_ENV, runJcb } from './helpers.js';

describe('a store URL naming a server that never answers as PostgreSQL', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // Accepts, reads, says nothing (as a Redis does to PostgreSQL's startup message: it waits for a newline).
    server = createServer((socket) => socket.on('data', () => {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('ends with one line naming the cause, without the password', async () => {
    const started = Date.now();
    const { code, err } = await runJcb(['runs'], {
      ...FIXTURE_ENV,
      DATABASE_URL: `postgres://jcb:s3cretpw@127.0.0.1:${port}/jcb`,
      JCB_STORE_RETRY_MS: '0',
    });
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('no PostgreSQL answered in time');
    expect(err).not.toContain('s3cretpw');
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
