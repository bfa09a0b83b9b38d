// OpenAI and OpenAI-compatible servers (vLLM, Ollama, llama.cpp) through LangChain's ChatOpenAI.
import { UserError } from '../base/errors.js';
import { missingSetting } from '../base/missing-setting.js';
import { linkedSignal, RateLimiter, Semaphore, withRetries, type RetryPolicy } from './limits.js';
import { ProviderError, type Generation, type GenerateRequest, type ModelProvider, type RawReply } from './provider.js';
import type { LiveModelConfig } from './registry.js';
import { langchain } from './langchain.js';
import { baseUrlOf, baseUrlSetting, chatFields, requestParameters } from './request.js';
import type { UsageMetadata } from '@langchain/core/messages';
import { readUsage } from './usage.js';
import { classifyError, serverFetch, type ServerContext } from './server-reply.js';

export interface LiveOptions {
  env: NodeJS.ProcessEnv;
  /** Backoff base; tests shorten it. */
  retryBaseDelayMs?: number;
}

export function createLiveProvider(config: LiveModelConfig, options: LiveOptions): ModelProvider {
  const apiKey = config.apiKeyEnv ? options.env[config.apiKeyEnv] : undefined;
  const noKey = config.apiKeyEnv && missingSetting(options.env, config.apiKeyEnv);
  if (noKey) {
    throw new UserError(
      `Model "${config.alias}" has no API key on this server`,
      'Use a replayed or baseline model, or ask whoever runs jcb to set its key.',
      // The variable is the operator's business: named in a terminal only.
      {
        detail: noKey,
        hint: `Export ${config.apiKeyEnv}, or use a replayed or baseline model.`,
      },
    );
  }
  const refused = requestParameters(config).thinking.refused;
  if (refused)
    throw new UserError(
      `${config.alias}: ${refused}.`,
      'Use another model, or ask whoever runs jcb to change its settings.',
      {
        hint: 'Change `thinking` in models.yml, or remove it.',
      },
    );
  const baseUrl = baseUrlOf(config, options.env);
  const server: ServerContext = {
    baseUrl,
    baseUrlSetting: baseUrlSetting(config),
    secrets: [apiKey],
    timeoutMs: config.timeoutMs,
    alias: config.alias,
    model: config.model,
    apiKeyEnv: config.apiKeyEnv,
  };
  const { ChatOpenAI, HumanMessage } = langchain();
  const chat = new ChatOpenAI({
    ...chatFields(config),
    // Servers without keys (vLLM, Ollama) still need a non-empty one for the client.
    apiKey: apiKey ?? 'not-needed',
    timeout: config.timeoutMs,
    // Retries are ours: LangChain's would not honour Retry-After nor report attempts.
    maxRetries: 0,
    // The services' env, not the process's: the SDK itself would read OPENAI_BASE_URL from process.env.
    // jcb's own fetch reads every reply first: errors, non-completions, connections (src/models/server-reply.ts).
    configuration: { ...(baseUrl ? { baseURL: baseUrl } : {}), fetch: serverFetch(server) },
    // The body as sent back: LangChain keeps `reasoning_content` only, not vLLM's and Ollama's `reasoning`.
    __includeRawResponse: true,
  });
  const slots = new Semaphore(config.concurrency);
  const rate = new RateLimiter(config.rpm);
  const policy: RetryPolicy = {
    maxRetries: config.maxRetries,
    baseDelayMs: options.retryBaseDelayMs ?? 1000,
    maxDelayMs: 60_000,
  };

  return {
    config,
    fingerprint: fingerprintOf(config, baseUrl),
    concurrency: config.concurrency,
    generate: (req: GenerateRequest): Promise<Generation> =>
      slots.use(async () => {
        const result = await withRetries(
          async () => {
            await rate.wait();
            const started = performance.now();
            // The SDK adds a listener to the signal it is given and never removes it: given the run's one
            // signal, every request would leave one behind (MaxListenersExceededWarning from the 11th).
            const link = linkedSignal(req.signal);
            try {
              const message = await chat.invoke([new HumanMessage(req.prompt)], { signal: link.signal });
              return { message, latencyMs: performance.now() - started };
            } finally {
              link.dispose();
            }
          },
          (err) => classifyError(err, server),
          policy,
          req.signal,
          (n, failure) => req.onRetry?.(n, failure.message),
        );
        if ('failure' in result) {
          throw new ProviderError(
            `${config.alias}: ${result.failure.message} (after ${result.attempts} attempt${result.attempts > 1 ? 's' : ''})`,
            result.failure.retryable,
            result.attempts,
            result.failure.serverDown ?? false,
            result.failure.misconfigured ?? 0,
          );
        }
        const { message, latencyMs } = result.value;
        const reply = rawReply(message.additional_kwargs?.__raw_response) ?? {
          content: message.content,
          reasoning: message.additional_kwargs?.reasoning_content,
          ...(message.tool_calls?.length ? { toolCall: true } : {}),
        };
        const usage = serverUsage(message);
        return {
          output: withoutKey(typeof message.content === 'string' ? message.content : message.text, apiKey),
          reply: withoutKey(reply, apiKey),
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          cachedInputTokens: usage.cachedInputTokens,
          reasoningTokens: usage.reasoningTokens,
          ...(usage.rejected ? { usageEstimated: true } : {}),
          finishReason: message.response_metadata?.finish_reason as string | undefined,
          latencyMs,
        };
      }),
  };
}

/**
 * `value` (an answer's text, or its reply's fields: strings, parts, thinking objects) with every occurrence of
 * the API key's exact value replaced by `[key]`, before anything stores or shows it: a server that echoes the
 * Authorization header in a 200 answer (README "Secrets"). Only a key from the environment (the placeholder a
 * keyless server is sent is never looked for), and none under 8 characters (vLLM's `EMPTY`, a test's `x`): so
 * short a string could be an ordinary answer's, and replacing it would change a score.
 */
function withoutKey<T>(value: T, key: string | undefined): T {
  if (!key || key.length < 8 || value === undefined) return value;
  const escaped = JSON.stringify(key).slice(1, -1);
  const json = JSON.stringify(value);
  return json.includes(escaped) ? (JSON.parse(json.split(escaped).join('[key]')) as T) : value;
}

/**
 * The usage the server sent with `message` (its raw body's `usage`, checked: src/models/usage.ts); LangChain's
 * reading of it where the raw body is missing.
 */
function serverUsage(message: { additional_kwargs?: Record<string, unknown>; usage_metadata?: UsageMetadata }) {
  const raw = message.additional_kwargs?.__raw_response as { usage?: unknown } | undefined;
  if (raw && typeof raw === 'object') return readUsage(raw.usage);
  const u = message.usage_metadata;
  return readUsage(
    u && {
      prompt_tokens: u.input_tokens,
      completion_tokens: u.output_tokens,
      prompt_tokens_details: { cached_tokens: u.input_token_details?.cache_read },
      completion_tokens_details: { reasoning_tokens: u.output_token_details?.reasoning },
    },
  );
}

/**
 * The first choice's message of a raw chat completion body: its content (a string, null, or typed parts),
 * whether it calls a tool, and every thinking field the servers use (`thinking`: Ollama's own API shape, in some proxies), whichever are present. Undefined for a body of another shape.
 */
function rawReply(body: unknown): RawReply | undefined {
  const message = (body as { choices?: { message?: Record<string, unknown> }[] } | undefined)?.choices?.[0]?.message;
  if (!message || typeof message !== 'object') return undefined;
  // The same thinking under several names (vLLM while renaming, OpenRouter's text and details): the first.
  const field = ['reasoning', 'reasoning_content', 'reasoning_details', 'thinking'].find(
    (f) => message[f] !== undefined && message[f] !== null && message[f] !== '',
  );
  const calls = message.tool_calls;
  return {
    content: message.content ?? null,
    reasoning: field ? message[field] : undefined,
    ...(message.refusal ? { refusal: message.refusal } : {}),
    ...((Array.isArray(calls) && calls.length) || message.function_call ? { toolCall: true } : {}),
  };
}

/**
 * What determines a live model's outputs besides the prompt: the response cache's key. The fields of
 * before per-family parameters keep their values, so that earlier cached answers stay found.
 */
function fingerprintOf(config: LiveModelConfig, baseUrl: string | undefined): Record<string, unknown> {
  const p = requestParameters(config);
  return {
    provider: config.provider,
    model: config.model,
    // Answers of one model name from two servers are not the same answers. (A URL with credentials is refused
    // before this: src/models/request.ts.)
    baseUrl: baseUrl ?? null,
    temperature: p.temperature ?? null,
    maxTokens: p.maxTokens,
    ...(p.topP !== undefined ? { topP: p.topP } : {}),
    ...(p.reasoningEffort ? { reasoningEffort: p.reasoningEffort } : {}),
    ...(Object.keys(p.extraBody).length ? { extraBody: p.extraBody } : {}),
  };
}
