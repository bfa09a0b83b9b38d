// Which family a live model belongs to, from its name: the family decides what its API accepts.

/**
 * OpenAI's reasoning models (gpt-5*, except gpt-5-chat*, and o1*, o3*, o4*...): they refuse any
 * temperature but the default (HTTP 400) and take `max_completion_tokens`, which their reasoning
 * tokens count against. The same rule as LangChain's `isReasoningModel`, which picks the token field.
 */
export function isReasoningFamily(model: string): boolean {
  return /^o\d/.test(model) || (model.startsWith('gpt-5') && !model.startsWith('gpt-5-chat'));
}

/** Body fields the registry sets through its own keys, never through `extraBody`. */
export const OWN_FIELDS = ['model', 'messages', 'stream', 'temperature', 'max_tokens', 'max_completion_tokens'];
