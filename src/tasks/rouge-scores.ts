// ROUGE-L of outputs against their gold texts, as every ROUGE-L setting scores them (built-in and declared).
import { lcsLength, rougeOfLcs, type RougeL } from '../metrics/rouge-l.js';
import type { ScoringContext } from './types.js';

/**
 * ROUGE-L of each `outputs[i]` against `golds[i]` (same lengths), one request for all their tokens: gold texts kept
 * in the tokenizer's cache (they recur in each file of a task), outputs not. On the context's token ids where it has
 * them (ScoringContext.ids), else on surfaces; the same figures either way (test/token-ids.test.ts).
 */
export async function rougeScores(
  ctx: ScoringContext,
  golds: readonly string[],
  outputs: readonly string[],
): Promise<RougeL[]> {
  const keep = [...golds.map(() => true), ...outputs.map(() => false)];
  const texts = [...golds, ...outputs];
  const n = golds.length;
  if (ctx.ids) {
    const { lcs } = ctx.ids;
    const ids = await ctx.ids.tokenize(texts, keep);
    return outputs.map((_, i) => rougeOfLcs(lcs(ids[n + i], ids[i]), ids[n + i].length, ids[i].length));
  }
  const tokens = await ctx.tokenize(texts, keep);
  return outputs.map((_, i) => rougeOfLcs(lcsLength(tokens[n + i], tokens[i]), tokens[n + i].length, tokens[i].length));
}
