// What a live model is sent: its family's parameters, the registry's overrides, and the exact request body.
import type { ChatOpenAIFields } from '@langchain/openai';
import { isReasoningFamily } from './family.js';
import { langchain } from './langchain.js';
import { baseUrlSchema, OPENAI_BASE_URL_RIGHT, type LiveModelConfig } from './registry.js';
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';
import { serverKind, thinkingRequest, type ThinkingRequest } from './thinking.js';

export interface RequestParameters {
  /** Undefined: left out of the request (reasoning models; `temperature: null`). */
  temperature: number | undefined;
  /** Sent as `max_completion_tokens` to reasoning models, `max_tokens` to the others. */
  maxTokens: number;
  /** Undefined: left out (the OpenAI API's default; `topP: null`; or `extraBody.top_p`, which is sent instead). */
  topP: number | undefined;
  reasoningEffort: LiveModelConfig['reasoningEffort'];
  /** Further body fields, sent as they are (vLLM's repetition_penalty...), the thinking setting's merged over them. */
  extraBody: Record<string, unknown>;
  /** The `thinking` setting as this family and server take it, or why it cannot be sent. */
  thinking: ThinkingRequest;
}

/**
 * The registry entry's parameters with its family's defaults filled in: the one place that decides what a
 * request states. An OpenAI-compatible server is told temperature (0), top_p (1) and the token limit, so
 * that its own generation config (vLLM fills what a request leaves out from the model's) never applies.
 */
export function requestParameters(config: LiveModelConfig): RequestParameters {
  const reasoning = isReasoningFamily(config.model);
  const thinking = thinkingRequest(config.model, serverKind(config), config.thinking);
  const extra = config.extraBody ?? {};
  const ownServer = config.provider === 'openai-compatible' && !reasoning;
  const topP = 'top_p' in extra || config.topP === null ? undefined : (config.topP ?? (ownServer ? 1 : undefined));
  const kwargs = { ...(extra.chat_template_kwargs as object), ...(thinking.body.chat_template_kwargs as object) };
  return {
    temperature: config.temperature === null ? undefined : (config.temperature ?? (reasoning ? undefined : 0)),
    // Reasoning tokens count against the limit: 1,024 would leave many answers empty.
    maxTokens: config.maxTokens ?? (reasoning || thinking.thinks ? 8192 : 1024),
    topP,
    reasoningEffort: config.reasoningEffort,
    extraBody: { ...extra, ...thinking.body, ...(Object.keys(kwargs).length ? { chat_template_kwargs: kwargs } : {}) },
    thinking,
  };
}

/** Whether LangChain itself treats `model` as a reasoning model (it tells them by the exact name). */
function langchainSeesReasoning(model: string): boolean {
  const { ChatOpenAI } = langchain();
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
      topP: p.topP,
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
    topP: p.topP,
    reasoning: p.reasoningEffort ? { effort: p.reasoningEffort } : undefined,
    modelKwargs: p.extraBody,
  };
}

/**
 * The JSON body of the chat completion request this entry makes for `prompt`, as LangChain builds it
 * (its `invocationParams`, then the messages), so that what `jcb models <alias>` shows is what is sent.
 */
export function requestBody(config: LiveModelConfig, prompt: string): Record<string, unknown> {
  const { ChatOpenAI } = langchain();
  const chat = new ChatOpenAI({ ...chatFields(config), apiKey: 'shown-not-sent' });
  const params = JSON.parse(JSON.stringify(chat.invocationParams({}))) as Record<string, unknown>;
  return { ...params, stream: false, messages: [{ role: 'user', content: prompt }] };
}

/**
 * The base URL a model's requests go to: its `baseUrl`, else OPENAI_BASE_URL (the OpenAI SDK's own
 * variable), else undefined for the OpenAI API itself.
 * @throws UserError when OPENAI_BASE_URL breaks the registry's rule for `baseUrl` (baseUrlSchema: http(s),
 *   no user or password, no query string); the value is never echoed, it may hold a key.
 */
export function baseUrlOf(config: LiveModelConfig, env: NodeJS.ProcessEnv): string | undefined {
  if (config.baseUrl) return config.baseUrl;
  const url = env.OPENAI_BASE_URL || undefined;
  const issue = url === undefined ? undefined : baseUrlSchema.safeParse(url).error?.issues[0];
  if (issue)
    throw new UserError(
      `The OpenAI API's address set for this bot is not valid${operatorFix(`: OPENAI_BASE_URL must be ${OPENAI_BASE_URL_RIGHT} (${issue.message})`)}`,
    );
  return url;
}

/**
 * What names a model's base URL to its operator, in failures that would need the address (README "Secrets": never
 * a URL in front of a user): its `baseUrl` in the model registry, else OPENAI_BASE_URL.
 */
export function baseUrlSetting(config: LiveModelConfig): string {
  return config.baseUrl ? `the baseUrl of model ${config.alias} in the model registry` : 'OPENAI_BASE_URL';
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
    /** Why the `thinking` setting is not sent (a run refuses to start); null when it is, or none is set. */
    thinkingRefused: requestParameters(config).thinking.refused ?? null,
  };
}
