// Building the provider a registry entry names.
import type { Release } from '../release/release.js';
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

export function createProvider(config: ModelConfig, ctx: ProviderContext): ModelProvider {
  switch (config.provider) {
    case 'replay':
      return new ReplayModel(ctx.release(), config);
    case 'baseline':
      return createBaselineProvider(config, ctx.release);
    default:
      return createLiveProvider(config, { env: ctx.env, retryBaseDelayMs: ctx.retryBaseDelayMs });
  }
}
