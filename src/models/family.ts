// Which family a live model belongs to, from its name: the family decides what its API accepts.

/**
 * The name a model's family is told from: lower-case, without a leading `vendor/` segment
 * (OpenRouter's `openai/gpt-5`, a vLLM or proxy name), so `GPT-5` and `openai/gpt-5` are `gpt-5`.
 */
export function familyName(model: string): string {
  return model.replace(/^[^/]*\//, '').toLowerCase();
}

/**
 * OpenAI's reasoning models (gpt-5*, except gpt-5-chat*, and o1*, o3*, o4*...), whatever the case and
 * with or without a `vendor/` prefix (see familyName): they refuse any temperature but the default
 * (HTTP 400) and take `max_completion_tokens`, which their reasoning tokens count against. The rule of
 * LangChain's `isReasoningModel`, which applies it to the exact name only (see src/models/request.ts).
 */
export function isReasoningFamily(model: string): boolean {
  const name = familyName(model);
  return /^o\d/.test(name) || (name.startsWith('gpt-5') && !name.startsWith('gpt-5-chat'));
}

/** Body fields the registry sets through its own keys, never through `extraBody`. */
export const OWN_FIELDS = ['model', 'messages', 'stream', 'temperature', 'max_tokens', 'max_completion_tokens'];
