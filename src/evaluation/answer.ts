// How a live answer ended and what it used, as stored with its document.
import type { Generation } from '../models/provider.js';
import type { ModelConfig } from '../models/registry.js';
import type { RunDocument } from '../store/store.js';
import { promptTokens, tokenCounter } from './cost.js';

type UsageColumns = Pick<
  RunDocument,
  'finish_reason' | 'incomplete' | 'cached_input_tokens' | 'reasoning_tokens' | 'thinking' | 'reasoning_estimated'
>;

export const NO_USAGE: UsageColumns = {
  finish_reason: null,
  incomplete: null,
  cached_input_tokens: null,
  reasoning_tokens: null,
  thinking: null,
  reasoning_estimated: null,
};

/**
 * The columns of a generation's ending, usage and thinking. Reasoning tokens the server did not report
 * (vLLM, Ollama) are counted from the thinking text with the cost estimate's encoding, marked estimated.
 */
export function usageColumns(g: Generation, model: string): UsageColumns {
  const estimate = !g.reasoningTokens && Boolean(g.thinking);
  return {
    finish_reason: g.finishReason ?? null,
    incomplete: g.incomplete ?? null,
    cached_input_tokens: g.cachedInputTokens ?? null,
    reasoning_tokens: estimate ? tokenCounter(model).count(g.thinking!) : (g.reasoningTokens ?? null),
    thinking: g.thinking ?? null,
    reasoning_estimated: estimate ? 1 : null,
  };
}

/**
 * A live answer read from a prompt the server cut: its `prompt_tokens` below `promptCutRatio` (0.8) of
 * jcb's own count of the prompt (Ollama cuts silently to its context, 2,048 or 4,096 tokens by default).
 * Returns the generation marked `prompt-cut` and the two counts, or undefined when it is not cut.
 */
export function promptCut(g: Generation, prompt: string, config: ModelConfig) {
  if (config.provider !== 'openai-compatible' || !g.inputTokens) return undefined;
  const counted = promptTokens(config.model, prompt);
  if (g.inputTokens >= config.promptCutRatio * counted) return undefined;
  const line =
    `prompt cut by the server: ${config.alias} read ${g.inputTokens} prompt tokens of about ${counted} ` +
    `(below ${Math.round(config.promptCutRatio * 100)} %); raise the server's context length ` +
    `(Ollama: num_ctx, e.g. OLLAMA_CONTEXT_LENGTH=32768; vLLM: --max-model-len), see the README's "Open reasoning models"`;
  return { generation: { ...g, incomplete: 'prompt-cut' as const }, line };
}

/**
 * The text a generation is scored on: a live non-answer (empty, truncated, filtered) is scored as the
 * release scores an empty output; every other output, replayed ones included, as it is.
 */
export const scoredText = (g: Generation): string => (g.incomplete ? '' : g.output);

/** Whether a stored document is settled: done with an answer. Failed and non-answers are asked again on resume. */
export const isSettled = (r: RunDocument): boolean => r.status === 'done' && r.incomplete === null;

/** How a run's live answers ended: counts per finish reason, and the non-answers still to be asked again. */
export function answersOf(rows: readonly RunDocument[]) {
  const answers: Record<string, number> = {};
  for (const r of rows) if (r.finish_reason) answers[r.finish_reason] = (answers[r.finish_reason] ?? 0) + 1;
  const incomplete = rows
    .filter((r) => r.status === 'done' && r.incomplete !== null)
    .map((r) => ({ task: r.task, doc: r.doc_id, why: r.incomplete! }));
  return { answers, incomplete };
}
