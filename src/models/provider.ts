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

/** The reply as the server sent it: the message's content and its separate thinking fields, any shape. */
export interface RawReply {
  content: unknown;
  /** `message.reasoning` (vLLM ≥ 0.10, Ollama), `reasoning_content` (older vLLM, SGLang, DeepSeek), `reasoning_details` (OpenRouter). */
  reasoning?: unknown;
  /** OpenAI's `message.refusal`: the model declined, saying why (its content is then null). */
  refusal?: unknown;
  /** The reply calls a tool (`message.tool_calls`, or the older `function_call`) rather than, or beside, text. */
  toolCall?: boolean;
}

export interface Generation {
  /** The answer the task parser reads (after src/models/answer.ts took any thinking out). */
  output: string;
  /**
   * The reply as a live server sent it (content of any shape, thinking fields): providers set it, and
   * `splitGeneration` turns it into `output` and `thinking` before anything else sees the generation.
   */
  reply?: RawReply;
  /** What the model thought before answering (a reasoning field, or tagged text taken out of the reply). */
  thinking?: string;
  /** Reasoning tokens were counted by jcb from the thinking text: the server did not report them. */
  reasoningEstimated?: boolean;
  /**
   * Prompt, output or cached tokens are jcb's own count: the server sent no usage, or one that is impossible
   * (src/models/usage.ts; counted by src/evaluation/answer.ts withOwnCounts).
   */
  usageEstimated?: boolean;
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
   * A live answer that is no answer: empty, cut at the token limit, withheld by a content filter, given
   * only in thinking, thinking cut off, a tool call instead of text, or read from a prompt the server cut
   * (src/models/answer.ts).
   * Never cached, asked again on resume; scored as an empty output meanwhile.
   */
  incomplete?: Incomplete;
  /** What the model said when it declined (`incomplete: 'refused'`), shown with the run, never scored nor stored. */
  refusal?: string;
  latencyMs: number;
}

/** The kinds of live non-answer, as stored in `run_documents.incomplete`. */
export type Incomplete =
  'empty' | 'truncated' | 'filtered' | 'refused' | 'thinking-only' | 'thinking-cut' | 'prompt-cut' | 'tool-call';

/** How each non-answer is named to people (`jcb show`, `jcb run`, Slack). */
export const INCOMPLETE_SHOWN: Record<Incomplete, string> = {
  empty: 'empty answer',
  truncated: 'cut at the token limit',
  filtered: 'withheld by a content filter',
  refused: 'refused by the model',
  'thinking-only': 'answered only in thinking',
  'thinking-cut': 'thinking cut off',
  'prompt-cut': 'prompt cut by the server',
  'tool-call': 'answered with a tool call, not text',
};

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
    /** The failure was the server's, not the document's (limits.ts Failure.serverDown). */
    readonly serverDown = false,
    /** Documents in a row failed so after which a run stops, for a failure of the configuration; else 0 (Failure.misconfigured). */
    readonly misconfigured = 0,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
