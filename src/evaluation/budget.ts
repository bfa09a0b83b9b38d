// Dry runs and spending limits of live runs: what a run would cost, and a stop when it has cost enough.
import { UserError } from '../errors.js';
import type { ModelProvider } from '../models/provider.js';
import type { LiveModelConfig } from '../models/registry.js';
import type { Release } from '../release/release.js';
import type { Store } from '../store/store.js';
import { buildPrompt } from '../tasks/prompt.js';
import { isSettled } from './answer.js';
import { costUsd, estimateCost, type CostEstimate } from './cost.js';
import type { Item } from './plan.js';

/** The estimate of computing `plan`, leaving out what run `runId` already holds. No call is made. */
export async function dryRun(
  config: LiveModelConfig,
  plan: readonly Item[],
  deps: { release: Release; store: Store; shot: 'one' | 'zero'; runId?: string },
): Promise<CostEstimate> {
  const settled = new Set(
    deps.runId
      ? (await deps.store.documents(deps.runId)).filter(isSettled).map((r) => `${r.task}\u0000${r.doc_id}`)
      : [],
  );
  const todo = plan.filter((it) => !settled.has(`${it.task.id}\u0000${it.doc.id}`));
  // Prompts are built as they are counted, in the estimate's slices.
  const items = function* () {
    for (const it of todo)
      yield {
        prompt: buildPrompt(deps.release, it.task.folder, it.doc, deps.shot),
        gold: it.task.showGold(it.doc.gold),
      };
  };
  return estimateCost(config, plan.length, items());
}

/**
 * The provider, counting what its answers cost; `reached()` once `maxCostUsd` is spent (calls in flight
 * still finish and are stored). Answers from the response cache cost nothing.
 */
export function withBudget(provider: ModelProvider, maxCostUsd: number) {
  const config = provider.config as LiveModelConfig;
  if (!('prices' in config) || !config.prices)
    throw new UserError(
      `--max-cost needs the prices of ${config.alias}.`,
      'Add `prices: { input, cachedInput, output }` (US dollars per million tokens) to its entry in models.yml.',
    );
  const prices = config.prices;
  let spent = 0;
  const metered: ModelProvider = {
    ...provider,
    generate: async (req) => {
      const g = await provider.generate(req);
      spent +=
        costUsd(
          { input: g.inputTokens ?? 0, cachedInput: g.cachedInputTokens ?? 0, output: g.outputTokens ?? 0 },
          prices,
        ) ?? 0;
      return g;
    },
  };
  return { provider: metered, spentUsd: () => spent, reached: async () => spent >= maxCostUsd };
}
