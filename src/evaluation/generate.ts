// A document's generation, through the response cache: a live model is asked once per prompt, fingerprint and
// answer split; a resumed or repeated run reads the stored answer.
import { createHash } from 'node:crypto';
import type { Generation, ModelProvider } from '../models/provider.js';
import { cachedSplit } from '../models/answer.js';
import type { Shot } from '../tasks/types.js';
import { promptCut, withOwnCounts } from './answer.js';
import type { Store } from '../store/store.js';
import type { Item } from './plan.js';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The content address of `provider`'s response to `prompt`: what it is asked (provider, model, server,
 * parameters: its fingerprint; the prompt) and how its answer is read (the split: cachedSplit), never a key.
 * Undefined for a provider that is not cached (replay, baseline).
 */
export function responseKey(provider: ModelProvider, prompt: string): string | undefined {
  if (!provider.fingerprint) return undefined;
  // The answer is cached split: an entry's own think tags (and cut-prompt ratio) are part of what it was made with.
  return sha256(JSON.stringify({ ...provider.fingerprint, ...cachedSplit(provider.config), prompt }));
}

/** The generation of `item` for `prompt`: from the cache when stored there, else asked and then cached. */
export async function generateCached(
  provider: ModelProvider,
  item: Item,
  opts: { shot: Shot; noCache?: boolean; onRetry?: () => void; onCut?: (line: string) => void },
  prompt: string,
  deps: { store: Store; signal?: AbortSignal },
) {
  const key = opts.noCache ? undefined : responseKey(provider, prompt);
  if (key) {
    const hit = await deps.store.cached(key);
    if (hit) {
      const generation: Generation = {
        output: hit.output,
        thinking: hit.thinking ?? undefined,
        inputTokens: hit.input_tokens ?? undefined,
        outputTokens: hit.output_tokens ?? undefined,
        latencyMs: 0,
      };
      return { generation, cached: true };
    }
  }
  let generation = await provider.generate({
    task: item.task,
    document: item.doc,
    shot: opts.shot,
    prompt,
    signal: deps.signal,
    onRetry: opts.onRetry,
  });
  const cut = promptCut(generation, prompt, provider.config);
  if (cut) {
    generation = cut.generation;
    opts.onCut?.(cut.line);
  }
  // After the cut check, which reads the server's own prompt count only.
  generation = withOwnCounts(generation, prompt, provider.config);
  if (key && !generation.incomplete)
    await deps.store.cache(key, {
      output: generation.output,
      thinking: generation.thinking ?? null,
      input_tokens: generation.inputTokens ?? null,
      output_tokens: generation.outputTokens ?? null,
    });
  return { generation, cached: false };
}
