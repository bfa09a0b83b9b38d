// One interface for every way of getting a model's output: replayed, baseline, or a live server.
import type { Document, Shot, Task } from '../tasks/types.js';
import type { ModelConfig } from './registry.js';

export interface GenerateRequest {
  task: Task;
  document: Document<unknown>;
  shot: Shot;
  prompt: string;
  signal?: AbortSignal;
  /** Told of each retry of this request while it happens (live providers): the attempt that failed and why. */
  onRetry?: (failedAttempt: number, cause: string) => void;
}

export interface Generation {
  output: string;
  /** The gold this output was scored against in the release (replays only; else the document's). */
  gold?: unknown;
  inputTokens?: number;
  outputTokens?: number;
  /** Prompt tokens the provider served from its prompt cache, where it reports them. */
  cachedInputTokens?: number;
  /** Output tokens spent on reasoning (reasoning models), where reported. */
  reasoningTokens?: number;
  /** The provider's finish reason (`stop`, `length`, `content_filter`...); live providers only. */
  finishReason?: string;
  /**
   * A live answer that is no answer: empty, cut at the token limit, or withheld by a content filter.
   * Never cached, asked again on resume; scored as an empty output meanwhile.
   */
  incomplete?: Incomplete;
  latencyMs: number;
}

export type Incomplete = 'empty' | 'truncated' | 'filtered';

/** Names a live answer that is no answer, from its text and finish reason. */
export function incompleteAnswer(output: string, finishReason: string | undefined): Incomplete | undefined {
  if (finishReason === 'length') return 'truncated';
  if (finishReason === 'content_filter') return 'filtered';
  return output.trim() === '' ? 'empty' : undefined;
}

export interface ModelProvider {
  config: ModelConfig;
  /**
   * What determines this provider's outputs besides the prompt (model, server, parameters), never a
   * secret: the response cache's key. Undefined where caching makes no sense (replay, baseline).
   */
  fingerprint?: Record<string, unknown>;
  /** Requests in flight at once that the provider accepts. */
  concurrency: number;
  /** The documents it can answer for, where it cannot answer for every one (replays). */
  documents?(task: Task, shot: Shot): Document<unknown>[];
  generate(req: GenerateRequest): Promise<Generation>;
}

/** A provider's failure, after its retries: recorded with the document, the run goes on. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly attempts = 1,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
