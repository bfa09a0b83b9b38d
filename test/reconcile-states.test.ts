// No state a crash can leave is a dead end (issue 23): a queued run left `aggregating` by a process that
// stopped while finishing it is finished by reconciliation (here through `status`, which reconciles the runs it
// shows). A run whose planned documents this process's release copy lacks is not: it is left for one that has them.
import { afterAll, describe, expect, it } from 'vitest';
import { forPeople } from '../src/base/shown.js';
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
    JCB_RECONCILE_MS: '100',
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
    // Left longer than JCB_RECONCILE_MS (100: its least): a run aggregating for less may be at it now.
    await new Promise((r) => setTimeout(r, 150));
    await services.status(id);
    expect((await s.getRun(id))?.status).toBe('finished');
    expect((await s.scores(id)).map((r) => [r.task, r.n, r.score])).toEqual(scores.map((r) => [r.task, r.n, r.score]));
  });

  it('a run whose planned documents this process cannot see is not finished without them', async () => {
    const { services, s, id } = await finishedRun();
    const planned = (await s.getRun(id))!.planned!;
    // Two more than this process's release copy has (a copy that lacks them, a shorter file).
    await leave(s, id, { status: 'running', planned: planned + 2 });
    const lines: string[] = [];
    await services.startReconciler(
      (m) => lines.push(m),
      () => {},
    );
    for (let i = 0; i < 300 && !lines.some((l) => l.startsWith(`run ${id}`)); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(lines.join('\n')).toContain(
      `run ${id}: this process's release copy has ${planned} of the run's ${planned + 2} documents of mr; left for a process that has them all`,
    );
    // `status` says why it does not move (not "no job in Redis, queued again").
    const [shown] = await services.status(id);
    expect(shown.cause).toContain(`this process's release copy has ${planned} of the run's ${planned + 2} documents`);
    // The release setting is the operator's fix: the log and a terminal name it, Slack says whom to ask.
    expect(lines.join('\n')).toContain('left for a process that has them all (point JCB_DATA_DIR at the same release');
    expect(lines.join('\n')).not.toContain('{{');
    expect(forPeople(shown.cause!, 'terminal')).toMatch(/all \(point JCB_DATA_DIR at the same release as the run's\)$/);
    expect(forPeople(shown.cause!, 'chat')).toMatch(/left for a process that has them all; ask the bot's operator$/);
    const run = (await s.getRun(id))!;
    expect(run.status).toBe('running');
    expect(run.planned).toBe(planned + 2);
    expect(await s.scores(id)).toEqual([]);
  });
});
