// A queued run that no worker can take (each lacks its task file, so each declines its jobs) does not stay
// `running` until cancelled: once it stored nothing for JCB_STALLED_MS with every job declined, a reconciler stops
// it as `stalled` with the reason in one line (status shows it), its jobs removed; queued again with --run once a
// worker can see it, it finishes. Real Redis (own redis-server), short limits through the queue's own settings.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEvalQueue } from '../src/queue/eval-queue.js';
import { viewQueue } from '../src/queue/stall-cause.js';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, FIXTURES, freshStore, inThreadTokenizer, JCB_BIN, testModelsFile } from './helpers.js';
import { fileRedis, waitFor } from './own-redis.js';

const { redis, closers } = fileRedis();

/** A JCB_TASKS folder holding these fixture files of task-files/own. */
function tasksFolder(...files: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-stalled-'));
  for (const f of files) copyFileSync(path.join(FIXTURES, 'task-files', 'own', f), path.join(dir, f));
  return dir;
}

describe('a queued run no worker can take', () => {
  it('is stopped as stalled with the reason in one line, and finishes once queued again for a worker that can', async () => {
    const store = await freshStore('sqlite');
    const env = {
      ...FIXTURE_ENV,
      ...store.env,
      JCB_MODELS: testModelsFile(),
      REDIS_URL: redis.url,
      JCB_QUEUE_PREFIX: `jcbstalled-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      JCB_TASKS: tasksFolder('triage.yml', 'triage.csv'),
      JCB_PACKS_TASKS: '/nonexistent',
      JCB_QUEUE_LOCK_MS: '1500',
      JCB_RECONCILE_MS: '300',
      JCB_STALLED_MS: '2000',
    };
    const services = (over: Record<string, string> = {}) => {
      const s = createServices({ env: { ...env, ...over }, tokenizer: inThreadTokenizer() });
      closers.push(() => s.close());
      return s;
    };
    const producer = services();
    const queued = await producer.enqueueEvaluation({ task: 'triage', model: 'baseline', shot: 'zero' });
    const status = async () => (await producer.status(queued.run.id))[0];
    // The only worker (a process of its own: task files are per process) lacks the task file: it declines every
    // job, and reconciles, as every worker does.
    const blind = spawn(process.execPath, [JCB_BIN, 'worker', '--concurrency', '1'], {
      env: { ...process.env, ...env, JCB_TASKS: tasksFolder('meds.yml', 'meds.jsonl') },
    });
    closers.push(async () => blind.kill('SIGKILL'));
    let said = '';
    blind.stderr.on('data', (d) => (said += String(d)));
    await waitFor(async () => (await status()).run.status === 'stalled', 30_000);
    const stalled = await status();
    expect(stalled.cause).toMatch(
      /^no worker could take its jobs for 2 s, waiting for a worker with the task file of triage loaded \(JCB_TASKS\): declined \d+ times \(last: Unknown task "triage".*\); queue it again with --run once one can$/,
    );
    expect(stalled.cause).not.toMatch(/\n/);
    expect(stalled.etaMs).toBeUndefined();
    expect(said.match(/stopped as stalled/g)).toHaveLength(1);
    const opened = await Store.open(env);
    closers.push(() => opened.close());
    const queue = openEvalQueue(env, await opened.id());
    closers.push(() => queue.close());
    // Its jobs are gone (the one the worker held ends with its hold): nothing of it goes round the workers.
    const left = async () =>
      (await viewQueue(queue)).jobs.filter((j) => j.job.data.runId === queued.run.id && j.state !== 'failed');
    await waitFor(async () => (await left()).length === 0, 15_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await left()).toEqual([]);
    expect((await status()).run.status).toBe('stalled');
    blind.kill('SIGKILL');

    // Queued again where the task file is seen, by a worker that has it: it finishes, the reason gone.
    await producer.enqueueEvaluation({ task: 'triage', model: 'baseline', shot: 'zero', runId: queued.run.id });
    // The stall reason is gone (with the blind worker killed and the next not started, "none is taking jobs" may show).
    expect((await status()).cause ?? '').not.toMatch(/no worker could take/);
    await services().startWorker(1);
    await waitFor(async () => (await status()).run.status === 'finished', 30_000);
    expect((await producer.show(queued.run.id)).documents.done).toBe(queued.documents);
  });
});
