// What a live run costs: tokens counted before (dry run) and used after, priced by the registry.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createRequire } from 'node:module';
import type * as Encoding from 'gpt-tokenizer/encoding/o200k_base';
import type * as TiktokenLite from 'js-tiktoken/lite';
import type { TiktokenModel } from 'js-tiktoken/lite';
import { familyName, isReasoningFamily } from '../models/family.js';
import { loadModels, type LiveModelConfig } from '../models/registry.js';
import { requestParameters } from '../models/request.js';
import type { RunDocument } from '../store/store.js';

const require = createRequire(import.meta.url);
// The encodings' tables take ~80 MB once loaded: required on the first count, never by a process that counts nothing.
const encodings = new Map<string, (text: string) => number>();
const countWith = (encoding: 'o200k_base' | 'cl100k_base') => (text: string) => {
  let count = encodings.get(encoding);
  if (!count) {
    count = (require(`gpt-tokenizer/encoding/${encoding}`) as typeof Encoding).countTokens;
    encodings.set(encoding, count);
  }
  return count(text);
};

/** US dollars per million tokens (models.yml `prices`). */
export type Prices = NonNullable<LiveModelConfig['prices']>;

export interface TokenUsage {
  /** Prompt tokens, cached ones included. */
  input: number;
  /** Prompt tokens the provider served from its prompt cache. */
  cachedInput: number;
  /** Completion tokens, reasoning ones included (as OpenAI counts them). */
  output: number;
  reasoning: number;
}

/** A model's prices from the registry; undefined for a model without them, or no longer in it. */
export function pricesOf(alias: string, env: NodeJS.ProcessEnv): Prices | undefined {
  const model = loadModels(env).find((m) => m.alias === alias);
  return model && 'prices' in model ? model.prices : undefined;
}

/**
 * Cost in US dollars; null without prices. Never negative nor NaN, whatever a stored row holds (rows of before
 * usage was checked, src/models/usage.ts): a count below 0 or not finite counts as 0, cached tokens as at most
 * the prompt's; so it never falls as prompt or output tokens grow.
 */
export function costUsd(u: Pick<TokenUsage, 'input' | 'cachedInput' | 'output'>, prices: Prices | undefined) {
  if (!prices) return null;
  const count = (x: number) => (Number.isFinite(x) && x > 0 ? x : 0);
  const input = count(u.input);
  const cached = Math.min(count(u.cachedInput), input);
  const output = count(u.output);
  return (
    ((input - cached) * prices.input + cached * (prices.cachedInput ?? prices.input) + output * prices.output) / 1e6
  );
}

/**
 * What a run's calls to the provider used: its stored documents that were not answered from the cache;
 * `estimated` when any figure of them is jcb's own count.
 */
export function runUsage(
  rows: readonly RunDocument[],
  prices: Prices | undefined,
): TokenUsage & { costUsd: number | null; estimated?: boolean } {
  const called = rows.filter((r) => r.status === 'done' && r.cached === 0);
  const sum = (f: (r: RunDocument) => number | null) => called.reduce((n, r) => n + (f(r) ?? 0), 0);
  const usage = {
    input: sum((r) => r.input_tokens),
    cachedInput: sum((r) => r.cached_input_tokens),
    output: sum((r) => r.output_tokens),
    reasoning: sum((r) => r.reasoning_tokens),
  };
  // Some figure is jcb's own count (src/evaluation/answer.ts withOwnCounts): shown with ESTIMATED_MARK.
  const estimated = called.some((r) => r.usage_estimated === 1 || r.reasoning_estimated === 1);
  return { ...usage, costUsd: costUsd(usage, prices), estimated };
}

/** Chat formatting around one user message (role markers, reply priming), per OpenAI's counting recipe. */
const CHAT_OVERHEAD = 7;

/**
 * A token counter for a model: OpenAI's own encoding where the model is one js-tiktoken names, in any
 * case and with or without a `vendor/` prefix (with
 * gpt-tokenizer's bundled tables, ~30x faster on Japanese than js-tiktoken's; nothing is downloaded),
 * else o200k_base as an estimate (`exact: false`).
 */
export function tokenCounter(model: string): TokenCounter {
  let counter = counters.get(model);
  if (!counter) counters.set(model, (counter = counterOf(model)));
  return counter;
}

type TokenCounter = { count: (text: string) => number; exact: boolean; encoding: string };
/** Each model's counter, found once a process: the engine asks for one per document (promptCut). */
const counters = new Map<string, TokenCounter>();

function counterOf(model: string): TokenCounter {
  let encoding: 'o200k_base' | 'cl100k_base' = 'o200k_base';
  let exact = false;
  const { getEncodingNameForModel } = require('js-tiktoken/lite') as typeof TiktokenLite;
  try {
    const known = getEncodingNameForModel(familyName(model) as TiktokenModel);
    if (known === 'o200k_base' || known === 'cl100k_base') [encoding, exact] = [known, true];
  } catch {
    // not an OpenAI model: estimated
  }
  return { count: countWith(encoding), exact, encoding };
}

export interface CostEstimate {
  documents: number;
  calls: number;
  promptTokens: number;
  /** Output tokens if each answer is as long as its gold answer (reasoning tokens not included). */
  expectedOutputTokens: number;
  /** Every call using its whole token limit. */
  maxOutputTokens: number;
  /** Whether the prompt tokens are counted with the model's own tokenizer, or estimated. */
  exact: boolean;
  encoding: string;
  reasoningModel: boolean;
  /** US dollars at the expected and at the largest output; null without prices. */
  expectedCostUsd: number | null;
  maxCostUsd: number | null;
}

/** The estimate of a model that sends nothing (a replay, the baseline): its documents, no call, $0. */
export function noRequests(documents: number): CostEstimate {
  return {
    documents,
    calls: 0,
    promptTokens: 0,
    expectedOutputTokens: 0,
    maxOutputTokens: 0,
    exact: true,
    encoding: 'none',
    reasoningModel: false,
    expectedCostUsd: 0,
    maxCostUsd: 0,
  };
}

/**
 * A piece break, where a text may be cut for counting: after a line break followed by this (neither white space
 * nor `/`; sticky: read at the one position after each line break). The pre-tokenizers of both encodings
 * (o200k_base, cl100k_base: gpt-tokenizer's split patterns) end a piece there, and BPE merges only within a
 * piece, so the parts' counts add up to the whole text's exactly.
 */
const PIECE_START = /[^\s/]/uy;

/**
 * The one memo of token counts: by encoding, then part of a text (at each piece break), so that a prompt's lines of
 * instruction and shots, shared by a task's documents, are counted once a process, and a text asked for again
 * (an estimate made again, the engine's promptCut) costs only its lookups.
 */
const partCounts = new Map<string, Map<string, number>>();
/** Characters of the parts kept at most (~8 MB); past it the memo starts again. */
const PART_MEMO_CHARS = 4_000_000;
let partChars = 0;

/** `text`'s tokens, counted by its parts (cut at each piece break: their counts add up to the whole text's). */
function countOnce(counter: TokenCounter, text: string): number {
  let counts = partCounts.get(counter.encoding);
  if (!counts) partCounts.set(counter.encoding, (counts = new Map()));
  let [n, start] = [0, 0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    PIECE_START.lastIndex = at + 1;
    if (!PIECE_START.test(text)) continue;
    n += countPart(counter, counts, text.slice(start, at + 1));
    start = at + 1;
  }
  return n + countPart(counter, counts, text.slice(start));
}

function countPart(counter: TokenCounter, counts: Map<string, number>, part: string): number {
  let n = counts.get(part);
  if (n === undefined) {
    n = counter.count(part);
    if (partChars + part.length > PART_MEMO_CHARS) {
      for (const m of partCounts.values()) m.clear();
      partChars = 0;
    }
    counts.set(part, n);
    partChars += part.length;
  }
  return n;
}

/**
 * A prompt's tokens as jcb counts them for cost estimates (the chat formatting included). Counted by its
 * lines (piece breaks, exact): the instruction and shots, the same for every document of a task and shot,
 * are counted once a process, and only each document's own lines after that (issue 28: ~0.5 ms a document).
 */
export function promptTokens(model: string, prompt: string): number {
  return countOnce(tokenCounter(model), prompt) + CHAT_OVERHEAD;
}

/** Counting works in slices of this long at most, then lets the event loop answer others (the bot). */
const SLICE_MS = 20;

/**
 * Estimates a run before making it. `items` are the documents still to compute, each with its
 * prompt and the text of its gold answer (built as they are iterated). The same figures as counting
 * every text at once, but each part of a text is counted once a process (memoized by encoding and part), and
 * the work yields to the event loop every 20 ms: counting a whole release (~10M tokens, seconds of
 * CPU) blocks nothing else.
 */
export async function estimateCost(
  config: LiveModelConfig,
  documents: number,
  items: Iterable<{ prompt: string; gold: string }>,
): Promise<CostEstimate> {
  const counter = tokenCounter(config.model);
  const params = requestParameters(config);
  let [calls, promptTokens, expectedOutputTokens] = [0, 0, 0];
  let sliceStart = performance.now();
  for (const it of items) {
    calls += 1;
    promptTokens += countOnce(counter, it.prompt) + CHAT_OVERHEAD;
    expectedOutputTokens += countOnce(counter, it.gold);
    if (performance.now() - sliceStart > SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  const maxOutputTokens = calls * params.maxTokens;
  const price = (output: number) => costUsd({ input: promptTokens, cachedInput: 0, output }, config.prices);
  return {
    documents,
    calls,
    promptTokens,
    expectedOutputTokens,
    maxOutputTokens,
    exact: counter.exact,
    encoding: counter.encoding,
    reasoningModel: isReasoningFamily(config.model) || params.thinking.thinks,
    expectedCostUsd: price(expectedOutputTokens),
    maxCostUsd: price(maxOutputTokens),
  };
}
