// No state a crash can leave is a dead end (issue 23): a queued run left `aggregating` by a process that
// stopped while finishing it, and a run whose planned documents the release no longer has, are both
// finished by reconciliation (here through `status`, which reconciles the runs it shows).
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, testModelsFile } from './helpers.js';

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

async function finishedRun() {
  const store = await freshStore('sqlite');
  const env = {
    ...FIXTURE_ENV,
    JCB_MODELS: testModelsFile(),
    JCB_QUEUE_PREFIX: `jcbstates-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    JCB_RECONCILE_MS: '1',
    ...store.env,
  };
  const services = createServices({ env, tokenizer: inThreadTokenizer() });
  closers.push(() => services.close());
  const { run } = await services.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' });
  const worker = await services.startWorker(1);
  const s = await Store.open(env);
  closers.push(() => s.close());
  for (let i = 0; i < 600 && (await s.getRun(run.id))?.status !== 'finished'; i++)
    await new Promise((r) => setTimeout(r, 100));
  await worker.stop(1000); // closes this services' queue too: another process reconciles
  const scores = await s.scores(run.id);
  expect(scores.length).toBe(1);
  const later = createServices({ env, tokenizer: inThreadTokenizer() });
  closers.push(() => later.close());
  return { services: later, s, id: run.id, scores };
}

/** The run as a process that stopped at `status` would leave it, a while ago, without its scores. */
async function leave(s: Store, id: string, set: { status: string; planned?: number }) {
  await s.query((db) => db.deleteFrom('run_scores').where('run_id', '=', id).execute());
  await s.query((db) =>
    db
      .updateTable('runs')
      .set({ ...set, updated_at: '2020-01-01T00:00:00.000Z' })
      .where('id', '=', id)
      .execute(),
  );
}

describe('states a crash can leave', () => {
  it('a run left aggregating is finished again, with the same scores', async () => {
    const { services, s, id, scores } = await finishedRun();
    await leave(s, id, { status: 'aggregating' });
    await services.status(id);
    expect((await s.getRun(id))?.status).toBe('finished');
    expect((await s.scores(id)).map((r) => [r.task, r.n, r.score])).toEqual(scores.map((r) => [r.task, r.n, r.score]));
  });

  it('a run whose planned documents are no longer in the release finishes with those that are', async () => {
    const { services, s, id } = await finishedRun();
    const planned = (await s.getRun(id))!.planned!;
    await leave(s, id, { status: 'running', planned: planned + 2 });
    const [shown] = await services.status(id);
    expect(shown).toBeDefined();
    const run = (await s.getRun(id))!;
    expect(run.status).toBe('finished');
    expect(run.planned).toBe(planned + 2); // the scores say what they stand on: n of planned
    expect((await s.scores(id))[0]?.n).toBe(planned);
  });
});
