// Dry runs and spending limits of live runs: what a run would cost, and a stop when it has cost enough.
import { UserError } from '../base/errors.js';
import type { ModelProvider } from '../models/provider.js';
import type { LiveModelConfig, ModelConfig } from '../models/registry.js';
import type { Release } from '../release/release.js';
import type { Run, Store } from '../store/store.js';
import { buildPrompt } from '../tasks/prompt.js';
import { isSettled, withOwnCounts } from './answer.js';
import { costUsd, estimateCost, type CostEstimate, type Prices } from './cost.js';
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
        prompt: buildPrompt(deps.release, it.task, it.doc, deps.shot),
        gold: it.task.showGold(it.doc.gold),
      };
  };
  return estimateCost(config, plan.length, items());
}

/**
 * The prices `--max-cost` counts with. Errors: UserError for a model without them (a replay, the
 * baseline, or a live entry without `prices` in models.yml).
 */
export function budgetPrices(config: ModelConfig): Prices {
  // A replay or the baseline sends nothing and costs nothing: no price would make --max-cost mean anything.
  if (config.provider === 'replay' || config.provider === 'baseline')
    throw new UserError(
      `--max-cost is for live models: ${config.alias} is ${config.provider === 'replay' ? 'replayed' : 'the baseline'} and costs nothing.`,
      'Leave out --max-cost.',
    );
  if (!('prices' in config) || !config.prices)
    throw new UserError(
      `--max-cost needs the prices of ${config.alias}.`,
      'Leave out --max-cost, or ask whoever runs jcb to add its prices.',
      {
        hint: 'Add `prices: { input, cachedInput, output }` (US dollars per million tokens) to its entry in models.yml.',
      },
    );
  return config.prices;
}

/**
 * The provider, counting what its answers cost; `reached()` once `maxCostUsd` is spent (calls in flight
 * still finish and are stored). Answers from the response cache cost nothing. Usage a server left out or sent
 * impossible is counted by jcb (withOwnCounts), never taken as free; the answers come back with those counts.
 */
export function withBudget(provider: ModelProvider, maxCostUsd: number) {
  const prices = budgetPrices(provider.config);
  let spent = 0;
  const metered: ModelProvider = {
    ...provider,
    generate: async (req) => {
      const g = withOwnCounts(await provider.generate(req), req.prompt, provider.config);
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

/**
 * What a queued run has spent against its `--max-cost` (US dollars): the documents a provider answered
 * (not the cache) and stored since the limit was set (runs.budget_since), at `prices`. Every worker
 * reads it from the store, so the limit holds across workers and machines; 0 for a run without one.
 */
export async function queuedSpendUsd(store: Store, run: Run, prices: Prices | undefined): Promise<number> {
  if (run.budget_since === null) return 0;
  const sums = await store.query((db) =>
    db
      .selectFrom('run_documents')
      .select((eb) => [
        eb.fn.sum<string | number>('input_tokens').as('input'),
        eb.fn.sum<string | number>('cached_input_tokens').as('cachedInput'),
        eb.fn.sum<string | number>('output_tokens').as('output'),
      ])
      .where('run_id', '=', run.id)
      .where('status', '=', 'done')
      .where('cached', '=', 0)
      .where('finished_at', '>=', run.budget_since!)
      .executeTakeFirst(),
  );
  const usage = {
    input: Number(sums?.input ?? 0),
    cachedInput: Number(sums?.cachedInput ?? 0),
    output: Number(sums?.output ?? 0),
  };
  return costUsd(usage, prices) ?? 0;
}
