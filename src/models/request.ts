// What a live model is sent: its family's parameters, the registry's overrides, and the exact request body.
import { ChatOpenAI, type ChatOpenAIFields } from '@langchain/openai';
import { isReasoningFamily } from './family.js';
import type { LiveModelConfig } from './registry.js';

export interface RequestParameters {
  /** Undefined: left out of the request (reasoning models; `temperature: null`). */
  temperature: number | undefined;
  /** Sent as `max_completion_tokens` to reasoning models, `max_tokens` to the others. */
  maxTokens: number;
  reasoningEffort: LiveModelConfig['reasoningEffort'];
  /** Further body fields, sent as they are (vLLM's top_p, repetition_penalty, chat_template_kwargs...). */
  extraBody: Record<string, unknown>;
}

/** The registry entry's parameters with its family's defaults filled in. */
export function requestParameters(config: LiveModelConfig): RequestParameters {
  const reasoning = isReasoningFamily(config.model);
  return {
    temperature: config.temperature === null ? undefined : (config.temperature ?? (reasoning ? undefined : 0)),
    // Reasoning tokens count against the limit: 1,024 would leave many answers empty.
    maxTokens: config.maxTokens ?? (reasoning ? 8192 : 1024),
    reasoningEffort: config.reasoningEffort,
    extraBody: config.extraBody ?? {},
  };
}

/** Whether LangChain itself treats `model` as a reasoning model (it tells them by the exact name). */
function langchainSeesReasoning(model: string): boolean {
  const probe = new ChatOpenAI({ model, maxTokens: 1, apiKey: 'probe-not-sent' });
  return 'max_completion_tokens' in probe.invocationParams({});
}

/**
 * ChatOpenAI's settings for this entry (no key, no client options). A reasoning model LangChain does not
 * recognise by its name (`GPT-5`, `openai/gpt-5`) gets `max_completion_tokens` and `reasoning_effort`
 * as body fields of their own, and no `max_tokens`, which the API refuses (HTTP 400).
 */
export function chatFields(config: LiveModelConfig): ChatOpenAIFields {
  const p = requestParameters(config);
  if (isReasoningFamily(config.model) && !langchainSeesReasoning(config.model))
    return {
      model: config.model,
      temperature: p.temperature,
      maxTokens: -1, // LangChain then sends no max_tokens
      modelKwargs: {
        ...p.extraBody,
        max_completion_tokens: p.maxTokens,
        ...(p.reasoningEffort ? { reasoning_effort: p.reasoningEffort } : {}),
      },
    };
  return {
    model: config.model,
    temperature: p.temperature,
    maxTokens: p.maxTokens,
    reasoning: p.reasoningEffort ? { effort: p.reasoningEffort } : undefined,
    modelKwargs: p.extraBody,
  };
}

/**
 * The JSON body of the chat completion request this entry makes for `prompt`, as LangChain builds it
 * (its `invocationParams`, then the messages), so that what `jcb models <alias>` shows is what is sent.
 */
export function requestBody(config: LiveModelConfig, prompt: string): Record<string, unknown> {
  const chat = new ChatOpenAI({ ...chatFields(config), apiKey: 'shown-not-sent' });
  const params = JSON.parse(JSON.stringify(chat.invocationParams({}))) as Record<string, unknown>;
  return { ...params, stream: false, messages: [{ role: 'user', content: prompt }] };
}

/**
 * The base URL a model's requests go to: its `baseUrl`, else OPENAI_BASE_URL (the OpenAI SDK's own
 * variable), else undefined for the OpenAI API itself.
 */
export function baseUrlOf(config: LiveModelConfig, env: NodeJS.ProcessEnv): string | undefined {
  return config.baseUrl ?? (env.OPENAI_BASE_URL || undefined);
}

/** Where the request goes. */
export function requestUrl(config: LiveModelConfig, env: NodeJS.ProcessEnv): string {
  const base = baseUrlOf(config, env) ?? 'https://api.openai.com/v1';
  return `${base.replace(/\/$/, '')}/chat/completions`;
}

/** What `jcb models <alias>` shows of a live model: where its requests go and their exact body. */
export function describeRequest(config: LiveModelConfig, env: NodeJS.ProcessEnv, prompt = '<the prompt>') {
  return {
    alias: config.alias,
    provider: config.provider,
    url: requestUrl(config, env),
    apiKeyEnv: config.apiKeyEnv ?? null,
    body: requestBody(config, prompt),
    prices: config.prices ?? null,
  };
}
