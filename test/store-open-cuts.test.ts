// breaker-pg 2: connections killed while a command opens (and migrates) its store. Before, the migration's wrapper
// dropped the driver's code: "jcb: unexpected error: jcb store migration  failed: terminating connection due to
// administrator command", exit 2, not retried. Now the opening is retried like any store call, and a store that
// stays away is the store's one line, exit 1.
import { spawn, spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, freshStore, JCB_BIN } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Terminates every connection to `url`'s database every `everyMs` until stopped; counts the kills. */
async function killLoop(url: string, everyMs: number) {
  const target = new URL(url);
  const db = target.pathname.slice(1);
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  let stopped = false;
  let kills = 0;
  const loop = (async () => {
    while (!stopped) {
      const r = await admin.query<{ k: boolean }>(
        'SELECT pg_terminate_backend(pid) AS k FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [db],
      );
      kills += r.rows.length;
      await new Promise((res) => setTimeout(res, everyMs));
    }
  })();
  return {
    kills: () => kills,
    async stop() {
      if (stopped) return loop;
      stopped = true;
      await loop;
      await admin.end();
    },
  };
}

/** jcb run asynchronously (a kill loop in this process keeps running meanwhile). */
function run(args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [JCB_BIN, ...args], {
      env: { ...process.env, ...FIXTURE_ENV, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (status) => resolve({ status, stderr }));
  });
}

describe('connections killed while the store opens (PostgreSQL)', () => {
  it('a fresh store whose connections are killed while it migrates opens once the kills stop', async () => {
    let kills = 0;
    for (let i = 0; i < 5; i++) {
      const fresh = await freshStore('postgres');
      cleanups.push(() => fresh.drop());
      const loop = await killLoop(fresh.env.DATABASE_URL!, 10);
      // Kills for the first 0.2–1 s of the opening (its migrations), then lets it be: it must then open.
      const stopping = new Promise((r) => setTimeout(r, 200 + i * 200)).then(() => loop.stop());
      try {
        const store = await Store.open({ ...fresh.env, JCB_STORE_RETRY_MS: '20000' });
        await stopping;
        expect(await store.id()).toMatch(/\w/);
        await store.close();
      } finally {
        await loop.stop().catch(() => {});
        kills += loop.kills();
      }
    }
    expect(kills).toBeGreaterThan(0);
  }, 120_000);

  it('jcb status under a kill loop: exit 0, or the store line with exit 1; never "unexpected error", exit 2', async () => {
    const fresh = await freshStore('postgres');
    cleanups.push(() => fresh.drop());
    const loop = await killLoop(fresh.env.DATABASE_URL!, 25);
    cleanups.push(() => loop.stop().catch(() => {}));
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      // Asynchronously: the kill loop runs in this process.
      const r = await run(['status'], { ...fresh.env, JCB_STORE_RETRY_MS: '3000' });
      outcomes.push(`${r.status}: ${r.stderr.trim()}`);
      expect(r.stderr).not.toMatch(/unexpected error|migration {2}failed/);
      if (r.status !== 0) expect(r.stderr).toMatch(/^jcb: The store PostgreSQL at .* is unavailable: /);
      expect([0, 1]).toContain(r.status);
    }
    expect(loop.kills()).toBeGreaterThan(0);
  }, 180_000);

  it('a store that stays away while opening: the one store line, exit 1', () => {
    const r = spawnSync(process.execPath, [JCB_BIN, 'status'], {
      env: {
        ...process.env,
        ...FIXTURE_ENV,
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
        JCB_STORE_RETRY_MS: '500',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'jcb: The store PostgreSQL at 127.0.0.1:1/none is unavailable: connection refused. Start PostgreSQL or correct DATABASE_URL.',
    );
  });
});
