// One-time buttons in the store (breaker-slack finding 2), on both dialects: of presses at once, exactly one acts,
// from however many connections; the others read why not and what the one that acted did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { freshStore, type TestStore } from './helpers.js';

describe.each(['sqlite', 'postgres'] as const)('button claims (%s)', (kind) => {
  let test: TestStore;
  let stores: Store[];
  const later = () => new Date(Date.now() + 60_000).toISOString();

  beforeAll(async () => {
    test = await freshStore(kind);
    stores = [await Store.open(test.env)];
    // Other connections, as other bot processes sharing the store.
    for (let i = 0; i < 3; i++) stores.push(await Store.open(test.env));
  }, 60_000);

  afterAll(async () => {
    for (const s of stores) await s.close();
    await test.drop();
  });

  it('an issued offer acts once, for its person, carrying its value, before it expires', async () => {
    const [a] = stores;
    await a.issueButton('offer:1', { user: 'U1', valueHash: 'h1', expiresAt: later() });
    expect(await a.claimButton('offer:1', { user: 'U2', valueHash: 'h1' })).toEqual({ acted: false, why: 'not-yours' });
    expect(await a.claimButton('offer:1', { user: 'U1', valueHash: 'forged' })).toEqual({
      acted: false,
      why: 'changed',
    });
    expect(await a.claimButton('offer:none', { user: 'U1', valueHash: 'h1' })).toEqual({
      acted: false,
      why: 'unknown',
    });
    const presses = await Promise.all(stores.map((s) => s.claimButton('offer:1', { user: 'U1', valueHash: 'h1' })));
    expect(presses.filter((p) => p.acted)).toHaveLength(1);
    expect(presses.filter((p) => !p.acted)).toEqual(Array(stores.length - 1).fill({ acted: false, why: 'taken' }));
    await a.settleButton('offer:1', 'run-1');
    expect(await stores[2].claimButton('offer:1', { user: 'U1', valueHash: 'h1' })).toEqual({
      acted: false,
      why: 'taken',
      outcome: 'run-1',
    });
    await a.issueButton('offer:old', {
      user: 'U1',
      valueHash: 'h1',
      expiresAt: new Date(Date.now() - 1).toISOString(),
    });
    expect(await a.claimButton('offer:old', { user: 'U1', valueHash: 'h1' })).toEqual({ acted: false, why: 'expired' });
  });

  it('a press of a message button holds it; released (nothing done), the next press acts', async () => {
    const presses = await Promise.all(stores.map((s) => s.claimButton('press:x', { user: 'U1', holdMs: 60_000 })));
    expect(presses.filter((p) => p.acted)).toHaveLength(1);
    await stores[0].settleButton('press:x', undefined);
    expect(await stores[1].claimButton('press:x', { user: 'U1', holdMs: 60_000 })).toEqual({ acted: true });
    // A hold that ended: the next press acts again.
    expect(await stores[2].claimButton('press:y', { user: 'U1', holdMs: -1 })).toEqual({ acted: true });
    expect(await stores[3].claimButton('press:y', { user: 'U1', holdMs: 60_000 })).toEqual({ acted: true });
  });
});
