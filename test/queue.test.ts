// Background evaluations through Bull on the machine's Redis (a queue prefix per test) and a fresh store.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderStatus } from '../src/cli/render.js';
import { openEvalQueue } from '../src/queue/eval-queue.js';
import { Store } from '../src/store/store.js';
import { createServices } from '../src/services/index.js';
import {
  FIXTURE_ENV,
  freshStore,
  inThreadTokenizer,
  JCB_BIN,
  localChatServer,
  TEST_MODELS,
  type TestStore,
} from './helpers.js';
import { freePort } from './own-redis.js';

/** A local model answering after `latencyMs` with the first drug of the prompt's note. */
const localModel = (latencyMs: number) =>
  localChatServer((body) => (body.includes('胸が痛い') ? '["ニトログリセリン"]' : '["W"]'), latencyMs);

describe('background evaluations', () => {
  let store: TestStore;
  let env: Record<string, string>;
  const open: { close(): Promise<void> }[] = [];
  const services = () => {
    const s = createServices({ env, tokenizer: inThreadTokenizer() });
    open.push(s);
    return s;
  };
  const waitFor = async (check: () => Promise<boolean>, ms = 20_000) => {
    for (const start = Date.now(); Date.now() - start < ms;) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out waiting');
  };
  const finished = (s: ReturnType<typeof services>, id: string) => async () =>
    (await s.status(id))[0].run.status === 'finished';

  beforeEach(async () => {
    store = await freshStore('sqlite');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-q-'));
    env = {
      ...FIXTURE_ENV,
      JCB_MODELS: path.join(dir, 'models.yml'),
      JCB_QUEUE_PREFIX: `jcbtest-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      JCB_QUEUE_LOCK_MS: '1500',
      ...store.env,
    };
    writeFileSync(env.JCB_MODELS, TEST_MODELS);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await store.drop();
  });

  it('queues a run in jobs; a worker stores every document and finishes the run with the scores of a direct run', async () => {
    const producer = services();
    const queued = await producer.enqueueEvaluation({ task: 'irs,mr', model: 'gpt-4o', shot: 'one' });
    expect(queued).toMatchObject({ jobs: 2, documents: 5, run: { status: 'queued', planned: 5 } });
    await services().startWorker(2);
    await waitFor(finished(producer, queued.run.id));
    const [done] = await producer.status(queued.run.id);
    expect(done).toMatchObject({ done: 5, failed: 0 });
    const direct = await producer.evaluate({ task: 'irs,mr', model: 'gpt-4o', shot: 'one' });
    expect(done.scores.map((s) => [s.task, s.metrics])).toEqual(direct.outcomes.map((o) => [o.task, o.metrics]));
  });

  it('shares a run between two workers: every document once, the run finished once', async () => {
    const model = await localModel(40);
    writeFileSync(
      env.JCB_MODELS,
      `${TEST_MODELS}  slow:\n    provider: openai-compatible\n    model: m\n    baseUrl: ${model.url}\n    concurrency: 1\n`,
    );
    try {
      env.JCB_QUEUE_CHUNK = '1'; // one job a document, so that both workers get some
      const producer = services();
      const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
      expect(queued.jobs).toBe(3);
      const logs: string[][] = [[], []];
      await Promise.all([
        services().startWorker(1, (m) => logs[0].push(m)),
        services().startWorker(1, (m) => logs[1].push(m)),
      ]);
      await waitFor(finished(producer, queued.run.id));
      expect(model.calls()).toBe(queued.documents);
      for (const log of logs) expect(log.some((m) => m.includes('documents computed'))).toBe(true);
      expect(logs.flat().filter((m) => m.endsWith('finished'))).toHaveLength(1);
      const shown = await producer.show(queued.run.id);
      expect(shown.scores).toHaveLength(1);
      expect(shown.documents.done).toBe(queued.documents);
    } finally {
      await model.close();
    }
  });

  it('stops a run queued with --max-cost on PostgreSQL once two workers have spent it; refuses it without prices', async () => {
    const pgStore = await freshStore('postgres');
    env = { ...env, ...pgStore.env };
    const model = await localModel(200);
    // Each answer: 11 prompt and 7 output tokens at $1,000 a million, $0.018.
    writeFileSync(
      env.JCB_MODELS,
      `${TEST_MODELS}  priced:\n    provider: openai-compatible\n    model: m\n    baseUrl: ${model.url}\n    concurrency: 1\n    prices: { input: 1000, output: 1000 }\n`,
    );
    try {
      env.JCB_QUEUE_CHUNK = '1';
      const producer = services();
      await expect(
        producer.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one', maxCost: 1 }),
      ).rejects.toThrow(/^--max-cost is for live models: gpt-4o is replayed and costs nothing\.$/);
      const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'priced', shot: 'zero', maxCost: 0.01 });
      expect(queued.jobs).toBe(3);
      const logs: string[] = [];
      await Promise.all([
        services().startWorker(1, (m) => logs.push(m)),
        services().startWorker(1, (m) => logs.push(m)),
      ]);
      const stopped = async () => (await producer.status(queued.run.id))[0].run.status === 'interrupted';
      await waitFor(stopped);
      await new Promise((r) => setTimeout(r, 500)); // what the workers still had in hand
      const [p] = await producer.status(queued.run.id);
      expect(model.calls()).toBeLessThan(3);
      expect(p).toMatchObject({ done: model.calls(), budget: { maxCostUsd: 0.01, task: 'mr' } });
      expect(p.budget!.spentUsd).toBeCloseTo(0.018 * model.calls(), 10);
      expect(logs.filter((m) => m.includes('--max-cost $0.01 reached'))).toHaveLength(1);
      expect(renderStatus([p])).toContain(
        `stopped: --max-cost $0.01 reached ($${p.budget!.spentUsd.toFixed(4)} spent), ${p.done} of 3 done; ` +
          `resume with jcb eval mr priced --shot zero --run ${queued.run.id}`,
      );
    } finally {
      await model.close();
      await Promise.all(open.splice(0).map((s) => s.close()));
      await pgStore.drop();
    }
  });

  it('finishes a run whose worker process was killed mid-job, with the scores of an uninterrupted run', async () => {
    const model = await localModel(300);
    writeFileSync(
      env.JCB_MODELS,
      `${TEST_MODELS}  slow:\n    provider: openai-compatible\n    model: m\n    baseUrl: ${model.url}\n    concurrency: 1\n`,
    );
    let child: ChildProcess | undefined;
    try {
      const producer = services();
      const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
      child = fork(JCB_BIN, ['worker', '--concurrency', '1'], {
        execArgv: [],
        env: { ...process.env, ...env },
        stdio: 'ignore',
      });
      // Killed once it has stored its first document and is working on the next (a worker process may take a
      // while to start on a busy machine: a hang guard, not a speed check).
      await waitFor(async () => (await producer.status(queued.run.id))[0].done >= 1, 60_000);
      child.kill('SIGKILL');
      expect((await producer.status(queued.run.id))[0].run.status).toBe('running');
      await services().startWorker(1);
      await waitFor(finished(producer, queued.run.id));
      const [resumed] = await producer.status(queued.run.id);
      const direct = await producer.evaluate({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
      expect(resumed.scores[0].metrics).toEqual(direct.outcomes[0].metrics);
      expect(resumed.done).toBe(queued.documents);
    } finally {
      child?.kill('SIGKILL');
      await model.close();
    }
  });

  it('records provider failures as failed documents and completes the run', async () => {
    writeFileSync(
      env.JCB_MODELS,
      `${TEST_MODELS}  down:\n    provider: openai-compatible\n    model: m\n    baseUrl: http://127.0.0.1:9/v1\n    maxRetries: 0\n`,
    );
    const producer = services();
    const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'down', shot: 'one' });
    await services().startWorker(1);
    await waitFor(finished(producer, queued.run.id));
    expect((await producer.status(queued.run.id))[0]).toMatchObject({ done: 0, failed: 2 });
  });

  it('puts back a job whose model cannot be reached after three documents in a row, the rest untried, and says why', async () => {
    writeFileSync(
      env.JCB_MODELS,
      `${TEST_MODELS}  down:\n    provider: openai-compatible\n    model: m\n    baseUrl: http://127.0.0.1:9/v1\n    maxRetries: 0\n    concurrency: 1\n`,
    );
    const producer = services();
    const queued = await producer.enqueueEvaluation({ task: 'irs', model: 'down', shot: 'zero' });
    expect(queued.documents).toBeGreaterThan(3);
    await services().startWorker(1);
    const opened = await Store.open(env);
    const queue = openEvalQueue(env, await opened.id());
    await opened.close();
    open.push(queue);
    const held = async () => (await queue.getDelayed()).find((j) => j.data.unreachable);
    await waitFor(async () => (await held()) !== undefined);
    const job = (await held())!;
    expect(job.data.unreachable).toMatchObject({
      count: 1,
      reason: expect.stringMatching(/could not connect to the server/),
    });
    expect(job.data.docIds).toHaveLength(queued.documents);
    const [progress] = await producer.status(queued.run.id);
    // Three documents asked and failed (asked again when the job comes back); the others not asked.
    expect(progress).toMatchObject({ done: 0, failed: 3 });
    expect(progress.run.status).toBe('running');
    expect(progress.cause).toMatch(/^waiting for the model's server: down \(last: could not connect/);
  });

  it('cancels a run: waiting jobs removed, finished documents kept', async () => {
    const producer = services();
    const queued = await producer.enqueueEvaluation({ task: 'mr,irs', model: 'gpt-4o', shot: 'one' });
    const { run, removedJobs } = await producer.cancel(queued.run.id);
    expect(run.status).toBe('cancelled');
    expect(removedJobs).toBe(2);
    await expect(producer.cancel(queued.run.id)).rejects.toThrow(/is cancelled: only queued or running runs/);
  });

  it('says the queue is unavailable when Redis cannot be reached, and single runs still work', async () => {
    env.REDIS_URL = 'redis://127.0.0.1:1';
    const s = services();
    // Redis's address only where the operator reads it: the terminal.
    await expect(s.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' })).rejects.toMatchObject({
      message: 'The evaluation queue is unavailable.',
      // The cause the client met (refused), not "timed out" (break-urls).
      terminal: {
        detail: expect.stringMatching(
          /^Redis at 127\.0\.0\.1:1\/0 \(REDIS_URL\): nothing answers there \(connection refused\)$/,
        ),
      },
    });
    expect((await s.runs()).length).toBe(0);
    expect((await s.run({ task: 'mr', model: 'gpt-4o', doc: 'A_p1', shot: 'one' })).score).toBe(0.5);
  });
});

describe('a worker and Redis going away', () => {
  it('reconnects when Redis returns and takes the jobs queued after', async () => {
    const port = await freePort();
    const redis = () =>
      spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
    const store = await freshStore('sqlite');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-rc-'));
    writeFileSync(path.join(dir, 'models.yml'), TEST_MODELS);
    const env = {
      ...FIXTURE_ENV,
      JCB_MODELS: path.join(dir, 'models.yml'),
      REDIS_URL: `redis://127.0.0.1:${port}`,
      ...store.env,
    };
    let server = redis();
    const up = async () => {
      for (let i = 0; i < 50; i++) {
        const q = openEvalQueue(env, 'ping');
        const ok = await Promise.race([
          q.client.ping().then(
            () => true,
            () => false,
          ),
          new Promise((r) => setTimeout(() => r(false), 200)),
        ]);
        await q.close();
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('redis did not start');
    };
    const worker = createServices({ env, tokenizer: inThreadTokenizer() });
    const producer = createServices({ env, tokenizer: inThreadTokenizer() });
    try {
      await up();
      await worker.startWorker(1);
      server.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
      await expect(producer.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' })).rejects.toThrow(
        /queue is unavailable/,
      );
      server = redis();
      await up();
      // The producer's client retries on its own backoff (up to 2 s apart): it may need a moment more.
      let queued: Awaited<ReturnType<typeof producer.enqueueEvaluation>> | undefined;
      for (let i = 0; i < 10 && !queued; i++) {
        queued = await producer.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' }).catch((err: Error) => {
          if (!/queue is unavailable/.test(err.message)) throw err;
          return undefined;
        });
      }
      if (!queued) throw new Error('the producer never reconnected');
      for (let i = 0; i < 100 && (await producer.status(queued.run.id))[0].run.status !== 'finished'; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await producer.status(queued.run.id))[0]).toMatchObject({ done: 2, run: { status: 'finished' } });
    } finally {
      await worker.close();
      await producer.close();
      server.kill('SIGKILL');
      await store.drop();
    }
  });
});
