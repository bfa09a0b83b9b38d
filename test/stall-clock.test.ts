// A stalled run queued again (`jcb eval … --queue --run`) gets JCB_STALLED_MS from then before it can be stopped as
// stalled again, even by a reconciler that listed it before (a round of many runs, or another process's round):
// stopStalled reads the run as stored, not as listed. The queue is a stand-in whose every job was declined.
import { beforeEach, describe, expect, it } from 'vitest';
import type Queue from 'bull';
import { stopStalled } from '../src/queue/background.js';
import type { ChunkJob } from '../src/queue/eval-queue.js';
import { Store } from '../src/store/store.js';
import { runRow } from './helpers.js';
import { storeEachTest } from './store-each-test.js';

/** A queue holding one waiting job of `runId`, declined by every worker that took it. */
const declinedQueue = (runId: string) => {
  const job = { data: { runId, task: 'mr', docIds: ['d1'], declined: { count: 3, reason: 'Unknown task "mr"' } } };
  const queue = {
    client: { config: async () => ['maxmemory-policy', 'noeviction'], info: async () => '' },
    getWorkers: async () => [{}],
    getJobs: async (states: string[]) => (states.includes('waiting') ? [{ ...job, remove: async () => {} }] : []),
  };
  return async () => queue as never as Queue.Queue<ChunkJob>;
};

describe("a stalled run's clock", () => {
  const held = storeEachTest();
  let store: Store;
  beforeEach(() => void ({ store } = held));
  const env = { JCB_STALLED_MS: '15000' };
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  it('is stopped once it stored nothing for JCB_STALLED_MS with every job declined', async () => {
    await store.createRun({ ...runRow('r1'), updated_at: ago(60_000) });
    expect(await stopStalled({ env, queue: declinedQueue('r1') }, store, (await store.getRun('r1'))!)).toBe(true);
    expect((await store.getRun('r1'))!.status).toBe('stalled');
  });

  for (const status of ['queued', 'running'])
    it(`starts again when it is queued again (${status} now), whatever the reconciler listed before`, async () => {
      await store.createRun({ ...runRow('r1'), updated_at: ago(60_000) });
      const listed = (await store.getRun('r1'))!;
      await store.setRunStatus('r1', 'queued'); // `--queue --run` (openRun)
      if (status === 'running') await store.transition('r1', 'queued', 'running'); // a worker took a job
      expect(await stopStalled({ env, queue: declinedQueue('r1') }, store, listed)).toBe(false);
      expect((await store.getRun('r1'))!.status).toBe(status);
    });
});
