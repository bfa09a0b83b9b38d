// The bot's collection once it goes quiet (src/base/idle-collect.ts): only after the last work has ended and a
// moment has passed, and it does free what nothing holds any more (an idle process allocates nothing that
// would have V8 collect it).
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectGarbage, idleCollector } from '../src/base/idle-collect.js';

describe('idleCollector', () => {
  it('collects once, a delay after the last of overlapping works ends, not while one runs', async () => {
    let collected = 0;
    const idle = idleCollector(30, () => collected++);
    idle.begin();
    idle.begin();
    idle.end();
    await sleep(60);
    expect(collected).toBe(0); // one work still runs
    idle.end();
    idle.begin(); // a new work within the delay puts it off
    await sleep(60);
    expect(collected).toBe(0);
    idle.end();
    await sleep(60);
    expect(collected).toBe(1);
  });
});

describe('collectGarbage', () => {
  it('frees a large buffer nothing holds any more', () => {
    collectGarbage();
    const before = process.memoryUsage().arrayBuffers;
    let table: SharedArrayBuffer | undefined = new SharedArrayBuffer(32 * 2 ** 20);
    new Uint8Array(table).fill(1);
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThanOrEqual(32 * 2 ** 20);
    table = undefined;
    collectGarbage();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 20);
    expect(table).toBeUndefined();
  });
});
