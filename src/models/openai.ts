// OpenAI and OpenAI-compatible servers (vLLM, Ollama, llama.cpp) through LangChain's ChatOpenAI.
import { HumanMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { UserError } from '../errors.js';
import { RateLimiter, Semaphore, withRetries, type Failure, type RetryPolicy } from './limits.js';
import { ProviderError, type Generation, type GenerateRequest, type ModelProvider } from './provider.js';
import type { LiveModelConfig } from './registry.js';

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
  const chat = new ChatOpenAI({
    model: config.model,
    temperature: config.temperature,
    maxTokens: config.maxTokens,
    // Servers without keys (vLLM, Ollama) still need a non-empty one for the client.
    apiKey: apiKey ?? 'not-needed',
    timeout: config.timeoutMs,
    // Retries are ours: LangChain's would not honour Retry-After nor report attempts.
    maxRetries: 0,
    configuration: config.baseUrl ? { baseURL: config.baseUrl } : undefined,
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
    fingerprint: {
      provider: config.provider,
      model: config.model,
      baseUrl: config.baseUrl ?? null,
      temperature: config.temperature,
      maxTokens: config.maxTokens,
    },
    concurrency: config.concurrency,
    generate: (req: GenerateRequest): Promise<Generation> =>
      slots.use(async () => {
        const result = await withRetries(
          async () => {
            await rate.wait();
            const started = performance.now();
            const message = await chat.invoke([new HumanMessage(req.prompt)], { signal: req.signal });
            return { message, latencyMs: performance.now() - started };
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
        return {
          output: typeof message.content === 'string' ? message.content : message.text,
          inputTokens: message.usage_metadata?.input_tokens,
          outputTokens: message.usage_metadata?.output_tokens,
          latencyMs,
        };
      }),
  };
}
