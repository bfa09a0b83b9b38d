// The bot's work after an acknowledgement (handlers/context.ts): a few at a time, and none waiting for ever
// behind others that do not end (a Slack call waiting out a rate limit, a live model, a hung request); light work
// (replays, help) in slots of its own.
import { describe, expect, it } from 'vitest';
import { createContext, isExpensive, runWeight } from '../handlers/context.js';
import type { BotConfig } from '../handlers/config.js';
import type { Services } from '../src/services/index.js';

const never = () => new Promise<never>(() => {});

describe('work after the acknowledgement', () => {
  it('runs a work within the lease although every slot is held by work that never ends', async () => {
    const ctx = createContext({} as Services, {} as BotConfig, undefined, 50);
    for (let i = 0; i < 8; i++) void ctx.afterAck(never);
    const started = performance.now();
    const answer = await Promise.race([
      ctx.afterAck(async () => 'help'),
      new Promise((r) => setTimeout(() => r('still waiting'), 2000)),
    ]);
    expect(answer).toBe('help');
    // Two leases: the first eight took the four slots twice over.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('keeps to four at a time while the works are short, and gives each its own result or error', async () => {
    const ctx = createContext({} as Services, {} as BotConfig, undefined, 60_000);
    let running = 0;
    let most = 0;
    const work = (i: number) => async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      if (i === 3) throw new Error('three');
      return i;
    };
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => ctx.afterAck(work(i))));
    expect(most).toBe(4);
    expect(results[3]).toMatchObject({ status: 'rejected', reason: { message: 'three' } });
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
  });

  it('runs light work (a replay, help) at once while live work holds every slot, and that work still waits', async () => {
    const ctx = createContext({} as Services, {} as BotConfig, undefined, 60_000);
    for (let i = 0; i < 4; i++) void ctx.afterAck(never);
    const light = await Promise.all(Array.from({ length: 30 }, (_, i) => ctx.afterAck(async () => i, 'light')));
    expect(light).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const heavy = await Promise.race([
      ctx.afterAck(async () => 'eval'),
      new Promise((r) => setTimeout(() => r('still waiting'), 100)),
    ]);
    expect(heavy).toBe('still waiting');
  });

  it('weighs a work after the acknowledgement, reading only the model it names', async () => {
    const services = {
      modelProvider: (alias: string) => (alias === 'gpt-4o' ? 'replay' : 'openai'),
      models: () => {
        throw new Error('every model checked before the work is under way');
      },
    } as unknown as Services;
    const ctx = createContext(services, {} as BotConfig, undefined, 60_000);
    expect([runWeight(ctx, 'gpt-4o'), runWeight(ctx, 'gpt-5-live')]).toEqual(['light', undefined]);
    expect(isExpensive(ctx, 'gpt-5-live')).toBe(true);
    let weighed = false;
    const done = ctx.afterAck(async () => weighed, () => ((weighed = true), 'light'));
    expect(weighed).toBe(false);
    expect(await done).toBe(true);
  });
});
