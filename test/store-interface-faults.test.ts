// Every method of the store (listed from the Store's prototypes, so a new one is covered without anyone
// remembering) × a fault before, during and after the call, on SQLite and PostgreSQL (issue 23). A
// fault before the call is a refused or dropped connection (SQLite: a busy database) before the query
// reaches the database; during, the query ran (and committed) but its reply was lost; after, the real
// connections are cut (PostgreSQL: pg_terminate_backend) or the file locked by another process
// (SQLite) once the call returned. Each call must retry and give what it gives without a fault, with
// the same rows in every table (idempotent writes), or, when the fault stays, end in an error that
// tells the store and the cause in one line; never crash the process.
import { fork } from 'node:child_process';
import path from 'node:path';
import {
  sql,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
} from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStoreError, type StoreLocation } from '../src/store/errors.js';
import { storeMethods } from '../src/store/retry.js';
import { Store } from '../src/store/store.js';
import type { Database } from '../src/store/schema.js';
import { chaosProxy } from './chaos-proxy.js';
import { documentRow as doc, freshStore, runRow as run, type TestStore } from './helpers.js';

const T0 = '2026-01-01T00:00:00.000Z';
const score = {
  run_id: 'r1',
  task: 'mr',
  n: 1,
  failed: 0,
  parse_failures: 0,
  left_out: null,
  metrics: '{}',
  score: 1,
  finished_at: T0,
};

/** What each store method is called with in the drill: a method missing here fails the test by name. */
const CALLS: Record<string, (s: Store) => Promise<unknown>> = {
  // The id is read once per Store; forgetting it makes the drill read it again. Stores differ in it.
  id: (s) => {
    (s as unknown as { identity?: unknown }).identity = undefined;
    return s.id().then((id) => id.length > 8);
  },
  query: (s) => s.query((db) => db.selectFrom('runs').select('id').orderBy('id').execute()),
  createRun: (s) => s.createRun(run('r2', 'queued')),
  getRun: (s) => s.getRun('r1'),
  listRuns: (s) => s.listRuns(),
  transition: (s) => s.transition('r1', 'running', 'aggregating'),
  progress: (s) => s.progress('r1'),
  pace: (s) => s.pace('r1', T0),
  previousScores: (s) => s.previousScores('gpt-4o', 'one', '2027-01-01T00:00:00.000Z'),
  queuedRuns: (s) => s.queuedRuns(),
  lastActivity: (s) => s.getRun('r1').then((r) => s.lastActivity(r!)),
  forgetFailed: (s) => s.forgetFailed('r1', [{ task: 'mr', docId: 'd2' }]),
  setPlanned: (s) => s.setPlanned('r1', 3, null),
  setRunStatus: (s) => s.setRunStatus('r1', 'interrupted'),
  saveDocument: (s) => s.saveDocument(doc('d3')),
  claimRun: (s) => s.claimRun('r1', { host: 'drill', pid: 4242, start: null, token: 'drill-token' }),
  heartbeat: (s) => s.heartbeat('r1', 'drill-token'),
  ownedRuns: (s) => s.ownedRuns(),
  stopOrphan: (s) => s.getRun('r1').then((r) => s.stopOrphan(r!, 'its process ended (drill)')),
  documents: (s) => s.documents('r1'),
  saveScore: (s) => s.saveScore({ ...score, score: 0.5 }),
  scores: (s) => s.scores('r1'),
  cached: (s) => s.cached('k1'),
  cache: (s) => s.cache('k2', { output: 'o', thinking: null, input_tokens: 1, output_tokens: 1 }),
  notify: (s) => s.notify('r1', 'slack:C1', 'm2'),
  openNotifications: (s) => s.openNotifications('slack:'),
  closeNotification: (s) => s.closeNotification('r1'),
  moveNotification: (s) => s.moveNotification('r1', { target: 'slack:C1', messageId: 'm1' }, 'digest-due:weekly', 1),
  lastDigest: (s) => s.lastDigest('weekly'),
  saveDigest: (s) => s.saveDigest('weekly', '{"mr":1}'),
  runsSince: (s) => s.runsSince(['gpt-4o'], '2025-01-01T00:00:00.000Z'),
  rate: (s) =>
    s.rate({ rater: 'u1', task: 'mr', model: 'gpt-4o', doc_id: 'd1', output_hash: 'oh' }, { consistency: 4 }),
  saveJudgement: (s) =>
    s.saveJudgement({
      run_id: 'r1',
      task: 'mr',
      doc_id: 'd1',
      judge: 'j',
      rubric: 'r',
      consistency: 3,
      saliency: null,
      fluency: null,
    }),
  judgements: (s) => s.judgements(),
  ratings: (s) => s.ratings('mr'),
  recordRequest: (s) =>
    s.recordRequest({
      user_id: 'u1',
      origin: 'slack',
      task: 'mr',
      model: 'gpt-4o',
      shot: 'one',
      doc_id: 'd1',
      score: 1,
      created_at: T0,
    }),
  recentRequests: (s) => s.recentRequests('u1'),
  countRuns: (s) => s.countRuns(['queued', 'running']),
  issueButton: (s) => s.issueButton('b2', { user: 'u1', valueHash: 'h2', expiresAt: '2099-01-01T00:00:00.000Z' }),
  claimButton: (s) => s.claimButton('b1', { user: 'u1', valueHash: 'h1' }),
  settleButton: (s) => s.settleButton('b1', 'queued r1'),
};

/** The same rows in every store the drill starts from. */
async function seed(s: Store): Promise<void> {
  await s.createRun(run('r1'));
  await s.saveDocument(doc('d1'));
  await s.saveDocument(doc('d2', 'failed'));
  await s.saveScore(score);
  await s.cache('k1', { output: 'x', thinking: null, input_tokens: null, output_tokens: null });
  await s.notify('r1', 'slack:C1', 'm1');
  await s.issueButton('b1', { user: 'u1', valueHash: 'h1', expiresAt: '2099-01-01T00:00:00.000Z' });
}

const TABLES = [
  'runs',
  'run_documents',
  'run_scores',
  'response_cache',
  'request_history',
  'run_notifications',
  'digests',
  'ratings',
  'judgements',
  'button_claims',
] as const;

/** Every table's rows, but the times a call stamps (which differ from store to store). */
async function contents(s: Store): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const t of TABLES) {
    const rows = await s.query((db) => db.selectFrom(t).selectAll().execute());
    out[t] = rows.map((r) => comparable(r)).sort();
  }
  return comparable(out);
}
/**
 * JSON of `v` with the times and nonces a call makes (which differ from store to store) masked, and a closed
 * notification's mark of its closing call (`done`, any non-zero value) read as closed.
 */
const comparable = (v: unknown) =>
  JSON.stringify(v ?? null, (k, x: unknown) =>
    typeof x === 'string' && x > '2026-06' && /^20\d\d-/.test(x)
      ? 'NOW'
      : k === 'done' && typeof x === 'number' && x > 0
        ? 'closed'
        : k === 'mark' && typeof x === 'string' && /^[0-9a-f]{8}$/.test(x)
          ? 'nonce' // a button claim's mark: its claiming call's nonce
          : x,
  )
    .replace(/(\.\d{3}Z|NOW)-[0-9a-f]{8}"/g, '$1-nonce"')
    .replace(/"(\d+):[0-9a-f]{8}"/g, '"$1:nonce"'); // a moved notification's message id (moveNotification)

/** Throws `error` in place of the next `count` queries: before they reach the database, or after (reply lost). */
class Faults implements KyselyPlugin {
  count = 0;
  moment: 'before' | 'during' = 'before';
  constructor(private readonly error: () => Error) {}
  transformQuery(args: PluginTransformQueryArgs) {
    if (this.moment === 'before' && this.count > 0) {
      this.count--;
      throw this.error();
    }
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    if (this.moment === 'during' && this.count > 0) {
      this.count--;
      throw this.error();
    }
    return args.result;
  }
}

const faultOf = {
  postgres: () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
  sqlite: () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
};

async function openFaulty(env: Record<string, string>, kind: 'sqlite' | 'postgres') {
  const store = await Store.open(env);
  const faults = new Faults(faultOf[kind]);
  const writable = store as unknown as { db: Kysely<Database> };
  writable.db = writable.db.withPlugin(faults);
  return { store, faults };
}

/** Cuts every connection to the store's database (PostgreSQL) or locks its file for 300 ms (SQLite). */
async function cutAfter(kind: 'sqlite' | 'postgres', env: Record<string, string>): Promise<void> {
  if (kind === 'postgres') {
    const url = new URL(env.DATABASE_URL);
    const db = url.pathname.slice(1);
    url.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db]);
    await admin.end();
    return;
  }
  const holder = fork(path.resolve(__dirname, 'fixtures/scripts/lock-store.cjs'), [env.JCB_STORE, '300'], {
    stdio: 'ignore',
    execArgv: [],
  });
  await new Promise((resolve) => holder.once('message', resolve));
}

const methods = storeMethods(Store.prototype).filter((m) => m !== 'close');

describe('the store interface', () => {
  it('every method has a drill call (add one to CALLS for a new method)', () => {
    expect(methods.filter((m) => !(m in CALLS))).toEqual([]);
    expect(methods.length).toBeGreaterThan(25);
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`every store method under a lost connection (${kind})`, () => {
    let reference: TestStore;
    let faulty: TestStore;
    let ref: Store;
    let s: Store;
    let faults: Faults;
    let location: StoreLocation;
    beforeAll(async () => {
      reference = await freshStore(kind);
      faulty = await freshStore(kind);
      ref = await Store.open({ ...reference.env, JCB_STORE_RETRY_MS: '20000' });
      ({ store: s, faults } = await openFaulty({ ...faulty.env, JCB_STORE_RETRY_MS: '20000' }, kind));
      location = kind === 'postgres' ? { kind, url: faulty.env.DATABASE_URL } : { kind, file: faulty.env.JCB_STORE };
    });
    afterAll(async () => {
      await ref?.close();
      await s?.close();
      await reference?.drop();
      await faulty?.drop();
    });

    for (const method of methods) {
      it(`${method}: before, during and after`, async () => {
        const call = CALLS[method]!;
        for (const moment of ['before', 'during', 'after'] as const) {
          // Both stores start from the same rows; the reference runs the call without a fault.
          for (const store of [ref, s]) {
            await store.query(async (db) => {
              for (const t of TABLES) await db.deleteFrom(t).execute();
            });
            await seed(store);
          }
          const expected = comparable(await call(ref));
          if (moment !== 'after') {
            faults.moment = moment;
            faults.count = 2;
          }
          const got = comparable(await call(s));
          expect(faults.count, `${moment}: the faults were met`).toBe(0);
          if (moment === 'after') {
            await cutAfter(kind, faulty.env);
            await s.saveDocument(doc('d9'));
            await ref.saveDocument(doc('d9'));
          }
          expect(got, `${method} ${moment}: the same answer`).toBe(expected);
          expect(await contents(s), `${method} ${moment}: the same rows`).toBe(await contents(ref));
        }
      });
    }

    it.runIf(kind === 'postgres')(
      'a network cut during a query is retried on a new connection; nothing crashes',
      async () => {
        // The socket ends with no word from the server while the client is checked out (pg-pool no longer
        // listens to it): without a listener of its own, the client's 'error' event would end the process.
        const url = new URL(faulty.env.DATABASE_URL);
        const proxy = await chaosProxy({ host: url.hostname, port: Number(url.port || 5432) }, 23);
        url.port = String(proxy.port);
        const viaProxy = await Store.open({ DATABASE_URL: url.toString(), JCB_STORE_RETRY_MS: '20000' });
        try {
          let first = true;
          const answer = await viaProxy.query(async (db) => {
            if (first) {
              first = false;
              setTimeout(() => proxy.cutAll(), 300);
              await sql`select pg_sleep(3)`.execute(db);
            }
            return (await sql<{ n: number }>`select 1 as n`.execute(db)).rows[0]!.n;
          });
          expect(answer).toBe(1);
          expect(proxy.cuts()).toBeGreaterThan(0);
        } finally {
          await viaProxy.close();
          await proxy.close();
        }
      },
    );

    it('a fault that stays: every method ends in one line naming the store and the cause', async () => {
      const { store: brief, faults: always } = await openFaulty({ ...faulty.env, JCB_STORE_RETRY_MS: '150' }, kind);
      try {
        await seed(brief).catch(() => {});
        always.count = Number.POSITIVE_INFINITY;
        for (const method of methods) {
          const err = await CALLS[method]!(brief).then(
            () => undefined,
            (e: unknown) => e,
          );
          const line = asStoreError(err, location);
          expect(line?.message, method).toMatch(/^The store .+ is unavailable: .+\.$/);
          expect(line?.message).not.toContain('\n');
        }
      } finally {
        always.count = 0;
        await brief.close();
      }
    });
  });
}
