// breaker-pg 4: with PostgreSQL stopped, the bot's progress tracker logged a 20-line stack every second and the
// workers' reconciliation the driver's raw "connect ECONNREFUSED 127.0.0.1:5471". Now one line in the store's words,
// once a minute at most (or when it changes), and a line when the store is back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { repeatedLines } from '../src/base/repeats.js';
import { reconcileEvery } from '../src/queue/reconcile.js';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5471'), { code: 'ECONNREFUSED', errno: -111 });
const location = { kind: 'postgres', url: 'postgres://jcb:s3cret@127.0.0.1:5471/postgres' } as const;

afterEach(() => void vi.useRealTimers());

describe('repeated lines', () => {
  it('a line is said once per minute, another line at once', () => {
    let t = 0;
    const r = repeatedLines(60_000, () => t);
    expect(r.first('a')).toBe(true);
    t = 1_000;
    expect(r.first('a')).toBe(false);
    expect(r.first('b')).toBe(true);
    t = 59_999;
    expect(r.first('a')).toBe(false);
    t = 60_000;
    expect(r.first('a')).toBe(true);
    expect(r.clear()).toBe(true);
    expect(r.first('a')).toBe(true);
  });
});

describe('the reconciler with the store away', () => {
  it('says the store is unavailable in one line, once a minute, then that it is back', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    let down = true;
    const stop = reconcileEvery(
      1_000, // every second, to show the throttle (the default is a minute)
      async () => {
        if (down) throw refused();
      },
      (m) => lines.push(m),
      location,
    );
    await vi.advanceTimersByTimeAsync(90_500);
    expect(lines).toEqual([
      'reconciliation: store unavailable (PostgreSQL at 127.0.0.1:5471/postgres: connection refused); retrying',
      'reconciliation: store unavailable (PostgreSQL at 127.0.0.1:5471/postgres: connection refused); retrying',
    ]);
    down = false;
    await vi.advanceTimersByTimeAsync(3_000);
    stop();
    expect(lines.at(-1)).toBe('reconciliation: the store is back');
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).not.toMatch(/s3cret|ECONNREFUSED|\n {4}at /);
  });

  it('another failure (not the store) keeps its own words, throttled the same way', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const stop = reconcileEvery(
      1_000,
      async () => {
        throw new Error('Redis is loading');
      },
      (m) => lines.push(m),
      location,
    );
    await vi.advanceTimersByTimeAsync(30_000);
    stop();
    expect(lines).toEqual(['reconciliation failed: Redis is loading']);
  });
});
