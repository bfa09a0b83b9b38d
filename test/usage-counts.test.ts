// Usage as servers send it (or do not): every figure derived from it (tokens, cost, the --max-cost total, what
// `show` and Slack display) falls back on jcb's own counts, marked, and is never negative (breaker-llm K2, K7).
import fc from 'fast-check';
import nock from 'nock';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESTIMATED_MARK, ESTIMATED_NOTE } from '../src/base/format.js';
import { renderUsage } from '../src/cli/render-request.js';
import { withOwnCounts } from '../src/evaluation/answer.js';
import { costUsd, promptTokens } from '../src/evaluation/cost.js';
import { parseRegistry, type ModelConfig } from '../src/models/registry.js';
import { MAX_CALL_TOKENS, readUsage } from '../src/models/usage.js';
import { createServices } from '../src/services/index.js';
import { releaseDir } from './helpers.js';
import { modelsFile } from './fake-provider.js';
import { nockedServices } from './nocked-services.js';

const dir = releaseDir();
const SERVER = 'http://127.0.0.1:8000';
const PRICES = { input: 100, cachedInput: 10, output: 100 };
const MODELS = `
models:
  priced:
    provider: openai-compatible
    model: fake-model
    baseUrl: ${SERVER}/v1
    maxRetries: 0
    prices: { input: ${PRICES.input}, cachedInput: ${PRICES.cachedInput}, output: ${PRICES.output} }
`;
const config = parseRegistry(MODELS, 'models.yml').find((m) => m.alias === 'priced') as ModelConfig;

describe('readUsage: each usage field kept only when it is possible', () => {
  const full = { prompt_tokens: 100, completion_tokens: 20 };
  it.each([
    ['absent', undefined, {}, false],
    ['null', null, {}, false],
    ['not an object', 'lots', {}, false],
    [
      'whole',
      { ...full, prompt_tokens_details: { cached_tokens: 40 } },
      { inputTokens: 100, cachedInputTokens: 40 },
      false,
    ],
    ['negative completion', { ...full, completion_tokens: -5 }, { inputTokens: 100, outputTokens: undefined }, true],
    ['fractional prompt', { ...full, prompt_tokens: 1.5 }, { inputTokens: undefined }, true],
    ['a string', { ...full, prompt_tokens: '100' }, { inputTokens: undefined }, true],
    ['huge', { ...full, prompt_tokens: 1e15 }, { inputTokens: undefined }, true],
    [
      'cached above prompt',
      { ...full, prompt_tokens_details: { cached_tokens: 1000 } },
      { cachedInputTokens: undefined },
      true,
    ],
    [
      'reasoning above completion',
      { ...full, completion_tokens_details: { reasoning_tokens: 500 } },
      { outputTokens: 20, reasoningTokens: undefined },
      true,
    ],
    ['details null', { ...full, prompt_tokens_details: null }, { inputTokens: 100, outputTokens: 20 }, false],
  ])('%s', (_name, usage, expected, rejected) => {
    const u = readUsage(usage);
    for (const [k, v] of Object.entries(expected)) expect(u[k as keyof typeof u]).toBe(v);
    expect(u.rejected).toBe(rejected);
  });
});

/** Any value a server could put in a usage field. */
const anyCount = fc.oneof(
  fc.integer({ min: -1000, max: 1_000_000 }),
  fc.double(),
  fc.constantFrom(undefined, null, 'x', 1e15, NaN, -0),
);
const anyUsage = fc.oneof(
  fc.anything(),
  fc.record(
    {
      prompt_tokens: anyCount,
      completion_tokens: anyCount,
      prompt_tokens_details: fc.option(fc.record({ cached_tokens: anyCount }, { requiredKeys: [] })),
      completion_tokens_details: fc.option(fc.record({ reasoning_tokens: anyCount }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  ),
);

describe('what a call costs, for any usage a server sends', () => {
  it('is never negative nor NaN, every count is a count, and every dropped or missing figure is marked', () => {
    fc.assert(
      fc.property(anyUsage, fc.string(), (usage, output) => {
        const { rejected, ...u } = readUsage(usage);
        const g = withOwnCounts(
          { output, latencyMs: 1, ...u, ...(rejected ? { usageEstimated: true } : {}) },
          '問題: 答えよ',
          config,
        );
        const cost = costUsd(
          { input: g.inputTokens!, cachedInput: g.cachedInputTokens ?? 0, output: g.outputTokens! },
          PRICES,
        )!;
        expect(cost).toBeGreaterThanOrEqual(0);
        expect(Number.isNaN(cost)).toBe(false);
        for (const n of [g.inputTokens, g.outputTokens, g.cachedInputTokens ?? 0, g.reasoningTokens ?? 0]) {
          expect(Number.isInteger(n) && n! >= 0 && n! <= MAX_CALL_TOKENS).toBe(true);
        }
        expect(g.cachedInputTokens ?? 0).toBeLessThanOrEqual(g.inputTokens!);
        expect(g.reasoningTokens ?? 0).toBeLessThanOrEqual(g.outputTokens!);
        // A figure not taken from the server is marked.
        if (u.inputTokens === undefined || u.outputTokens === undefined || rejected)
          expect(g.usageEstimated).toBe(true);
      }),
    );
  });

  it('costUsd is never negative, never NaN, and grows with prompt and output tokens, whatever is stored', () => {
    const n = fc.oneof(fc.integer({ min: -1e6, max: 1e7 }), fc.double(), fc.constant(NaN));
    fc.assert(
      fc.property(n, n, n, fc.nat(1e6), fc.nat(1e6), (input, cachedInput, output, more, moreOut) => {
        const at = (i: number, o: number) => costUsd({ input: i, cachedInput, output: o }, PRICES)!;
        const c = at(input, output);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(Number.isNaN(c)).toBe(false);
        const grown = [
          Number.isFinite(input) ? input + more : more,
          Number.isFinite(output) ? output + moreOut : moreOut,
        ];
        if (Number.isFinite(input) && input >= 0 && Number.isFinite(output) && output >= 0)
          expect(at(grown[0], grown[1])).toBeGreaterThanOrEqual(c - 1e-12);
      }),
    );
  });

  it('a server without usage: prompt as jcb counts it, output of the text and thinking received', () => {
    const g = withOwnCounts({ output: '答え', thinking: '考える', latencyMs: 1 }, '問題', config);
    expect(g).toMatchObject({
      inputTokens: promptTokens('fake-model', '問題'),
      usageEstimated: true,
      reasoningEstimated: true,
    });
    expect(g.outputTokens).toBeGreaterThan(g.reasoningTokens!);
  });
});

describe.skipIf(!dir)('a priced server that sends no usage, or an impossible one', () => {
  let services: ReturnType<typeof createServices>;
  const serve = (usage: unknown) =>
    nock(SERVER)
      .post('/v1/chat/completions')
      .times(100)
      .reply(200, () => ({
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'fake-model',
        choices: [{ index: 0, message: { role: 'assistant', content: '["アンサー薬"]' }, finish_reason: 'stop' }],
        ...(usage === 'absent' ? {} : { usage }),
      }));
  const live = nockedServices(dir!, () => modelsFile(MODELS));
  beforeAll(() => void ({ services } = live));

  it.each(['absent', null])('usage %s: counted by jcb, marked, and --max-cost stops the run', async (usage) => {
    serve(usage);
    const run = await services.evaluate({
      task: 'mr',
      model: 'priced',
      shot: 'one',
      limit: 5,
      noCache: true,
      maxCost: 0.5,
      concurrency: 1, // one call at a time: four in flight could finish all five documents
    });
    expect(run.spentUsd).toBeGreaterThanOrEqual(0.5);
    const docs = await services.runDocuments(run.run.id);
    expect(docs.length).toBeLessThan(5);
    for (const d of docs) expect(d).toMatchObject({ usage_estimated: 1 });
    const shown = await services.show(run.run.id);
    expect(shown.usage).toMatchObject({ estimated: true });
    expect(shown.usage.input).toBeGreaterThan(1000);
    expect(shown.usage.costUsd).toBeGreaterThanOrEqual(0.5);
    const line = renderUsage(shown).join('\n');
    expect(line).toContain(`tokens: ${ESTIMATED_MARK}`);
    expect(line).toContain(`cost ${ESTIMATED_MARK}$`);
    expect(line.split(ESTIMATED_NOTE)).toHaveLength(2);
  });

  it('cached above prompt and negative output: never a negative cost, marked', async () => {
    serve({ prompt_tokens: 100, completion_tokens: -5, prompt_tokens_details: { cached_tokens: 1000 } });
    const run = await services.evaluate({
      task: 'mr',
      model: 'priced',
      shot: 'one',
      limit: 2,
      noCache: true,
      maxCost: 10,
    });
    expect(run.spentUsd).toBeGreaterThan(0);
    const docs = await services.runDocuments(run.run.id);
    for (const d of docs) {
      expect(d).toMatchObject({ input_tokens: 100, cached_input_tokens: null, usage_estimated: 1 });
      expect(d.output_tokens).toBeGreaterThan(0);
    }
    const shown = await services.show(run.run.id);
    expect(shown.usage.costUsd).toBeGreaterThan(0);
    expect(shown.usage.estimated).toBe(true);
  });

  it('a whole usage is taken as sent, with no mark', async () => {
    serve({ prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 40 } });
    const run = await services.evaluate({ task: 'mr', model: 'priced', shot: 'one', limit: 2, noCache: true });
    const shown = await services.show(run.run.id);
    expect(shown.usage).toMatchObject({ input: 200, cachedInput: 80, output: 40, estimated: false });
    expect(renderUsage(shown).join('\n')).not.toContain(ESTIMATED_MARK);
  });
});
