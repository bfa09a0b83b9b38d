// What production does to background evaluations (issue 11): re-queue, Redis loss, PostgreSQL
// connection drops, start-up races, the engine's lanes, workers of another store, shutdown, store
// errors. Against the real services: the machine's Redis (a prefix per test) and PostgreSQL (a fresh
// database per test), and a redis-server of our own on a spare port for what kills Redis.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findTask } from '../src/evaluation/documents.js';
import { processItems } from '../src/evaluation/engine.js';
import { openRun, planDocuments } from '../src/evaluation/plan.js';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import {
  chatCompletion,
  FIXTURE_ENV,
  FIXTURE_RELEASE,
  freshStore,
  inThreadTokenizer,
  JCB_BIN,
  TEST_MODELS,
  type TestStore,
} from './helpers.js';
import { freePort } from './own-redis.js';

const OPEN_STORE = path.resolve(__dirname, 'fixtures/scripts/open-store.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = async (check: () => Promise<boolean> | boolean, ms = 30_000) => {
  for (const start = Date.now(); Date.now() - start < ms;) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error('timed out waiting');
};

/** A local model server whose behaviour the test switches: answer, fail (HTTP 500) or never answer. */
async function switchableModel(latencyMs = 0) {
  const state = { mode: 'ok' as 'ok' | 'fail' | 'down' | 'hang', calls: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      state.calls++;
      if (state.mode === 'hang') return; // the connection stays open, unanswered
      if (state.mode === 'down') {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      }
      if (state.mode === 'fail') {
        // A failure of the document, not of the server (src/models/failure-side.ts): a reply that is no chat
        // completion. (A 5xx is the server's: its documents wait in the queue for it.)
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ id: 'x', object: 'chat.completion' }));
      }
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(chatCompletion(body.includes('胸が痛い') ? '["ニトログリセリン"]' : '["W"]')));
      }, latencyMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A test environment: fixture release, models (plus `slow` at `url`), a store, a queue prefix. */
function testEnv(store: TestStore, modelUrl?: string, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-faults-'));
  const models = path.join(dir, 'models.yml');
  const slow = modelUrl
    ? `  slow:\n    provider: openai-compatible\n    model: m\n    baseUrl: ${modelUrl}\n    concurrency: 1\n    maxRetries: 0\n    timeoutMs: 60000\n`
    : '';
  writeFileSync(models, TEST_MODELS + slow);
  return {
    ...FIXTURE_ENV,
    JCB_MODELS: models,
    JCB_QUEUE_PREFIX: `jcbfault-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    JCB_QUEUE_LOCK_MS: '1500',
    JCB_RECONCILE_MS: '1000',
    JCB_STORE_RETRY_MS: '3000',
    ...store.env,
    ...extra,
  } as Record<string, string>;
}

/** A CLI process (worker or command) with its stderr collected. */
function jcbProcess(args: string[], env: Record<string, string>, options: { uid?: number } = {}) {
  const child = fork(JCB_BIN, args, {
    execArgv: [],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    ...options,
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out, exited };
}

function jcbSync(args: string[], env: Record<string, string>, uid?: number) {
  const r = spawnSync(process.execPath, [JCB_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    uid,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const opened: { close(): Promise<void> }[] = [];
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const services = (env: Record<string, string>) => {
  const s = createServices({ env, tokenizer: inThreadTokenizer() });
  opened.push(s);
  return s;
};
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await Promise.all(opened.splice(0).map((s) => s.close()));
  for (const c of cleanups.splice(0)) await c();
});

describe('1. re-queuing a run', () => {
  /** A fresh store, a switchable model and one worker process's services taking jobs; the producer's services. */
  async function queuedSetup() {
    const store = await freshStore('sqlite');
    const model = await switchableModel();
    cleanups.push(model.close, store.drop);
    const env = testEnv(store, model.url);
    await services(env).startWorker(1);
    return { model, producer: services(env) };
  }

  it('computes exactly the failed documents again, although Redis still holds the finished jobs', async () => {
    const { model, producer } = await queuedSetup();
    model.state.mode = 'fail';
    const first = await producer.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
    await waitFor(async () => (await producer.status(first.run.id))[0].run.status === 'finished');
    expect((await producer.status(first.run.id))[0]).toMatchObject({ done: 0, failed: first.documents });
    model.state.mode = 'ok';
    const again = await producer.enqueueEvaluation({
      task: 'mr',
      model: 'slow',
      shot: 'zero',
      runId: first.run.id,
      noCache: true,
    });
    expect(again.documents).toBe(first.documents);
    await waitFor(async () => (await producer.status(first.run.id))[0].run.status === 'finished');
    expect((await producer.status(first.run.id))[0]).toMatchObject({ done: first.documents, failed: 0 });
    // Nothing left: queuing it again queues nothing.
    const none = await producer.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', runId: first.run.id });
    expect(none).toMatchObject({ documents: 0, jobs: 0 });
  });

  it('does not finish a run whose job waits for its server, even with every document of the job failed', async () => {
    const { model, producer } = await queuedSetup();
    model.state.mode = 'down';
    const run = await producer.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
    // Every document asked (the job as long as the in-a-row limit: 3), then a while for the worker to finish it.
    await waitFor(async () => model.state.calls >= run.documents);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await producer.status(run.run.id))[0].run.status).toBe('running');
    await producer.cancel(run.run.id);
  });
});

/** A redis-server of our own on a spare port, with nothing on disk; killed and restarted at will. */
function ownRedis() {
  let port = 0;
  let server: ChildProcess | undefined;
  const start = async () => {
    port ||= await freePort(); // then the same port at each restart
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(
      () => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG',
    );
  };
  return {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    start,
    kill: async () => {
      const s = server;
      server?.kill('SIGKILL');
      if (s) await new Promise((r) => s.once('exit', r));
    },
  };
}

describe('2. Redis restarting with nothing on disk', () => {
  const redis = ownRedis();
  beforeAll(() => redis.start());
  afterAll(() => redis.kill());

  it('re-queues the documents whose jobs were lost, and the run finishes; the worker warns at start', async () => {
    const store = await freshStore('sqlite');
    const model = await switchableModel(300);
    cleanups.push(model.close, store.drop);
    const env = testEnv(store, model.url, { REDIS_URL: redis.url, JCB_QUEUE_CHUNK: '1' });
    const producer = services(env);
    const logs: string[] = [];
    await services(env).startWorker(1, (m) => logs.push(m));
    expect(logs.some((m) => m.includes('keeps nothing on disk'))).toBe(true);
    const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
    await waitFor(async () => (await producer.status(queued.run.id))[0].done >= 1);
    await redis.kill(); // the waiting jobs are gone with it
    await redis.start();
    await waitFor(async () => (await producer.status(queued.run.id))[0].run.status === 'finished');
    expect((await producer.status(queued.run.id))[0]).toMatchObject({ done: queued.documents, failed: 0 });
  });

  it('shows a run that makes no progress as stalled, without an estimate of the time left', async () => {
    const store = await freshStore('sqlite');
    cleanups.push(store.drop);
    const env = testEnv(store, undefined, { REDIS_URL: redis.url, JCB_STALLED_MS: '1' });
    const producer = services(env);
    const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' });
    await sleep(20);
    const [p] = await producer.status(queued.run.id);
    expect(p.stalledSince).toBe(p.run.updated_at);
    expect(p.etaMs).toBeUndefined();
  });
});

/** Ends every other connection to the store's database, as a server restart does. */
async function dropConnections(store: TestStore, block = false) {
  const url = new URL(store.env.DATABASE_URL);
  const db = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  if (block) await admin.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS false`);
  await admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [db],
  );
  await admin.end();
}

describe('3. PostgreSQL dropping the connections', () => {
  it('an idle worker survives and takes the next run', async () => {
    const store = await freshStore('postgres');
    cleanups.push(store.drop);
    const env = testEnv(store);
    const worker = jcbProcess(['worker', '--concurrency', '1'], env);
    children.push(worker.child);
    await waitFor(() => worker.out.stderr.includes('taking evaluation jobs'));
    await dropConnections(store);
    const producer = services(env);
    const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' });
    await waitFor(async () => (await producer.status(queued.run.id))[0].run.status === 'finished');
    expect(worker.child.exitCode).toBeNull();
    expect(worker.out.stderr).not.toMatch(/Unhandled|error event/);
  });

  it('a CLI run survives a drop, and stops with how to resume when the database stays away', async () => {
    const store = await freshStore('postgres');
    const model = await switchableModel(700);
    cleanups.push(model.close, store.drop);
    const env = testEnv(store, model.url);
    const run = jcbProcess(['eval', 'mr', 'slow', '--shot', 'zero', '--no-cache'], env);
    children.push(run.child);
    const observer = await Store.open(env);
    const done = async () =>
      (await observer.listRuns())[0] && (await observer.progress((await observer.listRuns())[0].id)).done;
    await waitFor(async () => (await done()) >= 1);
    await observer.close();
    await dropConnections(store); // a restart: the next write goes through a new connection
    await sleep(800);
    await dropConnections(store, true); // and now it stays away
    const code = await run.exited;
    expect(run.out.stderr).toMatch(
      /^jcb: The store PostgreSQL at 127\.0\.0\.1:5432\/jcb_\w+ is unavailable: .+ interrupted: run \S+, [12] of 3 done; resume with jcb eval mr slow --shot zero --no-cache --run \S+\n$/m,
    );
    expect(run.out.stderr).not.toMatch(/Unhandled|\n\s+at /);
    expect(code).toBe(1);
  });
});

describe('4. processes opening a new store at once', () => {
  for (const kind of ['sqlite', 'postgres'] as const) {
    it(`all succeed (${kind})`, async () => {
      const store = await freshStore(kind);
      cleanups.push(store.drop);
      const startAt = String(Date.now() + 4000);
      const procs = Array.from({ length: 5 }, () =>
        fork(OPEN_STORE, [], {
          execArgv: ['--import', 'tsx'],
          env: { ...process.env, ...store.env, START_AT: startAt },
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        }),
      );
      const errors: string[] = [];
      const codes = await Promise.all(
        procs.map(
          (p) =>
            new Promise<number | null>((r) => {
              p.stderr!.on('data', (d: Buffer) => errors.push(d.toString()));
              p.once('exit', r);
            }),
        ),
      );
      expect(errors).toEqual([]);
      expect(codes).toEqual([0, 0, 0, 0, 0]);
    });
  }
});

describe('5. the lanes of the engine', () => {
  it('never take a document past the end when the stop check awaits', async () => {
    const store = await freshStore('sqlite');
    cleanups.push(store.drop);
    const env = testEnv(store);
    const s = services(env);
    const db = await Store.open(env);
    cleanups.push(() => db.close());
    const provider = (await import('../src/models/index.js')).createProvider(
      (await import('../src/models/registry.js')).findModel('gpt-4o', env),
      { release: s.release, env },
    );
    const task = findTask('irs');
    const items = planDocuments({ tasks: [task], shot: 'one' }, provider, s.release());
    expect(items.length).toBe(3);
    const run = await openRun(db, { tasks: [task], shot: 'one' }, provider);
    const processed = await processItems(
      run,
      items,
      { shot: 'one', concurrency: 2, stopIf: () => sleep(5).then(() => false) },
      { store: db, provider, release: s.release(), scoring: { tokenize: inThreadTokenizer().tokenize } },
    );
    expect(processed).toMatchObject({ computed: 3, failed: 0 });
  });
});

describe('6. workers of another store on the same Redis', () => {
  it('never take this store’s jobs', async () => {
    const [a, b] = [await freshStore('sqlite'), await freshStore('sqlite')];
    cleanups.push(a.drop, b.drop);
    const envA = testEnv(a);
    const envB = { ...testEnv(b), JCB_QUEUE_PREFIX: envA.JCB_QUEUE_PREFIX };
    const other: string[] = [];
    await services(envB).startWorker(2, (m) => other.push(m));
    const producer = services(envA);
    const queued = await producer.enqueueEvaluation({ task: 'mr,irs', model: 'gpt-4o', shot: 'one' });
    await sleep(1500);
    await services(envA).startWorker(2);
    await waitFor(async () => (await producer.status(queued.run.id))[0].run.status === 'finished');
    expect((await producer.status(queued.run.id))[0].done).toBe(queued.documents);
    expect(other.filter((m) => m.includes('documents computed'))).toEqual([]);
  });
});

describe('7. stopping', () => {
  it('SIGTERM: a worker exits within its grace period and hands its job back at once', async () => {
    const store = await freshStore('sqlite');
    const model = await switchableModel();
    cleanups.push(model.close, store.drop);
    // A long lock: the job can only come back by being handed back, not by the stall check.
    const env = testEnv(store, model.url, { JCB_QUEUE_LOCK_MS: '120000', JCB_SHUTDOWN_GRACE_MS: '1000' });
    model.state.mode = 'hang';
    const worker = jcbProcess(['worker', '--concurrency', '1'], env);
    children.push(worker.child);
    await waitFor(() => worker.out.stderr.includes('taking evaluation jobs'));
    const producer = services(env);
    const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
    await waitFor(() => model.state.calls >= 1);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.out.stderr).toMatch(/3 documents handed back to the queue/);
    model.state.mode = 'ok';
    await services(env).startWorker(1);
    await waitFor(async () => (await producer.status(queued.run.id))[0].run.status === 'finished');
    expect((await producer.status(queued.run.id))[0]).toMatchObject({ done: 3, failed: 0 });
  });

  it('SIGINT: a CLI run says where it stopped and how to resume, and exits non-zero', async () => {
    const store = await freshStore('sqlite');
    const model = await switchableModel(400);
    cleanups.push(model.close, store.drop);
    const env = testEnv(store, model.url);
    const run = jcbProcess(['eval', 'mr', 'slow', '--shot', 'zero', '--no-cache'], env);
    children.push(run.child);
    await waitFor(() => model.state.calls >= 2); // the first document is stored
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.out.stderr).toMatch(
      /^jcb: interrupted: run (\S+), 1 of 3 done; resume with jcb eval mr slow --shot zero --no-cache --run \1$/m,
    );
  });
});

describe('8. store errors', () => {
  it('one line naming the store and the cause, never a password or a trace', () => {
    const missing = jcbSync(['runs'], { DATABASE_URL: 'postgres://postgres:s3cret@127.0.0.1:5432/jcb_no_such_db' });
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      'jcb: The store PostgreSQL at 127.0.0.1:5432/jcb_no_such_db is unavailable: the database does not exist. Create it (createdb) or correct DATABASE_URL.\n',
    );
    const closed = jcbSync(['runs'], { DATABASE_URL: 'postgres://u:s3cret@127.0.0.1:1/jcb' });
    expect(closed.code).toBe(1);
    expect(closed.err).toMatch(
      /^jcb: The store PostgreSQL at 127\.0\.0\.1:1\/jcb is unavailable: connection refused\. .*\n$/,
    );
    expect(closed.err + missing.err).not.toMatch(/s3cret/);
  });

  it('read-only commands work on a read-only store; writing says it is read-only', async () => {
    const store = await freshStore('sqlite');
    const env = testEnv(store);
    const s = createServices({ env, tokenizer: inThreadTokenizer() });
    const { run } = await s.evaluate({ task: 'mr', model: 'gpt-4o', shot: 'one' });
    await s.close();
    // Another user (the tests run as root, whom permissions do not stop) with read access only.
    const dir = path.dirname(store.env.JCB_STORE);
    chmodSync(path.dirname(FIXTURE_RELEASE), 0o755);
    chmodSync(path.dirname(env.JCB_MODELS), 0o755);
    chmodSync(dir, 0o555);
    cleanups.push(async () => chmodSync(dir, 0o755));
    const nobody = 65534;
    const runs = jcbSync(['runs'], { ...env, HOME: '/tmp' }, nobody);
    expect(runs.err).toBe('');
    expect(runs.code).toBe(0);
    expect(runs.out).toContain(run.id);
    const write = jcbSync(['eval', 'mr', 'gpt-4o', '--shot', 'one'], { ...env, HOME: '/tmp' }, nobody);
    expect(write.code).toBe(1);
    expect(write.err).toBe(
      `jcb: The store ${store.env.JCB_STORE} is unavailable: it is read-only. Commands that only read (runs, show, status, leaderboard) work on it.\n`,
    );
  });
});
