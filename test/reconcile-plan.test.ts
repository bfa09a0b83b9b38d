// A queued run never stores documents outside its plan (its first --limit of each task), whoever re-queues it:
// reconciliation after its jobs left Redis, two reconcilers at once, a job made from another plan, a run
// cancelled meanwhile, a resume with another limit. On a Redis of this file's own and a fresh store each.
import { describe, expect, it } from 'vitest';
import { openEvalQueue } from '../src/queue/eval-queue.js';
import { addJobs } from '../src/queue/reconcile.js';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, testModelsFile } from './helpers.js';
import { fileRedis } from './own-redis.js';

const { redis, closers } = fileRedis();

const OLD = '2020-01-01T00:00:00.000Z';

/** A fresh store and queue prefix; `services(prefix)` opens a process's services on them. */
async function setting() {
  const store = await freshStore('sqlite');
  const prefix = `jcbplan-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const base = {
    ...FIXTURE_ENV,
    JCB_MODELS: testModelsFile(),
    REDIS_URL: redis.url,
    JCB_RECONCILE_MS: '100',
    ...store.env,
  };
  const services = (queuePrefix = prefix) => {
    const s = createServices({ env: { ...base, JCB_QUEUE_PREFIX: queuePrefix }, tokenizer: inThreadTokenizer() });
    closers.push(() => s.close());
    return s;
  };
  const s = await Store.open(base);
  closers.push(() => s.close());
  const queue = openEvalQueue({ ...base, JCB_QUEUE_PREFIX: prefix }, await s.id());
  closers.push(() => queue.close());
  /** The run as left a while ago, its jobs gone from Redis (restarted empty). */
  const lose = async (id: string, set: { planned?: number } = {}) => {
    await queue.empty();
    await s.query((db) =>
      db
        .updateTable('runs')
        .set({ ...set, updated_at: OLD })
        .where('id', '=', id)
        .execute(),
    );
  };
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 300 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
  };
  const stored = async (id: string) => (await s.documents(id)).map((r) => `${r.task}:${r.doc_id}`);
  return { services, s, queue, lose, until, stored, prefix };
}

describe('a queued run stores only the documents of its plan', () => {
  it('re-queued by reconciliation after its jobs were lost: exactly its first documents, run finished', async () => {
    const { services, s, lose, until, stored } = await setting();
    const producer = services();
    const { run } = await producer.enqueueEvaluation({ task: 'irs,mr', model: 'baseline', shot: 'one', limit: 1 });
    expect(run.planned).toBe(2);
    await lose(run.id);
    // Two reconcilers at once (two processes' status), then a worker.
    const [a, b] = [services(), services()];
    await Promise.all([a.status(run.id), b.status(run.id)]);
    const worker = await services().startWorker(2);
    await until(async () => (await s.getRun(run.id))?.status === 'finished');
    await worker.stop(1000);
    expect((await s.getRun(run.id))?.status).toBe('finished');
    expect(await s.progress(run.id)).toEqual({ done: 2, failed: 0 });
    expect((await stored(run.id)).length).toBe(2);
  });

  it('a job made from another plan (every document of the task) computes only those of the run', async () => {
    const { services, s, queue, until, stored } = await setting();
    const { run } = await services().enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'one', limit: 1 });
    await queue.empty();
    // What a process planning the run without its limit queued: every document of MR.
    const mr = (await s.getRun(run.id))!;
    const all = (await import('../src/evaluation/documents.js')).findTask('mr');
    const docs = all
      .loadDocuments((await import('../src/release/release.js')).Release.fromEnv({ ...FIXTURE_ENV }))
      .filter((d) => !all.oneShotExamples.includes(d.id));
    expect(docs.length).toBeGreaterThan(1);
    await addJobs(
      queue,
      run.id,
      docs.map((d) => ({ task: 'mr', docId: d.id })),
      { chunk: 25, noCache: false },
    );
    const lines: string[] = [];
    const worker = await services().startWorker(1, (m) => lines.push(m));
    await until(async () => (await s.getRun(run.id))?.status === 'finished');
    await worker.stop(1000);
    expect(mr.doc_limit).toBe(1);
    expect(await stored(run.id)).toEqual([`mr:${docs[0].id}`]);
    expect(await s.progress(run.id)).toEqual({ done: 1, failed: 0 });
    expect(lines.join('\n')).toContain(`${docs.length - 1} of the job's documents are outside the run's plan`);
  });

  it('a run planned here with more documents than it was queued with is not re-queued from here', async () => {
    const { services, s, queue, lose } = await setting();
    const { run } = await services().enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'one', limit: 2 });
    // Its record says 1: whatever made them disagree, this process's plan is not the one it was queued with.
    await lose(run.id, { planned: 1 });
    const lines: string[] = [];
    await services().startReconciler(
      (m) => lines.push(m),
      () => {},
    );
    for (let i = 0; i < 60 && !lines.some((l) => l.startsWith(`run ${run.id}`)); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(lines.join('\n')).toContain(`run ${run.id}: planned here it has 2 documents, it was queued with 1`);
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
    expect(await s.progress(run.id)).toEqual({ done: 0, failed: 0 });
  });

  it('a resume from a release copy with fewer of its documents is refused, in one line', async () => {
    const { services, lose } = await setting();
    const producer = services();
    const { run } = await producer.enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'zero', limit: 2 });
    // The run planned two more than this process's copy has.
    await lose(run.id, { planned: 4 });
    await expect(
      producer.enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'zero', limit: 2, runId: run.id }),
    ).rejects.toThrow(`This process's release copy has 2 of run ${run.id}'s 4 documents of mr.`);
    // Resumed in the foreground (computed here), the same.
    await expect(
      producer.evaluate({ task: 'mr', model: 'baseline', shot: 'zero', limit: 2, runId: run.id }),
    ).rejects.toThrow(`This process's release copy has 2 of run ${run.id}'s 4 documents of mr.`);
  });

  it('a run cancelled after reconciliation queued it stores nothing more', async () => {
    const { services, s, queue, lose, stored } = await setting();
    const producer = services();
    const { run } = await producer.enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'one', limit: 2 });
    await lose(run.id);
    await services().status(run.id); // re-queued
    await producer.cancel(run.id);
    // A job that escaped the cancel (queued by a reconciler that had read the run before it): dropped by the worker.
    await addJobs(queue, run.id, [{ task: 'mr', docId: 'A_p1' }], { chunk: 25, noCache: false });
    const worker = await services().startWorker(1);
    await new Promise((r) => setTimeout(r, 1500));
    await worker.stop(1000);
    expect((await s.getRun(run.id))?.status).toBe('cancelled');
    expect(await stored(run.id)).toEqual([]);
  });

  it('a resume with another limit is refused; with its own limit it queues only what is missing of its plan', async () => {
    const { services, s, until, stored } = await setting();
    const producer = services();
    const { run } = await producer.enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'one', limit: 1 });
    await expect(
      producer.enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'one', limit: 2, runId: run.id }),
    ).rejects.toThrow(/limit 1/);
    await expect(
      producer.enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'one', runId: run.id }),
    ).rejects.toThrow(/limit 1/);
    const again = await producer.enqueueEvaluation({
      task: 'mr',
      model: 'baseline',
      shot: 'one',
      limit: 1,
      runId: run.id,
    });
    expect(again.run.planned).toBe(1);
    const worker = await services().startWorker(1);
    await until(async () => (await s.getRun(run.id))?.status === 'finished');
    await worker.stop(1000);
    expect((await stored(run.id)).length).toBe(1);
  });
});
