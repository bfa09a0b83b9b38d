// Issue 24: what a worker, the bot, doctor and status assume of shared state is checked, and a run that
// does not move says why. Redis servers of the test's own (free ports the system gives).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { progressMessage } from '../handlers/blocks/progress.js';
import { UserError, userErrorText } from '../src/base/errors.js';
import { renderStatus } from '../src/cli/render.js';
import { mismatch, SCORING_VERSION } from '../src/queue/assumptions.js';
import type { ChunkJob } from '../src/queue/eval-queue.js';
import { openEvalQueue } from '../src/queue/eval-queue.js';
import { QUEUE_NUMBER_MIN, QUEUE_NUMBERS, queueNumber, queueNumberRight, redisUrl } from '../src/queue/settings.js';
import { stallCause, type QueueView } from '../src/queue/stall-cause.js';
import { Store } from '../src/store/store.js';
import { createServices, type Services } from '../src/services/index.js';
import { ownRedis, waitFor } from './own-redis.js';
import {
  FIXTURE_ENV,
  freshStore,
  inThreadTokenizer,
  JCB_BIN,
  localChatServer,
  TEST_MODELS,
  type TestStore,
} from './helpers.js';

/** A CLI run to its end: exit code and stderr. */
function jcb(args: string[], env: Record<string, string>): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [JCB_BIN, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stderr: r.stderr };
}

function testEnv(store: TestStore, models: string, extra: Record<string, string> = {}): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-qc-'));
  writeFileSync(path.join(dir, 'models.yml'), TEST_MODELS + models);
  return {
    ...FIXTURE_ENV,
    JCB_MODELS: path.join(dir, 'models.yml'),
    JCB_QUEUE_PREFIX: `jcbqc-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    JCB_QUEUE_LOCK_MS: '1500',
    JCB_RECONCILE_MS: '600000',
    ...store.env,
    ...extra,
  };
}

const live = (alias: string, url: string) =>
  `  ${alias}:\n    provider: openai-compatible\n    model: m\n    baseUrl: ${url}\n    concurrency: 1\n    maxRetries: 0\n`;

describe('queue settings from the environment', () => {
  it('REDIS_URL is a redis:// or rediss:// URL with a host, else refused in one line that does not echo it', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom('garbage', 'redis://', 'localhost:6379')),
        (raw) => {
          let accepted: string | undefined;
          try {
            accepted = redisUrl({ REDIS_URL: raw });
          } catch (err) {
            expect(err).toBeInstanceOf(UserError);
            // The variable is the operator's: the terminal names it, Slack says whom to ask.
            expect(userErrorText(err as UserError, 'terminal')).toMatch(
              /^The queue's Redis setting is not valid: REDIS_URL is not a Redis URL \([^\n]*\)\. Set it as /,
            );
            expect(userErrorText(err as UserError, 'chat')).toBe(
              "The queue's Redis setting is not valid; ask the bot's operator.",
            );
            if (raw.trim().length > 8) expect((err as Error).message).not.toContain(raw.trim());
            return;
          }
          if (!raw.trim()) expect(accepted).toBe('redis://127.0.0.1:6379');
          else {
            expect(accepted).toBe(raw.trim());
            expect(new URL(accepted).protocol).toMatch(/^rediss?:$/);
            expect(new URL(accepted).hostname).not.toBe('');
          }
        },
      ),
    );
    for (const bad of ['garbage', 'http://127.0.0.1:6379', 'redis://', 'redis://h:70000', 'redis://h/x'])
      expect(() => redisUrl({ REDIS_URL: bad })).toThrow(/: REDIS_URL is not a Redis URL/);
    expect(redisUrl({ REDIS_URL: 'rediss://:pw@cache.example:6380/2' })).toBe('rediss://:pw@cache.example:6380/2');
  });

  it('every numeric queue setting refuses what is not a whole number above 0, and is its default when unset', () => {
    for (const name of Object.keys(QUEUE_NUMBERS) as (keyof typeof QUEUE_NUMBERS)[]) {
      expect(queueNumber({}, name)).toBe(QUEUE_NUMBERS[name]);
      expect(queueNumber({ [name]: '' }, name)).toBe(QUEUE_NUMBERS[name]);
      expect(queueNumber({ [name]: '1500' }, name)).toBe(1500);
      for (const bad of ['abc', '0', '-5', '1.5', '1e400', String(QUEUE_NUMBER_MIN[name] - 1)])
        expect(() => queueNumber({ [name]: bad }, name)).toThrow(
          new RegExp(`^A queue setting is not valid\\{\\{fix:: ${name} must be ${queueNumberRight(name)} \\(`),
        );
    }
  });

  it('jcb eval --queue, jcb worker and jcb bot with REDIS_URL=garbage: one line, exit 1, nothing stored', async () => {
    const store = await freshStore('sqlite');
    const env = testEnv(store, '', { REDIS_URL: 'garbage' });
    for (const args of [['eval', 'mr', 'gpt-4o', '--queue'], ['worker'], ['bot']]) {
      const r = jcb(args, env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^jcb: REDIS_URL must be a Redis URL: redis:\/\/, then .*\(it does not parse as a URL\)\.\n$/,
      );
    }
    // A number that is no number is refused before a run is created, not at its first chunk.
    const s = createServices({ env: { ...env, REDIS_URL: '', JCB_QUEUE_CHUNK: 'ten' } });
    await expect(s.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' })).rejects.toThrow(
      /^A queue setting is not valid\{\{fix:: JCB_QUEUE_CHUNK must be a whole number above 0 \(it is "ten"\)\}\}\.$/,
    );
    expect(await s.runs()).toEqual([]);
    await s.close();
  });
});

describe('a Redis that may evict keys', () => {
  const redis = ownRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
  const refusing = ownRedis(['--rename-command', 'CONFIG', '""']);
  let store: TestStore;
  const open: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    await Promise.all([redis.start(), refusing.start()]);
    store = await freshStore('sqlite');
  });
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await Promise.all([redis.kill(), refusing.kill()]);
  });
  const services = (env: Record<string, string>) => {
    const s = createServices({ env, tokenizer: inThreadTokenizer() });
    open.push(s);
    return s;
  };

  it('is refused by the worker and by eval --queue, named by doctor, and named by status instead of an ETA', async () => {
    const env = testEnv(store, '', { REDIS_URL: redis.url });
    await expect(services(env).startWorker(1)).rejects.toThrow(
      /^This worker does not start: Redis may evict keys \(maxmemory-policy allkeys-lru\): queued jobs vanish and runs stall\. Set maxmemory-policy noeviction\.$/,
    );
    const producer = services(env);
    await expect(producer.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' })).rejects.toThrow(
      /^The evaluation queue cannot be used: Redis may evict keys \(maxmemory-policy allkeys-lru\)/,
    );
    const redisItem = (await producer.doctor()).find((i) => i.what === 'Redis')!;
    expect(redisItem).toMatchObject({ ok: false, detail: expect.stringContaining('maxmemory-policy allkeys-lru') });
    // A run queued while the policy was right; then someone changes it.
    redis.cli('config', 'set', 'maxmemory-policy', 'noeviction');
    const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' });
    expect((await producer.doctor()).find((i) => i.what === 'Redis')).toMatchObject({ ok: true });
    redis.cli('config', 'set', 'maxmemory-policy', 'volatile-lru');
    const [p] = await producer.status(queued.run.id);
    expect(p.cause).toMatch(/^Redis may evict keys \(maxmemory-policy volatile-lru\)/);
    expect(p.etaMs).toBeUndefined();
    expect(renderStatus([p])).toContain('not moving: Redis may evict keys (maxmemory-policy volatile-lru)');
    expect(progressMessage(p).text).toMatch(/not moving: Redis may evict keys/);
    expect(progressMessage(p).text).not.toMatch(/left/);
  });

  it('where CONFIG is refused: the worker starts and warns to check by hand; doctor says the same', async () => {
    const env = testEnv(store, '', { REDIS_URL: refusing.url });
    const logs: string[] = [];
    const s = services(env);
    await s.startWorker(1, (m) => logs.push(m));
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^warning: Redis refused CONFIG GET maxmemory-policy: check by hand that it is noeviction \(README/,
      ),
    );
    expect((await s.doctor()).find((i) => i.what === 'Redis')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('check by hand that it is noeviction'),
    });
  });
});

describe('jobs carry what they assume', () => {
  let store: TestStore;
  const open: { close(): Promise<void> }[] = [];
  const services = (env: Record<string, string>) => {
    const s = createServices({ env, tokenizer: inThreadTokenizer() });
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await store?.drop();
  });

  it('a worker with another server for the alias, or without it, leaves the jobs to one that matches', async () => {
    store = await freshStore('sqlite');
    const [a, b] = await Promise.all([localChatServer(() => '["W"]', 20), localChatServer(() => '["W"]', 20)]);
    try {
      const envA = testEnv(store, live('slow', a.url), { JCB_QUEUE_CHUNK: '1' });
      const envB = { ...testEnv(store, live('slow', b.url)), JCB_QUEUE_PREFIX: envA.JCB_QUEUE_PREFIX };
      const envC = { ...testEnv(store, ''), JCB_QUEUE_PREFIX: envA.JCB_QUEUE_PREFIX };
      const producer = services(envA);
      const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
      const logs = { b: [] as string[], c: [] as string[] };
      await services(envB).startWorker(1, (m) => logs.b.push(m));
      await services(envC).startWorker(1, (m) => logs.c.push(m));
      // Both decline, several times; status says what the run waits for, and never gives an ETA.
      let cause = '';
      await waitFor(async () => {
        const [p] = await producer.status(queued.run.id);
        expect(p.etaMs).toBeUndefined();
        cause = p.cause ?? '';
        return Number(/declined (\d+) times/.exec(cause)?.[1] ?? 0) >= 4;
      });
      expect(cause).toMatch(
        new RegExp(
          `^waiting for a worker with m at ${a.url.replace(/[.]/g, '\\.')} as configured: declined \\d+ times \\(last: .+\\)$`,
        ),
      );
      expect(b.calls()).toBe(0);
      expect(a.calls()).toBe(0);
      expect(logs.b.filter((m) => m.includes('not taken here'))).toEqual([
        `run ${queued.run.id}: not taken here (this worker's slow differs in baseUrl: m at ${b.url}, the run's m at ${a.url}); left for a worker that matches`,
      ]);
      expect(logs.c.filter((m) => m.includes('not taken here'))).toEqual([
        `run ${queued.run.id}: not taken here (Unknown model "slow"); left for a worker that matches`,
      ]);
      expect((await producer.status(queued.run.id))[0]).toMatchObject({ done: 0, failed: 0 });
      // The worker that matches takes every job; the others never computed one.
      await services(envA).startWorker(1);
      await waitFor(async () => (await producer.status(queued.run.id))[0].run.status === 'finished', 60_000);
      expect(a.calls()).toBe(queued.documents);
      expect(b.calls()).toBe(0);
      expect((await producer.show(queued.run.id)).documents.done).toBe(queued.documents);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("a worker whose task file differs leaves a declared task's jobs to one whose file is the run's", async () => {
    store = await freshStore('sqlite');
    const own = path.resolve(__dirname, 'fixtures/task-files/own');
    const folder = (prompt: (yml: string) => string) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-qc-tasks-'));
      writeFileSync(path.join(dir, 'triage.yml'), prompt(readFileSync(path.join(own, 'triage.yml'), 'utf8')));
      writeFileSync(path.join(dir, 'triage.csv'), readFileSync(path.join(own, 'triage.csv')));
      return dir;
    };
    const envA = testEnv(store, '', { JCB_TASKS: folder((y) => y), JCB_PACKS_TASKS: '/nonexistent' });
    const envB = { ...envA, JCB_TASKS: folder((y) => y.replaceAll('一語で', '一語だけで')) };
    const producer = services(envA);
    const queued = await producer.enqueueEvaluation({ task: 'triage', model: 'baseline', shot: 'zero' });
    // A worker of its own process (declared tasks are per process), with the edited prompts.
    const other = spawn(process.execPath, [JCB_BIN, 'worker', '--concurrency', '1'], {
      env: { ...process.env, ...envB },
    });
    let said = '';
    other.stderr.on('data', (d) => (said += String(d)));
    try {
      await waitFor(
        async () =>
          /not taken here/.test(said) && /declined [2-9]/.test((await producer.status(queued.run.id))[0].cause ?? ''),
      );
      expect(said).toMatch(
        new RegExp(
          `run ${queued.run.id}: not taken here \\(this worker's task file of triage differs \\([0-9a-f]{12}, the run's [0-9a-f]{12}\\)\\)`,
        ),
      );
      expect((await producer.status(queued.run.id))[0]).toMatchObject({ done: 0, failed: 0, etaMs: undefined });
    } finally {
      other.kill('SIGKILL');
    }
    await services(envA).startWorker(1);
    await waitFor(async () => (await producer.status(queued.run.id))[0].run.status === 'finished', 60_000);
    expect((await producer.show(queued.run.id)).documents.done).toBe(queued.documents);
  });

  it("a job of another scoring version is declined, naming both versions; one of the worker's is taken", () => {
    const run = { engine: JSON.stringify({ provider: 'baseline', node: 'v0' }), model: 'baseline' } as never;
    const worker = { storeId: 's', provider: () => ({ config: { provider: 'baseline' } }) as never };
    const assumes = { storeId: 's', engine: { provider: 'baseline' }, scoring: SCORING_VERSION };
    expect(mismatch(assumes, run, worker)).toBeUndefined();
    expect(mismatch({ ...assumes, scoring: '0' }, run, worker)).toBe(
      `this worker scores with version ${SCORING_VERSION}, the run with 0`,
    );
    expect(mismatch({ ...assumes, storeId: 't' }, run, worker)).toBe('this worker opens another store');
  });

  it('--run of an id not stored is refused with the nearest ids, and nothing is created', async () => {
    store = await freshStore('sqlite');
    const s = services(testEnv(store, ''));
    const { run } = await s.evaluate({ task: 'mr', model: 'gpt-4o', shot: 'one' });
    const typo = `${run.id.slice(0, -1)}${run.id.endsWith('x') ? 'y' : 'x'}`;
    for (const attempt of [
      () => s.evaluate({ task: 'mr', model: 'gpt-4o', shot: 'one', runId: typo }),
      () => s.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one', runId: typo }),
    ])
      await expect(attempt()).rejects.toMatchObject({
        message: `No run "${typo}" to resume.`,
        hint: `Nearest: ${run.id}. Leave out --run to start a new run.`,
      });
    expect((await s.runs()).map((r) => r.run.id)).toEqual([run.id]);
  });

  /** Runs `check` on a run of MR on a slow live model (300 ms an answer, a document a job) once it has an ETA. */
  async function onMovingRun(check: (producer: Services, env: Record<string, string>, runId: string) => Promise<void>) {
    store = await freshStore('sqlite');
    const model = await localChatServer(() => '["W"]', 300);
    try {
      const env = testEnv(store, live('slow', model.url), { JCB_QUEUE_CHUNK: '1' });
      const producer = services(env);
      const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
      await services(env).startWorker(1);
      await waitFor(async () => (await producer.status(queued.run.id))[0].done >= 1);
      expect((await producer.status(queued.run.id))[0].etaMs).toBeGreaterThan(0);
      await check(producer, env, queued.run.id);
    } finally {
      await model.close();
    }
  }
  /** The run, now `status`, has no ETA, in `status` and in Slack, and is listed only with all runs. */
  async function expectStopped(producer: Services, runId: string, status: string) {
    const [p] = await producer.status(runId);
    expect(p).toMatchObject({ run: { status }, etaMs: undefined });
    expect(renderStatus([p])).not.toMatch(/left/);
    expect(progressMessage(p).text).not.toMatch(/left/);
    expect((await producer.status()).map((r) => r.run.id)).not.toContain(runId);
    expect((await producer.status(undefined, { all: true })).map((r) => r.run.id)).toContain(runId);
  }

  it('a cancelled run shows no ETA and is listed by status only when asked for all', async () => {
    await onMovingRun(async (producer, _env, runId) => {
      await producer.cancel(runId);
      await expectStopped(producer, runId, 'cancelled');
    });
  });
  it('only a run that moves has an ETA: failed, interrupted and stalled ones none, nor are they listed as under way', async () => {
    await onMovingRun(async (producer, env, runId) => {
      // Nothing stored for longer than JCB_STALLED_MS (1 ms here): stalled, whatever the arithmetic says.
      const [stalled] = await services({ ...env, JCB_STALLED_MS: '1' }).status(runId);
      expect(stalled).toMatchObject({ stalledSince: expect.any(String), etaMs: undefined });
      expect(renderStatus([stalled])).toMatch(/stalled since/);
      expect(renderStatus([stalled])).not.toMatch(/left/);
      const opened = await Store.open(env);
      try {
        for (const status of ['failed', 'interrupted']) {
          await opened.setRunStatus(runId, status);
          await expectStopped(producer, runId, status);
        }
      } finally {
        await opened.close();
      }
    });
  });
});

describe('runs that do not move say why', () => {
  let store: TestStore;
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await store?.drop();
  });

  it('reconciliation backs off from a run whose jobs keep vanishing, and status names the likely cause', async () => {
    store = await freshStore('sqlite');
    const env = testEnv(store, '', { JCB_RECONCILE_MS: '200' });
    const producer = createServices({ env, tokenizer: inThreadTokenizer() });
    open.push(producer);
    const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' });
    // Something keeps emptying the queue (an evicting or wiped Redis).
    const opened = await Store.open(env);
    const q = openEvalQueue(env, await opened.id());
    await opened.close();
    const thief = setInterval(() => void q.empty().catch(() => {}), 50);
    try {
      const logs: string[] = [];
      await producer.startReconciler((m) => logs.push(m));
      await waitFor(async () => logs.some((m) => m.includes('lost 4 rounds in a row')));
      const requeued = logs.filter((m) => m.includes('had no job'));
      const backoffs = logs.filter((m) => m.includes('rounds in a row'));
      // Rounds 1 to 4 re-queued; after 2, 3 and 4 losses it waited 1, 3 and 7 rounds before the next.
      expect(requeued).toHaveLength(4);
      expect(backoffs).toEqual([
        expect.stringMatching(
          /its jobs were lost 2 rounds in a row \(Redis emptied or wiped by someone\?\); next check in 2 rounds$/,
        ),
        expect.stringMatching(/lost 3 rounds in a row .*; next check in 4 rounds$/),
        expect.stringMatching(/lost 4 rounds in a row .*; next check in 8 rounds$/),
      ]);
      const [p] = await producer.status(queued.run.id);
      expect(p.cause).toMatch(
        /documents had no job in Redis \(restarted empty, evicting or wiped\?\) and were queued again|documents have no job in Redis \(restarted empty, evicting or wiped\?\): reconciliation queues them again|waiting for a worker/,
      );
      expect(p.etaMs).toBeUndefined();
    } finally {
      clearInterval(thief);
      await q.close();
    }
  });

  it('failed jobs are named with their error and attempts; jobs every worker declined, with what they wait for', () => {
    const job = (data: Partial<ChunkJob>, extra: Record<string, unknown> = {}) =>
      ({ data: { runId: 'r1', task: 'mr', docIds: ['a'], noCache: false, ...data }, ...extra }) as never;
    const view: QueueView = {
      workers: 2,
      jobs: [
        { state: 'failed', job: job({}, { attemptsMade: 3, failedReason: 'ENOSPC: no space left on device' }) },
        { state: 'waiting', job: job({ docIds: ['b'] }) },
      ],
    };
    expect(stallCause(view, 'r1', () => true)).toBe('1 job failed after 3 attempts: ENOSPC: no space left on device');
    // Its documents were stored since by another job: no longer a cause.
    expect(stallCause(view, 'r1', () => false)).toBeUndefined();
    const declined = {
      assumes: {
        storeId: 's',
        engine: { provider: 'openai-compatible', model: 'm', baseUrl: 'http://gpu1:8000/v1' },
        scoring: '1',
      },
      declined: { reason: 'OPENAI_KEY is not set', count: 3, by: 'w1' },
    };
    const waiting: QueueView = {
      workers: 1,
      jobs: [
        { state: 'delayed', job: job(declined) },
        { state: 'active', job: job(declined) },
      ],
    };
    expect(stallCause(waiting, 'r1', () => true)).toBe(
      'waiting for a worker with m at http://gpu1:8000/v1 as configured: declined 3 times (last: OPENAI_KEY is not set)',
    );
    expect(stallCause({ workers: 0, jobs: [{ state: 'waiting', job: job({}) }] }, 'r1', () => true)).toBe(
      'waiting for a worker: none is taking jobs from this queue',
    );
    expect(stallCause({ workers: 1, jobs: [{ state: 'active', job: job({}) }] }, 'r1', () => true)).toBeUndefined();
    // No job of the run at all, documents not stored: nothing brings them (the queue emptied between two rounds).
    expect(stallCause({ workers: 1, jobs: [] }, 'r1', () => true, 3)).toBe(
      '3 documents have no job in Redis (restarted empty, evicting or wiped?): reconciliation queues them again',
    );
    expect(stallCause({ workers: 1, jobs: [] }, 'r1', () => true, 0)).toBeUndefined();
  });
});

// Issue 24's leftovers: the thinking/answer split is one of a job's assumptions, and every re-queue carries
// what the run was started with (runs.assumptions), not what the process re-queueing it has. A Redis of the
// test's own, emptied to lose the jobs.
describe('jobs carry what the run was started with', () => {
  const redis = ownRedis();
  let store: TestStore | undefined;
  const open: { close(): Promise<void> }[] = [];
  beforeAll(() => redis.start());
  afterAll(() => redis.kill());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await store?.drop();
    store = undefined;
  });
  const services = (env: Record<string, string>) => {
    const s = createServices({ env, tokenizer: inThreadTokenizer() });
    open.push(s);
    return s;
  };

  it('a worker whose models file splits thinking from answers otherwise leaves the jobs, says so once, and status names it', async () => {
    store = await freshStore('sqlite');
    const model = await localChatServer(() => '<r>urgent?</r>["W"]', 20);
    try {
      const tags = (open: string, close: string) => `    thinkTags: [{ open: "${open}", close: "${close}" }]\n`;
      const envA = testEnv(store, live('slow', model.url) + tags('<r>', '</r>'), {
        REDIS_URL: redis.url,
        JCB_QUEUE_CHUNK: '1',
      });
      const other = (models: string) => ({
        ...testEnv(store!, models),
        REDIS_URL: redis.url,
        JCB_QUEUE_PREFIX: envA.JCB_QUEUE_PREFIX,
      });
      const producer = services(envA);
      const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
      const logs = { tags: [] as string[], cut: [] as string[] };
      // The same model on the same server: one reads <think> only, one counts a prompt as cut below 50 %.
      await services(other(live('slow', model.url))).startWorker(1, (m) => logs.tags.push(m));
      await services(other(live('slow', model.url) + tags('<r>', '</r>') + '    promptCutRatio: 0.5\n')).startWorker(
        1,
        (m) => logs.cut.push(m),
      );
      let p = (await producer.status(queued.run.id))[0];
      await waitFor(async () => {
        p = (await producer.status(queued.run.id))[0];
        return Number(/declined (\d+) times/.exec(p.cause ?? '')?.[1] ?? 0) >= 6;
      });
      const configured = `waiting for a worker with m at ${model.url} as configured: declined \\d+ times`;
      expect(p.cause).toMatch(
        new RegExp(
          `^${configured.replace(/[.]/g, '\\.')} \\(last: this worker's slow differs in (thinkTags|promptCutRatio): `,
        ),
      );
      expect(p).toMatchObject({ done: 0, failed: 0, etaMs: undefined });
      // The server's address is in the cause (status --json) but never shown to a person (src/base/shown.ts).
      expect(renderStatus([p])).toContain('not moving: waiting for a worker with m at [address] as configured');
      expect(progressMessage(p).text).toContain('waiting for a worker with m at [address] as configured');
      expect(model.calls()).toBe(0);
      // One line each, however many jobs they left.
      expect(logs.tags.filter((m) => m.includes('not taken here'))).toEqual([
        `run ${queued.run.id}: not taken here (this worker's slow differs in thinkTags: m at ${model.url}, the run's m at ${model.url}); left for a worker that matches`,
      ]);
      expect(logs.cut.filter((m) => m.includes('not taken here'))).toEqual([
        `run ${queued.run.id}: not taken here (this worker's slow differs in promptCutRatio: m at ${model.url}, the run's m at ${model.url}); left for a worker that matches`,
      ]);
      // The worker configured as the run was computes every document, its thinking taken out by <r>.
      await services(envA).startWorker(1);
      await waitFor(async () => (await producer.status(queued.run.id))[0].run.status === 'finished', 60_000);
      expect(model.calls()).toBe(queued.documents);
      const shown = await producer.show(queued.run.id);
      expect(shown.documents.done).toBe(queued.documents);
    } finally {
      await model.close();
    }
  });

  it('a worker that reads another release than the run recorded leaves its jobs (another gold scores otherwise)', async () => {
    store = await freshStore('sqlite');
    const env = testEnv(store, '', { REDIS_URL: redis.url });
    const manifest = JSON.parse(readFileSync(FIXTURE_ENV.JCB_RELEASE_MANIFEST, 'utf8')) as { commit: string };
    const other = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-qc-manifest-')), 'manifest.json');
    writeFileSync(other, JSON.stringify({ ...manifest, commit: 'f'.repeat(40) }));
    const producer = services(env);
    const queued = await producer.enqueueEvaluation({ task: 'mr', model: 'baseline', shot: 'one' });
    const logs: string[] = [];
    await services({ ...env, JCB_RELEASE_MANIFEST: other }).startWorker(1, (m) => logs.push(m));
    await waitFor(async () => /declined [2-9]/.test((await producer.status(queued.run.id))[0].cause ?? ''));
    expect(logs.filter((m) => m.includes('not taken here'))).toEqual([
      `run ${queued.run.id}: not taken here (this worker reads release fffffff, the run release ${manifest.commit.slice(0, 7)}); left for a worker that matches`,
    ]);
    expect((await producer.status(queued.run.id))[0]).toMatchObject({ done: 0, failed: 0 });
    await services(env).startWorker(1);
    await waitFor(async () => (await producer.status(queued.run.id))[0].run.status === 'finished', 60_000);
    expect((await producer.show(queued.run.id)).documents.done).toBe(queued.documents);
  });

  for (const kind of ['sqlite', 'postgres'] as const)
    it(`${kind}: reconciliation re-queues lost jobs with the task file the run was started with, not its own`, async () => {
      store = await freshStore(kind);
      const own = path.resolve(__dirname, 'fixtures/task-files/own');
      const original = readFileSync(path.join(own, 'triage.yml'), 'utf8');
      const folder = (yml: string) => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-qc-tasks-'));
        writeFileSync(path.join(dir, 'triage.yml'), yml);
        writeFileSync(path.join(dir, 'triage.csv'), readFileSync(path.join(own, 'triage.csv')));
        return dir;
      };
      const started = folder(original);
      const env = testEnv(store, '', { JCB_TASKS: started, JCB_PACKS_TASKS: '/nonexistent', REDIS_URL: redis.url });
      const queued = await services(env).enqueueEvaluation({ task: 'triage', model: 'baseline', shot: 'zero' });
      // The file is edited after the run started, and Redis loses every job.
      writeFileSync(path.join(started, 'triage.yml'), original.replaceAll('一語で', '一語だけで'));
      redis.cli('flushall');
      const worker = (tasks: string) => {
        const child = spawn(process.execPath, [JCB_BIN, 'worker', '--concurrency', '1'], {
          env: { ...process.env, ...env, JCB_TASKS: tasks, JCB_RECONCILE_MS: '300' },
        });
        const out = { said: '' };
        child.stderr.on('data', (d) => (out.said += String(d)));
        return { child, out };
      };
      // A worker with the edited file reconciles: it re-queues the lost documents, and declines them.
      const edited = worker(started);
      try {
        await waitFor(async () => /had no job/.test(edited.out.said) && /not taken here/.test(edited.out.said), 60_000);
        const hashes = /task file of triage differs \(([0-9a-f]{12}), the run's ([0-9a-f]{12})\)/.exec(edited.out.said);
        expect(hashes).not.toBeNull();
        expect(hashes![1]).not.toBe(hashes![2]);
        expect(edited.out.said).not.toMatch(/documents computed/);
        expect((await services(env).status(queued.run.id))[0]).toMatchObject({ done: 0, failed: 0 });
        // Computed here, the resumed run would mix the two files: refused in one line.
        const resumed = jcb(['eval', 'triage', 'baseline', '--shot', 'zero', '--run', queued.run.id], env);
        expect(resumed.code).toBe(1);
        expect(resumed.stderr).toBe(
          `jcb: The task file of task triage changed since run ${queued.run.id} started (triage.yml). Start a new run without --run, or put the old file back.\n`,
        );
      } finally {
        edited.child.kill('SIGKILL');
      }
      // A worker with the file as the run was started computes them.
      const same = worker(folder(original));
      try {
        await waitFor(async () => (await services(env).status(queued.run.id))[0].run.status === 'finished', 60_000);
        expect(same.out.said).toMatch(/documents computed/);
      } finally {
        same.child.kill('SIGKILL');
      }
      expect((await services(env).show(queued.run.id)).documents.done).toBe(queued.documents);
    });
});
