// Building the provider a registry entry names.
import type { Release } from '../release/release.js';
import { DEFAULT_THINK_TAGS, splitGeneration } from './answer.js';
import { createBaselineProvider } from './baseline.js';
import { createLiveProvider } from './openai.js';
import type { ModelProvider } from './provider.js';
import type { ModelConfig } from './registry.js';
import { ReplayModel } from './replay.js';

export interface ProviderContext {
  release: () => Release;
  env: NodeJS.ProcessEnv;
  retryBaseDelayMs?: number;
}

/**
 * The provider a registry entry names. Every one answers through `splitGeneration` (src/models/answer.ts):
 * what a task parser reads is the reply with its thinking taken out, whichever provider it came from.
 */
export function createProvider(config: ModelConfig, ctx: ProviderContext): ModelProvider {
  const provider = providerFor(config, ctx);
  const live = config.provider === 'openai' || config.provider === 'openai-compatible';
  const tags = ('thinkTags' in config && config.thinkTags) || DEFAULT_THINK_TAGS;
  const generate = provider.generate.bind(provider);
  // The same object (a replay is still a ReplayModel), its generate wrapped.
  provider.generate = async (req) => splitGeneration(await generate(req), live, tags);
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
