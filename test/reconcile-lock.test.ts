// Two reconcilers at once on one queue (two workers' timers, a worker and `jcb status`) re-queue a run's lost
// documents once between them: a short per-run lock in Redis, which the other skips the run on this round. A
// live model is then asked each document once. On a Redis of this file's own and a fresh store.
import { describe, expect, it } from 'vitest';
import { openEvalQueue } from '../src/queue/eval-queue.js';
import { reconcile } from '../src/queue/reconcile.js';
import { withRunLock } from '../src/queue/run-lock.js';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, localChatServer, testModelsFile } from './helpers.js';
import { fileRedis } from './own-redis.js';

const { redis, closers } = fileRedis();

const OLD = '2020-01-01T00:00:00.000Z';

async function setting(extra: Record<string, string> = {}) {
  const store = await freshStore('sqlite');
  const prefix = `jcblock-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const base = {
    ...FIXTURE_ENV,
    JCB_MODELS: testModelsFile(),
    REDIS_URL: redis.url,
    JCB_RECONCILE_MS: '100',
    JCB_QUEUE_PREFIX: prefix,
    ...extra,
    ...store.env,
  };
  const services = () => {
    const s = createServices({ env: base, tokenizer: inThreadTokenizer() });
    closers.push(() => s.close());
    return s;
  };
  const s = await Store.open(base);
  closers.push(() => s.close());
  const queue = openEvalQueue(base, await s.id());
  closers.push(() => queue.close());
  const lose = async (id: string) => {
    await queue.empty();
    await s.query((db) => db.updateTable('runs').set({ updated_at: OLD }).where('id', '=', id).execute());
  };
  /** Every document in the run's jobs, as often as it is in one. */
  const queued = async (id: string) =>
    (await queue.getJobs(['waiting', 'delayed', 'active', 'paused']))
      .filter((j) => j?.data.runId === id)
      .flatMap((j) => j.data.docIds.map((d) => `${j.data.task}:${d}`))
      .sort();
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 300 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
  };
  return { services, s, queue, lose, queued, until };
}

describe('two reconcilers at once on one queue', () => {
  it('queue each lost document once, and a live model is asked each once', async () => {
    const server = await localChatServer(() => '["W"]');
    closers.push(() => server.close());
    const { services, s, lose, queued, until } = await setting({
      TEST_OPENAI_KEY: 'sk-test',
      OPENAI_BASE_URL: server.url,
    });
    const { run } = await services().enqueueEvaluation({ task: 'mr', model: 'openai-test', shot: 'zero', limit: 3 });
    expect(run.planned).toBe(3);
    const planned = await queued(run.id);
    expect(planned.length).toBe(3);
    await lose(run.id);
    // Rounds of four processes at once, twice over: each lost document is in one job.
    for (let round = 0; round < 2; round++) {
      const all = [services(), services(), services(), services()];
      await Promise.all(all.map((p) => p.status(run.id)));
      expect(await queued(run.id)).toEqual(planned);
    }
    const worker = await services().startWorker(2);
    await until(async () => (await s.getRun(run.id))?.status === 'finished');
    await worker.stop(1000);
    expect((await s.getRun(run.id))?.status).toBe('finished');
    expect(await s.progress(run.id)).toEqual({ done: 3, failed: 0 });
    expect(server.calls()).toBe(3);
  });

  it('a round longer than the lock is not entered by a second reconciler (the lock is renewed)', async () => {
    const { services, s, queue, lose, queued } = await setting();
    const { run } = await services().enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'zero', limit: 3 });
    const planned = await queued(run.id);
    expect(planned.length).toBe(3);
    const plan = planned.map((key) => ({ task: key.split(':')[0], docId: key.split(':').slice(1).join(':') }));
    await lose(run.id);
    // A store that takes 600 ms to list a run's documents: a round (under the lock) lasts four lock times.
    const slow = new Proxy(s, {
      get: (target, name, receiver) =>
        name === 'documents'
          ? async (...args: Parameters<Store['documents']>) => {
              await new Promise((r) => setTimeout(r, 600));
              return target.documents(...args);
            }
          : Reflect.get(target, name, receiver),
    });
    const lines: string[] = [];
    const round = () =>
      reconcile(slow, queue, () => plan, { chunk: 1, minAgeMs: 0, lockMs: 150, log: (m) => lines.push(m) });
    const first = round();
    await new Promise((r) => setTimeout(r, 300));
    const [a, b] = await Promise.all([first, round()]);
    expect([a, b].sort()).toEqual([0, 3]);
    expect(await queued(run.id)).toEqual(planned);
  });

  it('the lock: one holder at a time, renewed while it works, released only by its holder', async () => {
    const { queue } = await setting();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = withRunLock(queue, 'r1', 60_000, async () => {
      order.push('first in');
      await held;
      order.push('first out');
      return 1;
    });
    await new Promise((r) => setTimeout(r, 50));
    // Taken: the other skips (undefined), another run is free.
    expect(await withRunLock(queue, 'r1', 60_000, async () => 2)).toBeUndefined();
    expect(await withRunLock(queue, 'r2', 60_000, async () => 3)).toEqual({ value: 3 });
    release();
    expect(await first).toEqual({ value: 1 });
    expect(order).toEqual(['first in', 'first out']);
    expect(await withRunLock(queue, 'r1', 60_000, async () => 4)).toEqual({ value: 4 });
    // A holder working longer than the lock's time keeps it (renewed): nobody else enters meanwhile.
    const long = withRunLock(queue, 'r3', 100, () => new Promise((r) => setTimeout(() => r(5), 500)));
    await new Promise((r) => setTimeout(r, 300));
    expect(await withRunLock(queue, 'r3', 60_000, async () => 6)).toBeUndefined();
    expect(await long).toEqual({ value: 5 });
    // A holder whose lock was lost all the same (expired while Redis was away, taken by another) is told, and does not
    // release the next holder's.
    let lostWith: unknown;
    const lost = withRunLock(
      queue,
      'r5',
      90,
      (signal) =>
        new Promise((r) => {
          signal.addEventListener('abort', () => (lostWith = signal.reason));
          setTimeout(() => r(7), 300);
        }),
    );
    await new Promise((r) => setTimeout(r, 20));
    await queue.client.set(queue.toKey('requeue:r5'), 'another holder', 'PX', 60_000);
    expect(await lost).toEqual({ value: 7 });
    expect(String(lostWith)).toContain('lost the run');
    expect(await queue.client.get(queue.toKey('requeue:r5'))).toBe('another holder');
    // A failing holder releases it too.
    await expect(withRunLock(queue, 'r4', 60_000, () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await withRunLock(queue, 'r4', 60_000, async () => 8)).toEqual({ value: 8 });
  });
});
