// Two deployments (their own JCB_QUEUE_PREFIX) sharing one store: a run records the queue it was queued on, and only
// that deployment's reconciliation (workers' timers, `jcb status`) re-queues its lost documents; a run that recorded
// none (stored before schema step 038) is re-queued by whoever sees it; `jcb eval … --queue --run` from the other
// deployment moves it there. On SQLite and PostgreSQL, a Redis of this file's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvalQueue } from '../src/queue/eval-queue.js';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, testModelsFile, type TestStore } from './helpers.js';
import { fileRedis } from './own-redis.js';

const { redis, closers } = fileRedis();

const OLD = '2020-01-01T00:00:00.000Z';

describe.each(['sqlite', 'postgres'] as const)('two deployments on one %s store', (kind) => {
  let fresh: TestStore;
  beforeAll(async () => {
    fresh = await freshStore(kind);
  });
  afterAll(() => fresh?.drop());

  it("re-queue only their own runs (and older runs with none recorded); --run moves a run to the other's queue", async () => {
    const tag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const base = { ...FIXTURE_ENV, JCB_MODELS: testModelsFile(), REDIS_URL: redis.url, JCB_RECONCILE_MS: '100' };
    const env = (prefix: string) => ({ ...base, ...fresh.env, JCB_QUEUE_PREFIX: prefix });
    const [A, B] = [`jcbqa-${tag}`, `jcbqb-${tag}`];
    const services = (prefix: string) => {
      const s = createServices({ env: env(prefix), tokenizer: inThreadTokenizer() });
      closers.push(() => s.close());
      return s;
    };
    const s = await Store.open(env(A));
    closers.push(() => s.close());
    const queues = Object.fromEntries(
      await Promise.all(
        [A, B].map(async (p) => {
          const q = openEvalQueue(env(p), await s.id());
          closers.push(() => q.close());
          return [p, q] as const;
        }),
      ),
    );
    const jobsOn = async (prefix: string, id: string) =>
      (await queues[prefix].getJobs(['waiting', 'delayed', 'active', 'paused']))
        .filter((j) => j?.data.runId === id)
        .flatMap((j) => j.data.docIds);
    /** Its jobs gone from both queues (Redis restarted empty), the run left a while ago, its queue as `queue`. */
    const lose = async (id: string, queue?: string | null) => {
      await Promise.all(Object.values(queues).map((q) => q.empty()));
      const set = queue === undefined ? { updated_at: OLD } : { updated_at: OLD, queue };
      await s.query((db) => db.updateTable('runs').set(set).where('id', '=', id).execute());
    };

    const { run } = await services(A).enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'one', limit: 2 });
    expect((await s.getRun(run.id))?.queue).toBe(A);
    expect(run.queue).toBe(A);
    await lose(run.id);
    // B's status and B's reconciler leave it; A's status re-queues it into A.
    const [seen] = await services(B).status(run.id);
    expect(seen.cause).toBe(`queued from another deployment (queue prefix ${A}): its jobs are not visible here`);
    await services(B).startReconciler(() => {});
    await new Promise((r) => setTimeout(r, 300));
    expect(await jobsOn(B, run.id)).toEqual([]);
    expect(await jobsOn(A, run.id)).toEqual([]);
    await services(A).status(run.id);
    expect((await jobsOn(A, run.id)).length).toBe(2);
    expect(await jobsOn(B, run.id)).toEqual([]);

    // A run stored before the column (none recorded): re-queued by whoever sees it, as before.
    await lose(run.id, null);
    await services(B).status(run.id);
    expect((await jobsOn(B, run.id)).length).toBe(2);

    // Resumed from B with --run: moved to B's queue; A's reconciliation leaves it from then on, B's takes it.
    await lose(run.id, A);
    const again = await services(B).enqueueEvaluation({
      task: 'mr',
      model: 'baseline',
      shot: 'one',
      limit: 2,
      runId: run.id,
    });
    expect(again.run.queue).toBe(B);
    expect((await s.getRun(run.id))?.queue).toBe(B);
    expect((await jobsOn(B, run.id)).length).toBe(2);
    await lose(run.id);
    await services(A).status(run.id);
    expect(await jobsOn(A, run.id)).toEqual([]);
    await services(B).status(run.id);
    expect((await jobsOn(B, run.id)).length).toBe(2);

    // A job it left on A's queue (same Redis here; another Redis alike): A's worker drops it, computing nothing.
    const left = (await queues[B].getJobs(['waiting']))[0].data;
    await queues[A].add('chunk', left);
    const logs: string[] = [];
    const workerA = await services(A).startWorker(1, (m) => logs.push(m));
    for (let i = 0; i < 100 && !logs.some((m) => m.includes('its job here is dropped')); i++)
      await new Promise((r) => setTimeout(r, 100));
    await workerA.stop(1000);
    expect(logs).toContainEqual(
      `run ${run.id}: moved to the queue of another deployment (prefix ${B}); its job here is dropped`,
    );
    expect(await s.progress(run.id)).toEqual({ done: 0, failed: 0 });

    // B's worker computes it to the end.
    const worker = await services(B).startWorker(1);
    for (let i = 0; i < 300 && (await s.getRun(run.id))?.status !== 'finished'; i++)
      await new Promise((r) => setTimeout(r, 100));
    await worker.stop(1000);
    expect((await s.getRun(run.id))?.status).toBe('finished');
    expect(await s.progress(run.id)).toEqual({ done: 2, failed: 0 });
  });
});
