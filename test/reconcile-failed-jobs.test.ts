// breaker-pg 5: after a long outage of the store every job of a run failed its attempts ("connect ECONNREFUSED …"),
// and the reconciliation that queued their documents again said "documents had no job (lost from Redis?)". Now it
// says that their jobs had failed, with the reason kept in Redis (the store's words), and removes those failed jobs.
import { afterAll, describe, expect, it } from 'vitest';
import { openEvalQueue } from '../src/queue/eval-queue.js';
import { reconcile, type DocRef } from '../src/queue/reconcile.js';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, testModelsFile } from './helpers.js';

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

describe('reconciliation of a run whose jobs failed', () => {
  it('says the jobs failed and why, not "lost from Redis?", and clears them from the failed set', async () => {
    const store = await freshStore('sqlite');
    const env = {
      ...FIXTURE_ENV,
      JCB_MODELS: testModelsFile(),
      JCB_QUEUE_PREFIX: `jcbfailed-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      JCB_QUEUE_CHUNK: '1',
      ...store.env,
    };
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    closers.push(() => services.close());
    const { run } = await services.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' });
    const s = await Store.open(env);
    closers.push(() => s.close());
    const queue = openEvalQueue(env, await s.id());
    closers.push(() => queue.close());
    const jobs = (await queue.getWaiting()).filter((j) => j.data.runId === run.id);
    expect(jobs.length).toBeGreaterThan(1);
    const plan: DocRef[] = jobs.flatMap((j) => j.data.docIds.map((docId) => ({ task: j.data.task, docId })));
    // All but the last fail, as after three attempts with the store away; the last vanishes (Redis lost it).
    const reason = 'The store PostgreSQL at 127.0.0.1:5471/postgres is unavailable: connection refused.';
    for (let i = 0; i < jobs.length - 1; i++) {
      const job = (await queue.getNextJob())!; // taken (active), as a worker takes it
      job.discard(); // its attempts spent
      await job.moveToFailed({ message: reason }, true);
      await job.releaseLock();
    }
    await (await queue.getWaiting()).find((j) => j.data.runId === run.id)!.remove();
    const failedDocs = plan.length - 1;
    const lostDocs = 1;
    const lines: string[] = [];
    await reconcile(s, queue, () => plan, { chunk: 1, minAgeMs: 0, log: (m) => lines.push(m) });
    expect(lines).toEqual([
      `run ${run.id}: ${failedDocs} documents' jobs had failed (${reason.replace(/\.$/, '')}); ${lostDocs} documents had no job (lost from Redis?); re-queued in ${jobs.length} jobs`,
    ]);
    expect((await queue.getFailed()).filter((j) => j?.data.runId === run.id)).toEqual([]);
  }, 60_000);
});
