// Issue 24: each scheduled digest is queued and posted once, whatever Bull fires (a duplicated or stale
// repeatable after a schedule change or a restart, a slot fired twice when the clock goes back) and
// however many bots share the Redis and the store. A redis-server of the test's own.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Queue from 'bull';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { trackProgress } from '../handlers/progress.js';
import { openScheduleQueue } from '../src/queue/eval-queue.js';
import { claimFire, fireSlot, type Schedule } from '../src/queue/schedules.js';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, TEST_MODELS, type TestStore } from './helpers.js';
import { ownRedis, waitFor } from './own-redis.js';

const nightly = (cron: string, tz = 'Asia/Tokyo'): Schedule => ({
  name: 'nightly',
  cron,
  tz,
  models: ['baseline'],
  tasks: ['irs'],
  shot: 'one',
  channel: 'C9',
  regression: 0.02,
});

/** A fire as Bull's repeat makes it (lib/repeatable.js): the job's opts carry its cron, zone and due time. */
const createJob = (
  Queue as unknown as { Job: { create(q: Queue.Queue, name: string, data: unknown, opts: unknown): Promise<unknown> } }
).Job.create;

describe('schedule fires', () => {
  const redis = ownRedis();
  beforeAll(() => redis.start());
  afterAll(() => redis.kill());
  afterEach(() => vi.useRealTimers());

  it('a slot is the due wall-clock minute in the schedule zone: the hour repeated when summer time ends is one slot', () => {
    // 2026-11-01 01:30 in New York, first in EDT (05:30Z), then again in EST (06:30Z).
    expect(fireSlot(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30');
    expect(fireSlot(Date.parse('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30');
    expect(fireSlot(Date.parse('2026-12-02T17:00:00Z'), 'Asia/Tokyo')).toBe('2026-12-03 02:00');
  });

  it('two bots claim a slot once; a stale timer of the old cron is refused; a clock set back does not fire a slot again', async () => {
    const env = { REDIS_URL: redis.url, JCB_QUEUE_PREFIX: `jcbonce-${process.pid}` };
    const [a, b] = [openScheduleQueue(env, 'store-1'), openScheduleQueue(env, 'store-1')];
    const other = openScheduleQueue(env, 'store-2');
    try {
      const s = nightly('0 2 * * *');
      const due = Date.parse('2026-12-02T17:00:00Z');
      const fire = { prevMillis: due, repeat: { cron: s.cron, tz: s.tz } };
      const claims = await Promise.all([claimFire(a, s, fire), claimFire(b, s, fire), claimFire(a, s, fire)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      // Another store's bots have their own schedule queue: their slot is theirs.
      expect(await claimFire(other, s, fire)).toBe(true);
      // A timer left from before the schedule changed.
      expect(await claimFire(b, s, { prevMillis: due + 86_400_000, repeat: { cron: '30 3 * * *', tz: s.tz } })).toBe(
        false,
      );
      // The next night is a slot of its own.
      expect(await claimFire(b, s, { ...fire, prevMillis: due + 86_400_000 })).toBe(true);
      // The clock is set back across midnight: Bull computes the same due time again; refused.
      vi.useFakeTimers({ toFake: ['Date'], now: due - 3_600_000 });
      expect(await claimFire(a, s, fire)).toBe(false);
      // Summer time ends in New York: 01:30 comes twice (EDT, then EST an hour later); one slot, one digest.
      const ny = nightly('30 1 * * *', 'America/New_York');
      const edt = { prevMillis: Date.parse('2026-11-01T05:30:00Z'), repeat: { cron: ny.cron, tz: ny.tz } };
      expect(await claimFire(a, ny, edt)).toBe(true);
      expect(await claimFire(b, ny, { ...edt, prevMillis: Date.parse('2026-11-01T06:30:00Z') })).toBe(false);
      // The clock set back across midnight, to 23:00 of the day before in Tokyo: the slot Bull computes again is
      // refused; the next night's is not.
      vi.setSystemTime(due - 3 * 3_600_000);
      expect(await claimFire(b, s, fire)).toBe(false);
      expect(await claimFire(b, s, { ...fire, prevMillis: due + 2 * 86_400_000 })).toBe(true);
      // Without a due time (a job added by hand) the slot is now's.
      expect(await claimFire(a, s, {})).toBe(true);
      expect(await claimFire(b, s, {})).toBe(false);
    } finally {
      for (const q of [a, b, other]) await q.close();
    }
  });

  describe('two bots on one Redis and one store', () => {
    let store: TestStore;
    const open: { close(): Promise<void> }[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
      await store.drop();
    });

    /**
     * The bots' environment on a fresh store and this Redis: the test registry, `schedules` as the schedules
     * file (both in a temp folder), queues named under `prefix` if given.
     */
    async function botsEnv(schedules: string, prefix?: string): Promise<Record<string, string>> {
      store = await freshStore('sqlite');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-once-'));
      const env = {
        ...FIXTURE_ENV,
        ...store.env,
        JCB_MODELS: path.join(dir, 'models.yml'),
        JCB_SCHEDULES: path.join(dir, 'schedules.yml'),
        REDIS_URL: redis.url,
        ...(prefix && { JCB_QUEUE_PREFIX: `${prefix}-${process.pid}` }),
      };
      writeFileSync(env.JCB_MODELS, TEST_MODELS);
      writeFileSync(env.JCB_SCHEDULES, schedules);
      return env;
    }
    /** The bots' schedule queue (named by their store's id). */
    async function scheduleQueue(env: Record<string, string>) {
      const st = await Store.open(env);
      const q = openScheduleQueue(env, await st.id());
      await st.close();
      return q;
    }

    it('see the schedules file edited while they run: a schedule added or re-timed is installed, a broken file is said', async () => {
      const entry = (name: string, cron: string) =>
        `  ${name}:\n    cron: "${cron}"\n    tz: Asia/Tokyo\n    models: [baseline]\n    tasks: [irs]\n    channel: C9\n`;
      const env = await botsEnv(`schedules:\n${entry('nightly', '0 2 * * *')}`, 'jcbresched');
      const bot = createServices({ env, tokenizer: inThreadTokenizer() });
      open.push(bot);
      const said: string[] = [];
      await bot.startScheduler(
        async () => {},
        (line) => void said.push(line),
        20,
      );
      const q = await scheduleQueue(env);
      const timers = async () => (await q.getRepeatableJobs()).map((r) => `${r.id} ${r.cron}`).sort();
      try {
        expect(await timers()).toEqual(['nightly 0 2 * * *']);
        writeFileSync(
          env.JCB_SCHEDULES,
          `schedules:\n${entry('nightly', '30 3 * * *')}${entry('weekly', '0 4 * * 1')}`,
        );
        await waitFor(async () => said.length === 1);
        expect(await timers()).toEqual(['nightly 30 3 * * *', 'weekly 0 4 * * 1']);
        expect(said[0]).toMatch(/schedules\.yml changed: 2 schedule timers added, 1 removed\.$/);
        writeFileSync(env.JCB_SCHEDULES, 'schedules: [not, a, mapping]\n');
        await waitFor(async () => said.length === 2);
        expect(said[1]).toMatch(/schedules\.yml changed but was not installed \(the timers stay as they were\): /);
        expect(await timers()).toEqual(['nightly 30 3 * * *', 'weekly 0 4 * * 1']);
      } finally {
        await q.close();
      }
    });

    it('after a schedule change leave one timer; fires duplicated or stale queue the evaluations once', async () => {
      const file = (cron: string) =>
        `schedules:\n  nightly:\n    cron: "${cron}"\n    tz: Asia/Tokyo\n    models: [baseline]\n    tasks: [irs]\n    channel: C9\n`;
      const env = await botsEnv(file('0 2 * * *'), 'jcbonce2');
      const fired: string[][] = [];
      const bot = () => {
        const s = createServices({ env, tokenizer: inThreadTokenizer() });
        open.push(s);
        return s;
      };
      const [botA, botB] = [bot(), bot()];
      await botA.startScheduler(async (_s, runIds) => void fired.push(runIds));
      writeFileSync(env.JCB_SCHEDULES, file('30 3 * * *'));
      expect(await botB.startScheduler(async (_s, runIds) => void fired.push(runIds))).toEqual({
        added: 1,
        removed: 1,
      });
      // A restart (a bot of the same file starts again): still one timer.
      await bot().startScheduler(async (_s, runIds) => void fired.push(runIds));
      const q = await scheduleQueue(env);
      try {
        expect((await q.getRepeatableJobs()).map((r) => r.cron)).toEqual(['30 3 * * *']);
        // The same slot fired twice (Bull issues #2207, #1701) and the old timer's fire.
        const due = Date.parse('2026-12-02T18:30:00Z');
        const opts = (cron: string, jobId: string) => ({ jobId, prevMillis: due, repeat: { cron, tz: 'Asia/Tokyo' } });
        for (const [cron, id] of [
          ['30 3 * * *', 'dup-1'],
          ['30 3 * * *', 'dup-2'],
          ['0 2 * * *', 'stale'],
        ])
          await createJob(q, 'schedule', { schedule: 'nightly' }, opts(cron, id));
        await waitFor(async () => (await q.getCompletedCount()) === 3);
        expect(fired).toHaveLength(1);
        expect(fired[0]).toHaveLength(1);
      } finally {
        await q.close();
      }
    });

    it('post a digest once when its runs have ended', async () => {
      const env = await botsEnv(
        'schedules:\n  nightly:\n    cron: "0 2 * * *"\n    models: [baseline]\n    tasks: [irs]\n    channel: C9\n',
      );
      const bots = [0, 1].map(() => createServices({ env, tokenizer: inThreadTokenizer() }));
      open.push(...bots);
      const { run } = await bots[0].evaluate({ task: 'irs', model: 'baseline', shot: 'one' });
      await bots[0].watch(run.id, 'digest:nightly', run.id);
      const posted: string[] = [];
      const client = {
        chat: { postMessage: async (m: { channel: string }) => void posted.push(m.channel), update: async () => ({}) },
      };
      const stops = bots.map((s) => trackProgress(s, client as never, (err) => posted.push(String(err)), 50));
      try {
        await waitFor(async () => (await bots[1].watched('digest:')).length === 0);
        await new Promise((r) => setTimeout(r, 300)); // what a second bot would still post
        expect(posted).toEqual(['C9']);
      } finally {
        await Promise.all(stops.map((stop) => stop()));
      }
    });
  });
});
