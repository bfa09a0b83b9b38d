// The services' pool started early (src/services/services-pool.ts): `jcb score` starts it before loading the rest,
// the services take that very pool for the same environment, its warm thread takes the first scoring (no second
// thread started to load the same), and a command refused before its services leaves no thread behind.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { createContext } from '../src/services/context.js';
import { closeEarlyPool, startPoolEarly, takeEarlyPool } from '../src/services/services-pool.js';
import { scoreServices } from '../src/services/score.js';
import { FIXTURE_ENV, FIXTURE_RELEASE, runJcb } from './helpers.js';

afterEach(closeEarlyPool);

describe('a pool started early', () => {
  it('is the pool of the services made for the same environment, and of no other', async () => {
    const env = { ...process.env, ...FIXTURE_ENV, JCB_THREADS: '2' };
    startPoolEarly(env);
    expect(takeEarlyPool({ ...env })).toBeUndefined();
    const ctx = createContext({ env });
    const pool = ctx.pool()!;
    expect(pool.size).toBe(2);
    expect(createContext({ env }).pool()).not.toBe(pool);
    await ctx.close();
  });

  it('is not started with JCB_THREADS=0', () => {
    const env = { ...process.env, ...FIXTURE_ENV, JCB_THREADS: '0' };
    startPoolEarly(env);
    expect(takeEarlyPool(env)).toBeUndefined();
  });

  it('scores on its warming thread: no second thread starts for the first file', async () => {
    const env = { ...process.env, ...FIXTURE_ENV, JCB_THREADS: '2' };
    startPoolEarly(env);
    const ctx = createContext({ env });
    const generated = path.join(FIXTURE_RELEASE, 'data', 'generated');
    const rows = await scoreServices(ctx).score(generated, undefined, true);
    expect(rows.length).toBeGreaterThan(0);
    const pool = ctx.pool()!;
    expect(pool.threads()).toBe(1);
    expect(pool.threads('scoreFiles')).toBeGreaterThan(0);
    await ctx.close();
  });

  it('is closed when the command is refused before its services are made, which says why in one line', async () => {
    // JCB_CHECK_TIMEOUT_MS is checked once the pool has started (prepare): a thread left running would hold the
    // process until its warm-up ended, and one never closed, for as long as it lives.
    const r = await runJcb(['score', '--json'], { ...FIXTURE_ENV, JCB_THREADS: '2', JCB_CHECK_TIMEOUT_MS: 'soon' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^jcb: .*JCB_CHECK_TIMEOUT_MS/);
  });
});
