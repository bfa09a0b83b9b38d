// The bot's memory (issue 28): a pool thread that scored files ends seconds after (the task registry, its
// scorers and the files' garbage with it), as one that drew a chart; a thread that only tokenized stays warm for
// the next `/jcb run`.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContext } from '../src/services/context.js';
import { FIXTURE_ENV, FIXTURE_RELEASE } from './helpers.js';

/** Polls until the pool holds no thread, at most `ms`; the count left. */
async function threadsAfter(ctx: ReturnType<typeof createContext>, ms: number): Promise<number> {
  const since = Date.now();
  while (ctx.pool()!.threads() > 0 && Date.now() - since < ms) await new Promise((r) => setTimeout(r, 25));
  return ctx.pool()!.threads();
}

describe('heavy work retires its thread', () => {
  it('a thread that scored files ends on the short idle; one that only tokenized stays', async () => {
    const ctx = createContext({ env: { ...FIXTURE_ENV, JCB_THREADS: '1' }, heavyThreadIdleMs: 300 });
    try {
      await ctx.scoring.tokenize(['発熱あり']);
      // Well past the heavy idle, far before the 30 s a tokenizing thread stays.
      expect(await threadsAfter(ctx, 1500)).toBe(1);
      const file = path.join(FIXTURE_RELEASE, 'data/generated/CLR/MR/gpt-4o/one_shot.json');
      const [scored] = await ctx.pool()!.run<{ documents?: number }[]>('scoreFiles', [[['mr', file, false]]]);
      expect(scored).toBeDefined();
      expect(await threadsAfter(ctx, 10_000)).toBe(0);
    } finally {
      await ctx.close();
    }
  }, 30_000);
});
