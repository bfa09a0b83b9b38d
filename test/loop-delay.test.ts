// The event loop measured (issue 28): the delay histogram sees a blocked loop, the bot's report reaches
// `jcb doctor`, which says the p99 and flags a slow loop of a bot that still runs.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchLoopDelay } from '../src/base/loop-delay.js';
import { doctor } from '../src/services/doctor.js';
import { readLoopReport, writeLoopReport } from '../src/services/loop.js';

const home = () => ({ JCB_HOME: mkdtempSync(path.join(os.tmpdir(), 'jcb-loop-')), REDIS_URL: 'redis://127.0.0.1:1' });
const botItem = async (env: NodeJS.ProcessEnv) =>
  (await doctor(env, async () => 'store')).find((i) => i.what === 'bot event loop')!;

describe('event-loop delay', () => {
  it('sees a loop blocked for 200 ms, and starts a new window at each read', async () => {
    const watch = watchLoopDelay();
    await new Promise((r) => setTimeout(r, 50));
    const end = Date.now() + 200;
    while (Date.now() < end);
    await new Promise((r) => setTimeout(r, 30));
    const blocked = watch.read();
    expect(blocked.max).toBeGreaterThanOrEqual(180);
    expect(blocked.samples).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(watch.read().max).toBeLessThan(blocked.max);
    watch.stop();
  });

  it('reaches jcb doctor: nothing before a bot reports, then its p99, flagged when over 100 ms', async () => {
    const env = home();
    expect(readLoopReport(env)).toBeUndefined();
    expect(await botItem(env)).toMatchObject({ ok: true, detail: 'no bot has reported here yet' });
    writeLoopReport(env, { p50: 3.1, p99: 12.5, max: 40, samples: 6000 }, 60_000);
    expect(readLoopReport(env)).toMatchObject({ pid: process.pid, p99: 12.5, windowMs: 60_000 });
    const fine = await botItem(env);
    expect(fine.ok).toBe(true);
    expect(fine.detail).toMatch(/^delay p99 12\.5 ms, p50 3\.1 ms, max 40 ms over 60 s to .* \(bot \d+ running\)$/);
    writeLoopReport(env, { p50: 30, p99: 450, max: 2000, samples: 6000 }, 60_000);
    const slow = await botItem(env);
    expect(slow.ok).toBe(false);
    expect(slow.detail).toMatch(/p99 450 ms.*over 100 ms: Slack's acknowledgements are late$/);
  });
});
