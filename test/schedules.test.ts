// Schedules as Bull repeatable jobs, and digests of their runs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openScheduleQueue } from '../src/queue/eval-queue.js';
import { installSchedules, loadSchedules, type Schedule } from '../src/queue/schedules.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, TEST_MODELS, type TestStore, localChatServer } from './helpers.js';

const nightly = (cron: string): Schedule => ({
  name: 'nightly',
  cron,
  tz: 'Asia/Tokyo',
  models: ['baseline'],
  tasks: ['irs'],
  shot: 'one',
  channel: 'C9',
  regression: 0.02,
});

describe('schedules', () => {
  it('are installed once, and a changed schedule replaces its timer', async () => {
    const queue = openScheduleQueue({ JCB_QUEUE_PREFIX: `jcbsched-${process.pid}-${Date.now()}` }, 'store-a');
    try {
      await installSchedules(queue, [nightly('0 2 * * *')]);
      expect(await installSchedules(queue, [nightly('0 2 * * *')])).toEqual({ added: 0, removed: 0 });
      expect((await queue.getRepeatableJobs()).map((r) => [r.id, r.cron, r.tz])).toEqual([
        ['nightly', '0 2 * * *', 'Asia/Tokyo'],
      ]);
      expect(await installSchedules(queue, [nightly('30 3 * * *')])).toEqual({ added: 1, removed: 1 });
      expect((await queue.getRepeatableJobs()).map((r) => r.cron)).toEqual(['30 3 * * *']);
      expect(await installSchedules(queue, [])).toEqual({ added: 0, removed: 1 });
      expect(await queue.getRepeatableJobs()).toEqual([]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('are validated with the bad key named', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-sch-')), 's.yml');
    writeFileSync(
      file,
      'schedules:\n  n:\n    cron: "every night"\n    models: [baseline]\n    tasks: all\n    channel: C1\n',
    );
    expect(() => loadSchedules({ JCB_SCHEDULES: file })).toThrow(/schedules\.n\.cron: five cron fields/);
    expect(loadSchedules({}).map((s) => s.name)).toContain('nightly-baseline');
  });
});

describe('digests', () => {
  let store: TestStore;
  let services: ReturnType<typeof createServices>;
  let models: string;
  let schedules: string;
  beforeEach(async () => {
    store = await freshStore('sqlite');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-dig-'));
    const env = {
      ...FIXTURE_ENV,
      JCB_MODELS: path.join(dir, 'models.yml'),
      JCB_SCHEDULES: path.join(dir, 'schedules.yml'),
      ...store.env,
    };
    writeFileSync(
      env.JCB_MODELS,
      `${TEST_MODELS}  down:\n    provider: openai-compatible\n    model: m\n    baseUrl: http://127.0.0.1:9/v1\n    maxRetries: 0\n`,
    );
    writeFileSync(
      env.JCB_SCHEDULES,
      'schedules:\n  nightly:\n    cron: "0 2 * * *"\n    models: [gpt-4o, down]\n    tasks: [mr]\n    channel: C9\n    regression: 0.1\n',
    );
    models = env.JCB_MODELS;
    schedules = env.JCB_SCHEDULES;
    services = createServices({ env, tokenizer: inThreadTokenizer() });
  });
  afterEach(async () => {
    await services.close();
    await store.drop();
  });

  it('report each model × setting with its change since the last digest, regressions and failed runs', async () => {
    await services.evaluate({ task: 'mr', model: 'gpt-4o', shot: 'one' });
    const [first] = await services.digest('nightly');
    expect(first.rows).toEqual([
      expect.objectContaining({ model: 'gpt-4o', task: 'mr', score: 0.75, previous: null, regression: false }),
      expect.objectContaining({ model: 'down', task: 'mr', score: null }),
    ]);
    // The model gets worse: the next digest flags it. The other model's run fails.
    await services.evaluate({ task: 'mr', model: 'gpt-4o', shot: 'one', limit: 1 });
    const worse = await services.evaluate({ task: 'mr', model: 'down', shot: 'one' });
    const [second] = await services.digest('nightly');
    expect(second.since).not.toBeNull();
    expect(second.rows[0]).toMatchObject({ score: 0.75, previous: 0.75, regression: false });
    expect(second.rows[0].interval!.low).toBeLessThanOrEqual(0.75);
    expect(second.rows[0].interval!.high).toBeGreaterThanOrEqual(0.75);
    expect(second.failedRuns).toEqual([{ run: worse.run.id, model: 'down', status: 'finished', failed: 2 }]);
    await expect(services.digest('weekly')).rejects.toThrow(/No schedule "weekly"/);
  });

  it('flag a drop beyond the threshold as a regression', async () => {
    // A local model that answers well, then badly.
    let good = true;
    const server = await localChatServer(() => (good ? '["ニトログリセリン", "アスピリン", "W"]' : '[]'), 0, true);
    try {
      const url = server.url;
      writeFileSync(
        models,
        `${TEST_MODELS}  flaky:\n    provider: openai-compatible\n    model: m\n    baseUrl: ${url}\n`,
      );
      writeFileSync(
        schedules,
        'schedules:\n  nightly:\n    cron: "0 2 * * *"\n    models: [flaky]\n    tasks: [mr]\n    channel: C9\n    regression: 0.1\n',
      );
      await services.evaluate({ task: 'mr', model: 'flaky', shot: 'one', noCache: true });
      expect((await services.digest('nightly'))[0].rows[0]).toMatchObject({ regression: false, previous: null });
      good = false;
      await services.evaluate({ task: 'mr', model: 'flaky', shot: 'one', noCache: true });
      const [d] = await services.digest('nightly');
      expect(d.rows[0]).toMatchObject({ score: 0, regression: true });
      expect(d.rows[0].previous).toBeGreaterThan(0.5);
    } finally {
      await server.close();
    }
  });
});
