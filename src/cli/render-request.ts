// Terminal text for what a live run sends and costs: one model's request, a dry run's estimate.
import type { describeRequest } from '../models/request.js';

const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toPrecision(2) : n.toFixed(2)}`;

export function renderModelRequest(r: ReturnType<typeof describeRequest>): string {
  const key = r.apiKeyEnv ? ` (key from ${r.apiKeyEnv})` : '';
  const prices = r.prices
    ? `Prices per million tokens: input ${usd(r.prices.input)}, cached input ${usd(r.prices.cachedInput ?? r.prices.input)}, output ${usd(r.prices.output)}.`
    : 'No prices in the registry: costs are not estimated.';
  return [`${r.alias} (${r.provider}) → POST ${r.url}${key}`, JSON.stringify(r.body, null, 2), prices].join('\n');
}
