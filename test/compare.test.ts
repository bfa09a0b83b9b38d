// `jcb compare` and the leaderboard's intervals over the fixture release, through the services (kept apart
// from the bootstrap unit tests, which the mutation run reloads for every static mutant).
import { describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, inThreadTokenizer } from './helpers.js';

describe('jcb compare', () => {
  it('compares two models on the documents both have', async () => {
    const s = createServices({ env: { ...FIXTURE_ENV }, tokenizer: inThreadTokenizer() });
    const rows = await s.compare('gpt-4o', 'gpt-4o', 'mr');
    expect(rows).toEqual([
      { task: 'mr', documents: 2, result: expect.objectContaining({ difference: 0, significant: false }) },
    ]);
    expect((await s.compare('gpt-4o', 'llm-jp', 'mr'))[0]).toEqual({ task: 'mr', documents: 0, result: null });
    const board = await s.leaderboard('one');
    const mr = board.columns.findIndex((c) => c.id === 'mr');
    const iv = board.rows.find((r) => r.model === 'gpt-4o')!.intervals![mr]!;
    expect(iv.low).toBeLessThanOrEqual(0.75);
    expect(iv.high).toBeGreaterThanOrEqual(0.75);
    await s.close();
  });
});
