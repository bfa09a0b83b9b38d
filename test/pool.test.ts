// The worker-thread pool (src/base/pool.ts, issue 28): FIFO over its threads, errors carried back as they were
// thrown, a dead thread replaced, warm-up on request, the threads below the event loop's priority.
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesced, createPool, poolSize, type Pool } from '../src/base/pool.js';
import { UserError } from '../src/base/errors.js';

const entry = new URL('./fixtures/pool/tasks.ts', import.meta.url);

describe('the worker-thread pool', () => {
  let pool: Pool;
  afterEach(() => pool?.close());

  it('is sized to the machine unless JCB_THREADS says otherwise (0: no pool)', () => {
    expect(poolSize({})).toBe(Math.max(1, os.availableParallelism()));
    expect(poolSize({ JCB_THREADS: '' })).toBe(poolSize({}));
    expect(poolSize({ JCB_THREADS: '3' })).toBe(3);
    expect(poolSize({ JCB_THREADS: '0' })).toBe(0);
    expect(poolSize({ JCB_THREADS: '65' })).toBe(poolSize({}));
  });

  it('runs tasks on its threads with their data, one at a time per thread, spread over the threads', async () => {
    pool = createPool(entry, { size: 2, data: { env: { A: '1' } } });
    expect(await pool.run('echo', [{ n: 1 }])).toMatchObject({ x: { n: 1 }, data: { env: { A: '1' } } });
    const started = performance.now();
    const threads = await Promise.all([pool.run('spin', [300]), pool.run('spin', [300]), pool.run('spin', [300])]);
    // Three 300 ms tasks on two threads: two rounds, never one, never three at once.
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
    expect(new Set(threads).size).toBe(2);
    expect(pool.pending()).toBe(0);
  }, 30_000);

  it('keeps the event loop free while its threads work', async () => {
    pool = createPool(entry, { size: 1 });
    await pool.run('echo', [0]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await pool.run('spin', [500]);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(10);
  }, 30_000);

  it('carries a UserError back as one, other errors with their message', async () => {
    pool = createPool(entry, { size: 1 });
    const err = await pool.run('userError').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ message: 'Nothing to score.', hint: 'Give a file.', terminal: { detail: 'in /tmp' } });
    await expect(pool.run('nope')).rejects.toThrow('no task "nope" in this pool');
  }, 30_000);

  it('fails the job of a thread that dies, and answers the next on a new thread', async () => {
    pool = createPool(entry, { size: 1 });
    const first = ((await pool.run('echo', [0])) as { thread: number }).thread;
    await expect(pool.run('crash')).rejects.toThrow(/exited \(3\)/);
    expect(((await pool.run('echo', [0])) as { thread: number }).thread).not.toBe(first);
  }, 30_000);

  it('warms its threads only when asked, and runs them at a lower priority than the event loop', async () => {
    pool = createPool(entry, { size: 2, warmTask: 'warm' });
    expect(await pool.run('warmed')).toBe(false);
    expect(await pool.warm()).toBe(true);
    expect(await Promise.all([pool.run('warmed'), pool.run('warmed')])).toEqual([true, true]);
    if (process.platform === 'linux') expect(await pool.run('priority')).toBeGreaterThan(0);
  }, 30_000);

  it('warms only warmThreads threads, and ends a thread idle for idleMs (a new one takes the next task)', async () => {
    pool = createPool(entry, { size: 2, warmTask: 'warm', warmThreads: 1, idleMs: 300 });
    expect(pool.threads()).toBe(0);
    expect(await pool.warm()).toBe(true);
    expect(pool.threads()).toBe(1);
    const first = ((await pool.run('echo', [0])) as { thread: number }).thread;
    expect(await pool.run('warmed')).toBe(true);
    // Counted until its exit is seen (its isolate disposed), not merely until it was told to end.
    const since = Date.now();
    while (pool.threads() > 0 && Date.now() - since < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(pool.threads()).toBe(0);
    expect(Date.now() - since).toBeGreaterThanOrEqual(250);
    const next = ((await pool.run('echo', [0])) as { thread: number }).thread;
    expect(next).not.toBe(first);
    // A thread started for work, not by warm(), has not run the warm task.
    expect(await pool.run('warmed')).toBe(false);
  }, 30_000);

  it('ends a thread that ran a heavy task after its shorter idle time, the others after idleMs', async () => {
    pool = createPool(entry, { size: 2, idleMs: 20_000, heavyTasks: { echo: 200 } });
    // Both at once: the first thread takes echo, a second starts for warmed. Counted as echo's answer comes:
    // once both had answered, echo's thread could have ended already (a thread may take longer than the 200 ms
    // to start on a busy machine: seen as [1, 0, 1] under load).
    const counts = () => [pool.threads(), pool.threads('echo'), pool.threads('warmed')];
    let since = 0;
    let atEcho: number[] = [];
    await Promise.all([
      pool.run('echo', [0]).then(() => ((since = Date.now()), (atEcho = counts()))),
      pool.run('warmed'),
    ]);
    expect(atEcho).toEqual([2, 1, 1]);
    while (pool.threads('echo') > 0 && Date.now() - since < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(counts()).toEqual([1, 0, 1]);
    expect(Date.now() - since).toBeLessThan(5_000);
    // The next heavy task runs on the thread that stayed, which now ends soon after it too.
    await pool.run('echo', [1]);
    while (pool.threads() > 0 && Date.now() - since < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(pool.threads()).toBe(0);
  }, 30_000);

  it('loads a shared table once and hands every thread the same memory', async () => {
    let loads = 0;
    const table = new Int32Array(new SharedArrayBuffer(16));
    pool = createPool(entry, { size: 2, shared: { t: async () => (loads++, table) } });
    expect(await Promise.all([pool.run('writeShared', ['t', 0, 7]), pool.run('writeShared', ['t', 1, 9])])).toEqual([
      4, 4,
    ]);
    expect([...table.subarray(0, 2)]).toEqual([7, 9]);
    expect(loads).toBe(1);
    await expect(pool.run('writeShared', ['none', 0, 1])).rejects.toThrow('no shared table "none" in this pool');
  }, 30_000);

  it('drops its shared tables when its last thread ends idle, says so, and loads them again for the next', async () => {
    let loads = 0;
    let idle = 0;
    const table = () => new Int32Array(new SharedArrayBuffer(16));
    pool = createPool(entry, {
      size: 1,
      idleMs: 200,
      onIdle: () => idle++,
      shared: { t: async () => (loads++, table()) },
    });
    await pool.run('writeShared', ['t', 0, 7]);
    await pool.run('writeShared', ['t', 0, 8]);
    expect([loads, idle]).toEqual([1, 0]);
    await new Promise((r) => setTimeout(r, 600));
    expect(idle).toBe(1);
    await pool.run('writeShared', ['t', 0, 9]);
    expect(loads).toBe(2);
  }, 30_000);

  it('refuses work once closed, and fails what was waiting', async () => {
    pool = createPool(entry, { size: 1 });
    const running = pool.run('spin', [200]).catch((e: Error) => e);
    const waiting = pool.run('echo', [1]).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    await pool.close();
    expect(await waiting).toMatchObject({ message: 'the worker pool is closed' });
    expect(await running).toBeInstanceOf(Error);
    await expect(pool.run('echo', [1])).rejects.toThrow('closed');
  }, 30_000);
});

describe('coalesced calls', () => {
  it('sends the calls made while a batch is under way together, each getting its own results', async () => {
    const batches: number[][] = [];
    let release = () => {};
    const run = async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((x) => x * 10);
    };
    const double = coalesced(run, () => 1);
    const first = double([1]);
    const later = [double([2, 3]), double([]), double([4])];
    release();
    expect(await first).toEqual([10]);
    expect(await Promise.all(later)).toEqual([[20, 30], [], [40]]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every call of a failed batch, and goes on with the next', async () => {
    let calls = 0;
    const run = async (items: string[]) => {
      if (calls++ === 0) throw new Error('thread died');
      return items;
    };
    const echo = coalesced(run, () => 1);
    const [a, b] = [echo(['a']), echo(['b'])];
    await expect(a).rejects.toThrow('thread died');
    expect(await b).toEqual(['b']);
  });
});
