// Building the provider a registry entry names.
import { isPrivate, requireMayReceive } from '../policy/data-policy.js';
import type { Release } from '../release/release.js';
import { splitGeneration, splitSettings } from './answer.js';
import { createBaselineProvider } from './baseline.js';
import { createLiveProvider } from './openai.js';
import type { ModelProvider } from './provider.js';
import { loadModels, type ModelConfig } from './registry.js';
import { ReplayModel } from './replay.js';

export interface ProviderContext {
  release: () => Release;
  env: NodeJS.ProcessEnv;
  retryBaseDelayMs?: number;
}

/**
 * The provider a registry entry names. Every one answers through `splitGeneration` (src/models/answer.ts):
 * what a task parser reads is the reply with its thinking taken out, whichever provider it came from. Every
 * request first asks the data policy (a private task's text goes only to an on-premises model): the check is
 * at the request, so no command, button or registry change reaches an external model with it.
 */
export function createProvider(config: ModelConfig, ctx: ProviderContext): ModelProvider {
  const provider = providerFor(config, ctx);
  const live = config.provider === 'openai' || config.provider === 'openai-compatible';
  const tags = splitSettings(config).thinkTags;
  const generate = provider.generate.bind(provider);
  // The same object (a replay is still a ReplayModel), its generate wrapped.
  provider.generate = async (req) => {
    requireMayReceive([req.task], config);
    // The registry as it is now too: an entry changed to external since this provider was built is refused.
    if (isPrivate(req.task))
      requireMayReceive([req.task], currentEntry(config, ctx.env) ?? { ...config, provider: 'openai' });
    return splitGeneration(await generate(req), live, tags);
  };
  return provider;
}

function providerFor(config: ModelConfig, ctx: ProviderContext): ModelProvider {
  switch (config.provider) {
    case 'replay':
      return new ReplayModel(ctx.release(), config);
    case 'baseline':
      return createBaselineProvider(config, ctx.release);
    default:
      return createLiveProvider(config, { env: ctx.env, retryBaseDelayMs: ctx.retryBaseDelayMs });
  }
}

/** The registry's entry for the alias now (re-read when the file changed), or undefined if it is gone or unreadable. */
function currentEntry(config: ModelConfig, env: NodeJS.ProcessEnv): ModelConfig | undefined {
  try {
    return loadModels(env).find((m) => m.alias === config.alias);
  } catch {
    return undefined;
  }
}
