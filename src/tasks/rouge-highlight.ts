// The output of a ROUGE-L task with the tokens the metric matched marked, for people to read.
import { lcsTokensOfA, markTokens } from '../metrics/lcs-alignment.js';
import { goldAndOutputTokens, type MarkedText, type ScoringContext } from './types.js';

/** Past this many token pairs the display skips the highlight (the alignment table is |a|·|b| cells). */
const MAX_CELLS = 4_000_000;

/**
 * `output` in pieces, `matched` where its ROUGE tokens (the metric's tokenizer, ctx.tokenize) are in one
 * longest common subsequence with `gold`'s; undefined when the texts are too long to align for display.
 */
export async function rougeHighlight(
  gold: string,
  output: string,
  ctx: ScoringContext,
): Promise<MarkedText[] | undefined> {
  const [[goldTokens], [outputTokens]] = await goldAndOutputTokens(ctx, [gold], [output]);
  if (goldTokens.length * outputTokens.length > MAX_CELLS) return undefined;
  const flags = lcsTokensOfA(outputTokens, goldTokens);
  // Newlines are spaces to the tokenizer; the pieces keep the text's own.
  return markTokens(output, outputTokens, flags).map((p) =>
    p.marked ? { text: p.text, mark: 'matched' } : { text: p.text },
  );
}
