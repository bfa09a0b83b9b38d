// The bounded cache a long-running bot keeps the release's files in (issue 28): the entries used last stay.
import { describe, expect, it } from 'vitest';
import { RecentlyUsed } from '../src/base/recent.js';

describe('RecentlyUsed', () => {
  it('keeps at most its limit, dropping the entry used longest ago, and loads a dropped one again', () => {
    const loads: string[] = [];
    const cache = new RecentlyUsed<string, string>(2);
    const get = (k: string) => cache.get(k, () => (loads.push(k), k.toUpperCase()));
    expect([get('a'), get('b'), get('a')]).toEqual(['A', 'B', 'A']);
    get('c'); // b is the one used longest ago
    expect(cache.size).toBe(2);
    get('a');
    get('b');
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('keeps an entry whose value is undefined', () => {
    let loads = 0;
    const cache = new RecentlyUsed<string, undefined>(1);
    cache.get('x', () => void loads++);
    cache.get('x', () => void loads++);
    expect(loads).toBe(1);
  });
});
