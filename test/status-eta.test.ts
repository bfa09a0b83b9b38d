// The time left of a run under way is read from its recent pace (src/queue/background.ts timeLeftMs), not from
// its whole time: a run that waited out an outage of hours, then moved again, was said to have hours left.
import { beforeEach, describe, expect, it } from 'vitest';
import { PACE_WINDOW_MS, timeLeftMs } from '../src/queue/background.js';
import { Store } from '../src/store/store.js';
import { documentRow, runRow } from './helpers.js';
import { storeEachTest } from './store-each-test.js';

describe("a run's time left", () => {
  const held = storeEachTest();
  let store: Store;
  beforeEach(() => void ({ store } = held));
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
  const stored = async (docs: number, at: (i: number) => string, from = 0) => {
    for (let i = 0; i < docs; i++)
      await store.saveDocument({ ...documentRow(`d${from + i}`, 'done', from + i), finished_at: at(i) });
  };

  it('after an outage: the pace of the last minutes (20 s a document), not of the three hours since the start', async () => {
    const run = { ...runRow('r1'), created_at: ago(3 * 3600_000), planned: 100 };
    await store.createRun(run);
    await stored(10, () => ago(3 * 3600_000 - 60_000)); // before the outage
    await stored(5, (i) => ago((4 - i) * 20_000 + 1_000), 10); // since it ended: one every 20 s
    const left = await timeLeftMs(store, run, { settled: 15, left: 85, elapsedMs: 3 * 3600_000 });
    // 85 documents at ~20 s: ~28 minutes (the whole run's average said 85 × 12 min = 17 hours).
    expect(left! / 60_000).toBeGreaterThan(27);
    expect(left! / 60_000).toBeLessThan(30);
  });

  it("falls back to the run's whole time with fewer than two documents in the window, and is unknown without any", async () => {
    const run = { ...runRow('r1'), created_at: ago(PACE_WINDOW_MS * 3), planned: 4 };
    await store.createRun(run);
    expect(await timeLeftMs(store, run, { settled: 0, left: 4, elapsedMs: 1000 })).toBeUndefined();
    expect(await timeLeftMs(store, run, { settled: 1, left: undefined, elapsedMs: 1000 })).toBeUndefined();
    await stored(2, () => ago(PACE_WINDOW_MS * 2));
    expect(await timeLeftMs(store, run, { settled: 2, left: 2, elapsedMs: 60_000 })).toBe(60_000);
  });
});
