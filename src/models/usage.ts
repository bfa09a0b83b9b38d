// What a server says a call used (OpenAI's `usage`), checked before anything counts or prices it.
import { z } from 'zod';

/**
 * The most tokens one call can read or write: no model's context holds 100 million (a server that sends 1e15 is
 * wrong, and its figure would price a call at millions of dollars).
 */
export const MAX_CALL_TOKENS = 100_000_000;

const count = z.number().int().min(0).max(MAX_CALL_TOKENS);
/** A field read on its own: a count, or nothing (absent, null, negative, fractional, not a number, too large). */
const field = count.optional().catch(undefined);

const usageSchema = z
  .object({
    prompt_tokens: field,
    completion_tokens: field,
    prompt_tokens_details: z.object({ cached_tokens: field }).nullish().catch(undefined),
    completion_tokens_details: z.object({ reasoning_tokens: field }).nullish().catch(undefined),
  })
  .nullish()
  .catch(undefined);

/** A call's usage as jcb takes it: each count the server sent that is possible, else absent. */
export interface ServerUsage {
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  reasoningTokens?: number;
  /** A field the server sent that is impossible (negative, not an integer, above MAX_CALL_TOKENS, cached above prompt, reasoning above completion): jcb counts it instead. */
  rejected: boolean;
}

/**
 * The usage of a chat completion body's `usage` (any value: absent, null, or an object of any shape). A count is
 * kept only when it is an integer from 0 to MAX_CALL_TOKENS; cached tokens only when not above the prompt's,
 * reasoning tokens only when not above the completion's (OpenAI counts both inside). A dropped field sets
 * `rejected` (a field merely absent does not).
 */
export function readUsage(usage: unknown): ServerUsage {
  const u = usageSchema.parse(usage) ?? {};
  const sent = (v: unknown) => v !== undefined && v !== null;
  const raw = (usage && typeof usage === 'object' ? usage : {}) as Record<string, unknown>;
  const rawDetail = (key: string, f: string) => (raw[key] as Record<string, unknown> | null | undefined)?.[f];
  const input = u.prompt_tokens;
  const output = u.completion_tokens;
  let cached = u.prompt_tokens_details?.cached_tokens;
  let reasoning = u.completion_tokens_details?.reasoning_tokens;
  let rejected =
    (sent(raw.prompt_tokens) && input === undefined) ||
    (sent(raw.completion_tokens) && output === undefined) ||
    (sent(rawDetail('prompt_tokens_details', 'cached_tokens')) && cached === undefined) ||
    (sent(rawDetail('completion_tokens_details', 'reasoning_tokens')) && reasoning === undefined);
  if (cached !== undefined && (input === undefined || cached > input)) [cached, rejected] = [undefined, true];
  if (reasoning !== undefined && (output === undefined || reasoning > output))
    [reasoning, rejected] = [undefined, true];
  return {
    ...(input !== undefined ? { inputTokens: input } : {}),
    ...(output !== undefined ? { outputTokens: output } : {}),
    ...(cached ? { cachedInputTokens: cached } : {}),
    ...(reasoning ? { reasoningTokens: reasoning } : {}),
    rejected,
  };
}
