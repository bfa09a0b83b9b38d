// The one place a model's reply is split into its thinking and its answer, before any task parser sees
// it (issue 21). Every provider's generation passes through `splitGeneration` (src/models/index.ts).
// Rules after lm-evaluation-harness: the answer is what follows the last end-of-thinking tag; a start tag
// never closed leaves no answer after it (the model was still thinking); a reply field of its own
// (`reasoning`, `reasoning_content`, `reasoning_details`) is thinking, never answer.
import type { Generation, Incomplete, RawReply } from './provider.js';
import { PROMPT_CUT_RATIO, type ModelConfig } from './registry.js';

/** A pair of tags that enclose thinking in a reply's text. */
export interface ThinkTag {
  open: string;
  close: string;
}

/**
 * The tags open reasoning models write their thinking in: `<think>` (Qwen3, DeepSeek-R1, QwQ), `<thinking>`,
 * `<reasoning>`, Seed-OSS's `<seed:think>`, Kimi's `◁think▷`, and gpt-oss's harmony channels when a server
 * hands them over unparsed. None of them occurs in the release's answers (test/thinking-split.test.ts).
 */
export const DEFAULT_THINK_TAGS: readonly ThinkTag[] = [
  { open: '<think>', close: '</think>' },
  { open: '<thinking>', close: '</thinking>' },
  { open: '<reasoning>', close: '</reasoning>' },
  { open: '<seed:think>', close: '</seed:think>' },
  { open: '◁think▷', close: '◁/think▷' },
  { open: '<|channel|>analysis<|message|>', close: '<|channel|>final<|message|>' },
];

/**
 * How a model's replies are split and judged: the tags its thinking is taken out by (its `thinkTags`, else
 * DEFAULT_THINK_TAGS) and, for an OpenAI-compatible server, the `promptCutRatio` below which an answer counts
 * as read from a cut prompt. Both decide scores: a job carries the run's, and a worker whose models file says
 * otherwise leaves the job (issue 24, src/queue/assumptions.ts).
 */
export interface SplitSettings {
  thinkTags: ThinkTag[];
  promptCutRatio?: number;
}

/** The split settings of a registry entry (replayed and baseline models: the default tags only). */
export function splitSettings(config: ModelConfig): SplitSettings {
  const tags = ('thinkTags' in config && config.thinkTags) || DEFAULT_THINK_TAGS;
  return {
    thinkTags: tags.map(({ open, close }) => ({ open, close })),
    ...(config.provider === 'openai-compatible' ? { promptCutRatio: config.promptCutRatio } : {}),
  };
}

/**
 * What of the split a cached answer depends on, for the response cache's key: the entry's own `thinkTags`
 * (a cached answer was split with them) and its own `promptCutRatio` (an answer is cached only when it did not
 * count as read from a cut prompt); nothing for the defaults (keys made before stay valid).
 */
export function cachedSplit(config: ModelConfig): { thinkTags?: ThinkTag[]; promptCutRatio?: number } {
  return {
    ...('thinkTags' in config && config.thinkTags ? { thinkTags: splitSettings(config).thinkTags } : {}),
    ...('promptCutRatio' in config && config.promptCutRatio !== PROMPT_CUT_RATIO
      ? { promptCutRatio: config.promptCutRatio }
      : {}),
  };
}

export interface SplitReply {
  /** What the task parser reads: the reply with every piece of thinking taken out, trimmed. */
  answer: string;
  /** The thinking, fields first, then tagged text; null when there was none. */
  thinking: string | null;
  /** A start tag with no end: the model stopped while thinking. */
  unclosed: boolean;
}

const HARMONY_TOKENS = /<\|(?:end|return|start|call)\|>(?:assistant)?/g;

/** The text of a thinking field or a content part, whatever its shape: string, list of parts, {text|summary|thinking}. */
function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join('\n');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of ['text', 'thinking', 'reasoning', 'summary', 'content'])
      if (key in o && (typeof o[key] === 'string' || Array.isArray(o[key]))) return textOf(o[key]);
    // An unknown shape is kept as it came, as thinking (it is never read as the answer).
    return JSON.stringify(value);
  }
  return String(value);
}

const THINKING_PART = /^(thinking|reasoning|reasoning_content|reasoning\.text|reasoning\.summary|redacted_thinking)$/;

/** Content as answer text and thinking parts: a string, null, or a list of typed parts (Mistral, Anthropic-like servers). */
function contentParts(content: unknown): { text: string; thinking: string } {
  if (!Array.isArray(content)) return { text: typeof content === 'string' ? content : textOf(content), thinking: '' };
  const text: string[] = [];
  const thinking: string[] = [];
  for (const part of content) {
    const type = typeof part === 'object' && part !== null ? String((part as { type?: unknown }).type ?? '') : '';
    (THINKING_PART.test(type) ? thinking : text).push(textOf(part));
  }
  return { text: text.join(''), thinking: thinking.join('\n') };
}

const lower = (s: string) => s.toLowerCase();

/** Splits a text on the thinking tags: everything up to the last end tag is thinking; a lone start tag opens thinking to the end. */
function splitText(text: string, tags: readonly ThinkTag[]): SplitReply {
  const folded = lower(text);
  let best: { tag: ThinkTag; at: number } | undefined;
  for (const tag of tags) {
    const at = folded.lastIndexOf(lower(tag.close));
    if (at >= 0 && (!best || at + tag.close.length > best.at + best.tag.close.length)) best = { tag, at };
  }
  if (best) {
    const thinking = clean(removeTags(text.slice(0, best.at), tags)).trim();
    // What follows may open thinking again, never closed (`<think>a</think>4<think>b`): that part is thinking too.
    const rest = splitText(clean(text.slice(best.at + best.tag.close.length)), tags);
    const answer = unwrapAnswer(rest.answer).trim();
    const all = [thinking, rest.thinking ?? ''].filter(Boolean).join('\n\n');
    return { answer, thinking: all || null, unclosed: rest.unclosed };
  }
  for (const tag of tags) {
    const at = folded.indexOf(lower(tag.open));
    if (at >= 0) {
      const thinking = clean(removeTags(text.slice(at), tags)).trim();
      return { answer: text.slice(0, at).trim(), thinking: thinking || null, unclosed: true };
    }
  }
  return { answer: text, thinking: null, unclosed: false };
}

/**
 * The text with tags written with a space before `>` (`<think >`, `</think >`) as the tags themselves; a text
 * without such a tag is returned unchanged.
 */
function spacedTags(text: string, tags: readonly ThinkTag[]): string {
  let out = text;
  for (const tag of tags)
    for (const t of [tag.open, tag.close])
      if (/^<[^\s<>]+>$/.test(t)) out = out.replace(new RegExp(`${escape(t.slice(0, -1))}\\s+>`, 'gi'), t);
  return out;
}

/** An answer a model wrapped in `<answer>…</answer>` after its thinking (R1-style training), without the wrapper. */
const unwrapAnswer = (answer: string) => /^\s*<answer>([\s\S]*)<\/answer>\s*$/i.exec(answer)?.[1] ?? answer;

/** The text without any start or end tag (several think blocks before the answer). */
function removeTags(text: string, tags: readonly ThinkTag[]): string {
  let out = text;
  for (const tag of tags) for (const t of [tag.open, tag.close]) out = out.replace(new RegExp(escape(t), 'gi'), '\n');
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const clean = (s: string) => s.replace(HARMONY_TOKENS, '');

/**
 * Splits a reply into thinking and answer. `answer` is the reply's text unchanged when it holds no
 * thinking at all (replayed outputs stay byte for byte), else trimmed. Never throws: a content that is
 * null, a list or an unknown object, a thinking field of any shape, are all read or kept as thinking.
 */
export function splitReply(reply: RawReply, tags: readonly ThinkTag[] = DEFAULT_THINK_TAGS): SplitReply {
  const parts = contentParts(reply.content);
  const split = splitText(spacedTags(parts.text, tags), tags);
  const thinking = [textOf(reply.reasoning).trim(), parts.thinking.trim(), split.thinking ?? '']
    .filter(Boolean)
    .join('\n\n');
  return { ...split, thinking: thinking || null };
}

/**
 * Names a live answer that is no answer, from its split and finish reason: filtered; refused (no answer and
 * OpenAI's `refusal` set); a tool call with no text (`tool_calls`, or finish reason `tool_calls`); thinking cut
 * off at the token limit, or thinking with no answer after it; an answer cut at the limit; an empty reply.
 */
export function incompleteAnswer(
  split: SplitReply,
  finishReason: string | undefined,
  refused = false,
  toolCall = false,
): Incomplete | undefined {
  if (finishReason === 'content_filter') return 'filtered';
  const noAnswer = split.answer.trim() === '';
  if (noAnswer && refused) return 'refused';
  if (noAnswer && (toolCall || finishReason === 'tool_calls' || finishReason === 'function_call')) return 'tool-call';
  if (noAnswer && (split.thinking || split.unclosed))
    return finishReason === 'length' ? 'thinking-cut' : 'thinking-only';
  if (split.unclosed && finishReason === 'length') return 'thinking-cut';
  if (finishReason === 'length') return 'truncated';
  return noAnswer ? 'empty' : undefined;
}

/**
 * A provider's generation with its reply split: `output` becomes the answer, `thinking` what was thought,
 * `incomplete` set for live answers (`live`), never for replayed or baseline ones (scored as released).
 */
export function splitGeneration(g: Generation, live: boolean, tags?: readonly ThinkTag[]): Generation {
  const { reply, ...rest } = g;
  const split = splitReply(reply ?? { content: g.output }, tags);
  const refusal = typeof reply?.refusal === 'string' && reply.refusal.trim() ? reply.refusal.trim() : undefined;
  const incomplete = live
    ? incompleteAnswer(split, g.finishReason, refusal !== undefined, reply?.toolCall)
    : g.incomplete;
  return {
    ...rest,
    output: split.answer,
    thinking: split.thinking ?? undefined,
    incomplete,
    ...(incomplete === 'refused' ? { refusal } : {}),
  };
}
