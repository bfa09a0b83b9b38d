// How a live answer ended and what it used, as stored with its document.
import type { Generation } from '../models/provider.js';
import type { ModelConfig } from '../models/registry.js';
import type { RunDocument } from '../store/store.js';
import { promptTokens, tokenCounter } from './cost.js';

type UsageColumns = Pick<
  RunDocument,
  | 'finish_reason'
  | 'incomplete'
  | 'cached_input_tokens'
  | 'reasoning_tokens'
  | 'thinking'
  | 'reasoning_estimated'
  | 'usage_estimated'
>;

export const NO_USAGE: UsageColumns = {
  finish_reason: null,
  incomplete: null,
  cached_input_tokens: null,
  reasoning_tokens: null,
  thinking: null,
  reasoning_estimated: null,
  usage_estimated: null,
};

/**
 * A live generation with every usage figure the server left out (or sent impossible: src/models/usage.ts) counted
 * by jcb with the cost estimate's encoding: prompt tokens as `promptTokens` counts `prompt`, output tokens of
 * the answer and thinking received, reasoning tokens of the thinking (at most the output's), cached tokens 0.
 * A counted prompt or output sets `usageEstimated`, counted reasoning `reasoningEstimated` (both only when
 * counted: a second call changes nothing). Replays and the baseline send nothing and are returned as they are.
 */
export function withOwnCounts(g: Generation, prompt: string, config: ModelConfig): Generation {
  if (config.provider !== 'openai' && config.provider !== 'openai-compatible') return g;
  const counter = tokenCounter(config.model);
  const thought = g.thinking ? counter.count(g.thinking) : 0;
  const input = g.inputTokens ?? promptTokens(config.model, prompt);
  const output = g.outputTokens ?? counter.count(g.output) + thought;
  const reasoning = g.reasoningTokens ?? (g.thinking ? Math.min(thought, output) : undefined);
  const counted = g.inputTokens === undefined || g.outputTokens === undefined;
  return {
    ...g,
    inputTokens: input,
    outputTokens: output,
    ...(reasoning !== undefined ? { reasoningTokens: reasoning } : {}),
    ...(g.reasoningTokens === undefined && reasoning !== undefined ? { reasoningEstimated: true } : {}),
    ...(counted ? { usageEstimated: true } : {}),
  };
}

/** The columns of a generation's ending, usage and thinking (its figures as `withOwnCounts` left them). */
export function usageColumns(g: Generation): UsageColumns {
  return {
    finish_reason: g.finishReason ?? null,
    incomplete: g.incomplete ?? null,
    cached_input_tokens: g.cachedInputTokens ?? null,
    reasoning_tokens: g.reasoningTokens ?? null,
    thinking: g.thinking ?? null,
    reasoning_estimated: g.reasoningEstimated ? 1 : null,
    usage_estimated: g.usageEstimated ? 1 : null,
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
