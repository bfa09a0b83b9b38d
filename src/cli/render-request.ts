// Terminal text for what a live run sends and costs: one model's request, a dry run's estimate.
import { estimatedNote, markedCost, tokenFigures } from '../base/format.js';
import { INCOMPLETE_SHOWN, type Incomplete } from '../models/provider.js';
import type { describeRequest } from '../models/request.js';
import type { RunSummary, Services } from '../services/index.js';

const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toPrecision(2) : n.toFixed(2)}`;

export function renderModelRequest(r: ReturnType<typeof describeRequest>): string {
  const key = r.apiKeyEnv ? ` (key from ${r.apiKeyEnv})` : '';
  const prices = r.prices
    ? `Prices per million tokens: input $${r.prices.input}, cached input $${r.prices.cachedInput ?? r.prices.input}, output $${r.prices.output}.`
    : 'No prices in the registry: costs are not estimated.';
  const refused = r.thinkingRefused ? [`Not sent: ${r.thinkingRefused} (a run refuses to start).`] : [];
  return [`${r.alias} (${r.provider}) → POST ${r.url}${key}`, JSON.stringify(r.body, null, 2), prices, ...refused].join(
    '\n',
  );
}

const n = (x: number) => x.toLocaleString('en-US');

export function renderEstimate(e: Awaited<ReturnType<Services['estimate']>>): string {
  const set = e.documentSet === 'paper' ? "the paper's documents" : '--documents all: every row';
  const other = e.other ? [otherChoice(e.other, Boolean(e.offline))] : [];
  if (e.offline)
    return [
      `Dry run of ${e.task} on ${e.model} (${e.shot}-shot${e.offline === 'replay' ? '' : `, ${set}`}): ${n(e.documents)} documents, ${
        e.offline === 'replay' ? 'replayed from the release' : 'answered here'
      }: no requests, $0.`,
      ...other,
    ].join('\n');
  const counted = e.exact
    ? `counted with ${e.encoding}, as the model counts`
    : `estimated with ${e.encoding}: the server's tokenizer may count otherwise`;
  const reasoning = e.reasoningModel ? ', plus reasoning tokens' : '';
  const cost =
    e.expectedCostUsd === null
      ? `Cost: no prices for ${e.model} in models.yml (add prices: { input, cachedInput, output }).`
      : `Cost: about ${usd(e.expectedCostUsd)}${reasoning ? ' plus reasoning' : ''}, at most ${usd(e.maxCostUsd!)} (every answer at its token limit).`;
  return [
    `Dry run of ${e.task} on ${e.model} (${e.shot}-shot, ${set}): no call made.`,
    `Documents ${n(e.documents)} · calls ${n(e.calls)} · prompt tokens ${n(e.promptTokens)} (${counted})`,
    `Expected output tokens ${n(e.expectedOutputTokens)} (answers as long as the gold ones${reasoning}; at most ${n(e.maxOutputTokens)})`,
    cost,
    ...other,
  ].join('\n');
}

/** The other document set's documents and cost, in one line. */
function otherChoice(o: NonNullable<Awaited<ReturnType<Services['estimate']>>['other']>, offline: boolean): string {
  const cost = offline
    ? 'no requests, $0'
    : `${n(o.calls)} calls, ${o.expectedCostUsd === null ? 'cost unknown' : `about ${usd(o.expectedCostUsd)}, at most ${usd(o.maxCostUsd!)}`}`;
  const what = o.documentSet === 'paper' ? "the default, the paper's documents" : 'every row';
  return `With --documents ${o.documentSet} (${what}): ${n(o.documents)} documents, ${cost}.`;
}

/** A run's calls: tokens, cost and how its answers ended, in one or two lines (nothing for replays). */
export function renderUsage(r: Pick<RunSummary, 'usage' | 'answers' | 'incomplete'>): string[] {
  const u = r.usage;
  if (!u.input && !u.output && !Object.keys(r.answers).length) return [];
  const cost = u.costUsd === null ? 'no prices in models.yml' : `cost ${markedCost(u, usd(u.costUsd))}`;
  const ends = Object.entries(r.answers)
    .map(([why, count]) => `${why} ${count}`)
    .join(', ');
  const lines = [`tokens: ${tokenFigures(u)}; ${cost}; answers: ${ends}${estimatedNote(u)}`];
  if (r.incomplete.length)
    lines.push(
      `non-answers (scored as empty; --run asks again): ${r.incomplete
        .slice(0, 5)
        .map((i) => `${i.task} ${i.doc} ${INCOMPLETE_SHOWN[i.why as Incomplete] ?? i.why}`)
        .join(', ')}${r.incomplete.length > 5 ? `, and ${r.incomplete.length - 5} more` : ''}`,
    );
  return lines;
}
