// `thinking: on | off | budget N` of a live model entry, as the body fields its family and server take
// (issue 21). Where a family or server cannot do what is asked, the answer says so and sends nothing for
// it: `jcb models <alias>` shows the reason, and a run refuses to start (src/models/openai.ts).
import { familyName, isReasoningFamily } from './family.js';

export type ThinkingSetting = 'on' | 'off' | { budget: number };

/** The server behind an OpenAI-compatible URL: vLLM, SGLang (and llama.cpp) read chat_template_kwargs; Ollama does not. */
export type ServerKind = 'openai' | 'vllm' | 'sglang' | 'ollama';

/** How a family thinks: switchable (Qwen3), always (DeepSeek-R1, QwQ), by effort (gpt-oss), never (Qwen3 Instruct-2507). */
export type ThinkingFamily = 'qwen3' | 'always' | 'gpt-oss' | 'never' | 'openai' | 'unknown';

/** The family a model name thinks like. Source: each model card (Qwen3, Qwen3-2507, DeepSeek-R1, QwQ, gpt-oss). */
export function thinkingFamily(model: string): ThinkingFamily {
  const name = familyName(model);
  if (isReasoningFamily(model)) return 'openai';
  if (/gpt-oss/.test(name)) return 'gpt-oss';
  if (/qwen3.*instruct-2507/.test(name)) return 'never';
  if (/qwen3.*thinking|qwq|deepseek-r1|r1-distill/.test(name)) return 'always';
  if (/qwen3/.test(name)) return 'qwen3';
  return 'unknown';
}

export interface ThinkingRequest {
  /** Body fields that carry the setting (merged over `extraBody`: the setting wins). */
  body: Record<string, unknown>;
  /** Why the setting cannot be sent to this model (nothing is sent for it); undefined when it can. */
  refused?: string;
  /** Whether the model thinks as configured: the token limit's default is then 8,192. */
  thinks: boolean;
}

const label = (s: ThinkingSetting) => (typeof s === 'string' ? s : `budget ${s.budget}`);

/**
 * The body fields for `setting` on `model` behind `server`. Mappings: Qwen3 `chat_template_kwargs.enable_thinking`
 * (vLLM, SGLang); Ollama's OpenAI endpoint `reasoning_effort` (`none` turns thinking off); vLLM's
 * `thinking_token_budget` for a budget; gpt-oss `reasoning_effort` (it cannot stop thinking).
 */
export function thinkingRequest(
  model: string,
  server: ServerKind,
  setting: ThinkingSetting | undefined,
): ThinkingRequest {
  const family = thinkingFamily(model);
  const inherent = family === 'always' || family === 'gpt-oss' || family === 'openai';
  if (setting === undefined) return { body: {}, thinks: inherent };
  const refuse = (why: string): ThinkingRequest => ({
    body: {},
    refused: `thinking: ${label(setting)} cannot be sent to ${model}: ${why}`,
    thinks: inherent,
  });
  if (family === 'openai') return refuse('OpenAI reasoning models take reasoningEffort instead');
  if (family === 'unknown')
    return refuse('jcb does not know how this family turns thinking on or off (set the field in extraBody)');
  if (family === 'never') return refuse('this model never thinks (Instruct-2507); use the Thinking-2507 model');
  if (setting === 'off' && (family === 'always' || family === 'gpt-oss'))
    return refuse(family === 'gpt-oss' ? 'gpt-oss always reasons (lowest: reasoningEffort low)' : 'it always thinks');
  if (typeof setting === 'object') {
    if (server !== 'vllm') return refuse(`only vLLM takes a thinking budget (thinking_token_budget), not ${server}`);
    if (family === 'gpt-oss') return refuse('gpt-oss takes an effort, not a budget');
    const on = family === 'qwen3' ? { chat_template_kwargs: { enable_thinking: true } } : {};
    return { body: { ...on, thinking_token_budget: setting.budget }, thinks: true };
  }
  const on = setting === 'on';
  if (server === 'ollama') return { body: { reasoning_effort: on ? 'medium' : 'none' }, thinks: on };
  if (family === 'gpt-oss') return { body: { reasoning_effort: 'medium' }, thinks: true };
  if (family === 'always') return { body: {}, thinks: true };
  return { body: { chat_template_kwargs: { enable_thinking: on } }, thinks: on };
}

/** The server kind of a live entry: `server` when given, Ollama's port 11434, else vLLM. */
export function serverKind(entry: { provider: string; baseUrl?: string; server?: ServerKind }): ServerKind {
  if (entry.provider === 'openai') return 'openai';
  if (entry.server) return entry.server;
  return entry.baseUrl && /:11434(\/|$)/.test(entry.baseUrl) ? 'ollama' : 'vllm';
}

/** `on`, `off`, `true`, `false` or `budget N` (tokens), as models.yml writes it. */
export function parseThinking(value: string | boolean): ThinkingSetting | undefined {
  if (value === true || value === 'on') return 'on';
  if (value === false || value === 'off') return 'off';
  const budget = typeof value === 'string' ? /^budget (\d+)$/.exec(value.trim()) : null;
  return budget ? { budget: Number(budget[1]) } : undefined;
}
