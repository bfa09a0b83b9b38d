// Bull (with lodash, cron-parser and luxon: ~7 MB of the bot's memory) loads with the first queue a process
// needs, not at the bot's start (issue 28): the checks of Redis at start use a bare connection, the
// reconciliation opens the queue only for a queued run, and the scheduler only for a schedule wanted or a timer
// left by an earlier file. In a process of its own, since this one may have loaded Bull already.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScheduleQueue } from '../src/queue/eval-queue.js';
import { installSchedules, loadSchedules } from '../src/queue/schedules.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV } from './helpers.js';
import { ownRedis } from './own-redis.js';

const redis = ownRedis();
const SCHEDULE = `schedules:
  nightly:
    cron: "0 2 * * *"
    tz: Asia/Tokyo
    models: [baseline]
    tasks: [mr]
    shot: one
    channel: "#jcb-nightly"
`;

/** Starts the bot's reconciler and scheduler in a child process; its lines as they come, and a way to end it. */
function startBackground(env: NodeJS.ProcessEnv) {
  const services = new URL('../dist/src/services/index.js', import.meta.url).href;
  const script = `
    const { createRequire } = await import('node:module');
    const bullLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/bull/'));
    const { createServices } = await import(${JSON.stringify(services)});
    const services = createServices({ env: process.env });
    await services.startReconciler(undefined, (w) => console.log('warn ' + w));
    const installed = await services.startScheduler(async () => {}, (line) => console.log('change ' + line + ' bull ' + bullLoaded()), 100);
    console.log('started ' + JSON.stringify(installed) + ' bull ' + bullLoaded());
    process.stdin.on('data', async () => { await services.close(); process.exit(0); });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const line = async (start: string) => {
    for (let i = 0; i < 300; i++) {
      const found = out.split('\n').find((l) => l.startsWith(start));
      if (found) return found;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no line "${start}…" from the child; it wrote:\n${out}`);
  };
  const stop = async () => {
    child.stdin.write('stop\n');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  };
  return { line, stop, lines: () => out };
}

describe('Bull loads with the first queue needed', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    await redis.start();
    dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-bull-on-demand-'));
    env = {
      ...process.env,
      ...FIXTURE_ENV,
      REDIS_URL: redis.url,
      JCB_QUEUE_PREFIX: `jcb-on-demand-${process.pid}`,
      JCB_STORE: path.join(dir, 'jcb.sqlite'),
      JCB_SCHEDULES: path.join(dir, 'schedules.yml'),
    };
  }, 30_000);
  afterAll(() => redis.kill());

  it('a bot with no queued run and no schedule warns of Redis without Bull, and loads it for the first schedule', async () => {
    writeFileSync(env.JCB_SCHEDULES!, 'schedules: {}\n');
    const bg = startBackground(env);
    try {
      expect(await bg.line('started')).toBe('started {"added":0,"removed":0} bull false');
      // The checks of Redis at start still run: this Redis keeps nothing on disk.
      expect(await bg.line('warn')).toMatch(/^warn Redis keeps nothing on disk/);
      // A schedule added to the file while it runs is installed: the queue, and Bull, open then.
      writeFileSync(env.JCB_SCHEDULES!, SCHEDULE);
      expect(await bg.line('change')).toMatch(/1 schedule timers added, 0 removed\. bull true$/);
    } finally {
      await bg.stop();
    }
  }, 60_000);

  it('a timer left by an earlier schedules file is removed at start, though none is wanted now', async () => {
    writeFileSync(env.JCB_SCHEDULES!, SCHEDULE);
    const store = await Store.open(env);
    const storeId = await store.id();
    await store.close();
    const queue = openScheduleQueue(env, storeId);
    try {
      await installSchedules(queue, loadSchedules(env));
      expect(await queue.getRepeatableJobs()).toHaveLength(1);
      writeFileSync(env.JCB_SCHEDULES!, 'schedules: {}\n');
      const bg = startBackground(env);
      try {
        expect(await bg.line('started')).toBe('started {"added":0,"removed":1} bull true');
      } finally {
        await bg.stop();
      }
      expect(await queue.getRepeatableJobs()).toHaveLength(0);
    } finally {
      await queue.close();
    }
  }, 60_000);
});
