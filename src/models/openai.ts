// OpenAI and OpenAI-compatible servers (vLLM, Ollama, llama.cpp) through LangChain's ChatOpenAI.
import { UserError } from '../base/errors.js';
import { linkedSignal, RateLimiter, Semaphore, withRetries, type Failure, type RetryPolicy } from './limits.js';
import { ProviderError, type Generation, type GenerateRequest, type ModelProvider, type RawReply } from './provider.js';
import type { LiveModelConfig } from './registry.js';
import { langchain } from './langchain.js';
import { baseUrlOf, chatFields, requestParameters } from './request.js';

interface HttpError {
  status?: number;
  name?: string;
  message?: string;
  code?: string;
  headers?: Headers | Record<string, string>;
  cause?: unknown;
}

function header(headers: HttpError['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}

/** Retry-After as seconds or an HTTP date, in milliseconds. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** 429, 5xx, timeouts and dropped connections are worth another try; the rest are final. */
export function classifyError(err: unknown): Failure {
  const e = (err ?? {}) as HttpError;
  const status = e.status;
  const message = e.message ?? String(err);
  if (status === 429 || (status !== undefined && status >= 500)) {
    return {
      retryable: true,
      retryAfterMs: retryAfterMs(header(e.headers, 'retry-after')),
      message: `HTTP ${status}: ${message}`,
    };
  }
  if (status !== undefined) return { retryable: false, message: `HTTP ${status}: ${message}` };
  // A body that is not JSON (a proxy's error page, a cut connection) is the server's fault, like a 5xx.
  if (e.name === 'SyntaxError' || /JSON/.test(message))
    return { retryable: true, message: `invalid response body: ${message}` };
  if (e.name === 'TimeoutError' || /timed? ?out/i.test(message))
    return { retryable: true, message: `timeout: ${message}` };
  if (/connection|ECONNREFUSED|ECONNRESET|fetch failed|socket/i.test(message)) return { retryable: true, message };
  return { retryable: false, message };
}

export interface LiveOptions {
  env: NodeJS.ProcessEnv;
  /** Backoff base; tests shorten it. */
  retryBaseDelayMs?: number;
}

export function createLiveProvider(config: LiveModelConfig, options: LiveOptions): ModelProvider {
  const apiKey = config.apiKeyEnv ? options.env[config.apiKeyEnv] : undefined;
  if (config.apiKeyEnv && !apiKey) {
    throw new UserError(
      `Model "${config.alias}" needs an API key in ${config.apiKeyEnv}, which is not set.`,
      `Export ${config.apiKeyEnv}, or use a replayed or baseline model.`,
    );
  }
  const refused = requestParameters(config).thinking.refused;
  if (refused) throw new UserError(`${config.alias}: ${refused}.`, 'Change `thinking` in models.yml, or remove it.');
  const baseUrl = baseUrlOf(config, options.env);
  const { ChatOpenAI, HumanMessage } = langchain();
  const chat = new ChatOpenAI({
    ...chatFields(config),
    // Servers without keys (vLLM, Ollama) still need a non-empty one for the client.
    apiKey: apiKey ?? 'not-needed',
    timeout: config.timeoutMs,
    // Retries are ours: LangChain's would not honour Retry-After nor report attempts.
    maxRetries: 0,
    // The services' env, not the process's: the SDK itself would read OPENAI_BASE_URL from process.env.
    configuration: baseUrl ? { baseURL: baseUrl } : undefined,
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
          classifyError,
          policy,
          req.signal,
          (n, failure) => req.onRetry?.(n, failure.message),
        );
        if ('failure' in result) {
          throw new ProviderError(
            `${config.alias}: ${result.failure.message} (after ${result.attempts} attempt${result.attempts > 1 ? 's' : ''})`,
            result.failure.retryable,
            result.attempts,
          );
        }
        const { message, latencyMs } = result.value;
        const reply = rawReply(message.additional_kwargs?.__raw_response) ?? {
          content: message.content,
          reasoning: message.additional_kwargs?.reasoning_content,
        };
        const usage = message.usage_metadata;
        return {
          output: typeof message.content === 'string' ? message.content : message.text,
          reply,
          inputTokens: usage?.input_tokens,
          outputTokens: usage?.output_tokens,
          cachedInputTokens: usage?.input_token_details?.cache_read,
          reasoningTokens: usage?.output_token_details?.reasoning || undefined,
          finishReason: message.response_metadata?.finish_reason as string | undefined,
          latencyMs,
        };
      }),
  };
}

/**
 * The first choice's message of a raw chat completion body: its content (a string, null, or typed parts)
 * and every thinking field the servers use (`thinking`: Ollama's own API shape, in some proxies), whichever are present. Undefined for a body of another shape.
 */
function rawReply(body: unknown): RawReply | undefined {
  const message = (body as { choices?: { message?: Record<string, unknown> }[] } | undefined)?.choices?.[0]?.message;
  if (!message || typeof message !== 'object') return undefined;
  // The same thinking under several names (vLLM while renaming, OpenRouter's text and details): the first.
  const field = ['reasoning', 'reasoning_content', 'reasoning_details', 'thinking'].find(
    (f) => message[f] !== undefined && message[f] !== null && message[f] !== '',
  );
  return { content: message.content ?? null, reasoning: field ? message[field] : undefined };
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
    // Answers of one model name from two servers are not the same answers.
    baseUrl: baseUrl ?? null,
    temperature: p.temperature ?? null,
    maxTokens: p.maxTokens,
    ...(p.topP !== undefined ? { topP: p.topP } : {}),
    ...(p.reasoningEffort ? { reasoningEffort: p.reasoningEffort } : {}),
    ...(Object.keys(p.extraBody).length ? { extraBody: p.extraBody } : {}),
  };
}
