// Live models as the real APIs answer them: per-family request bodies, non-answers, bodies that are not JSON.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { estimateCost, promptTokens, tokenCounter } from '../src/evaluation/cost.js';
import { liveModel, parseRegistry } from '../src/models/registry.js';
import { createServices } from '../src/services/index.js';
import { fakeOpenAI, modelsFile, OPENAI, servicesOverNock } from './fake-provider.js';
import { FIXTURE_ENV, inThreadTokenizer } from './helpers.js';
import { completion, type Answer } from './openai-fake.js';

const VLLM = 'http://127.0.0.1:8000';

const MODELS = `
models:
  g4o: { provider: openai, model: gpt-4o, apiKeyEnv: TEST_OPENAI_KEY, maxRetries: 2 }
  g5: { provider: openai, model: gpt-5, apiKeyEnv: TEST_OPENAI_KEY, maxTokens: 4096, maxRetries: 2 }
  o3: { provider: openai, model: o3-mini, apiKeyEnv: TEST_OPENAI_KEY, reasoningEffort: low, maxRetries: 0 }
  g4o-free: { provider: openai, model: gpt-4o, apiKeyEnv: TEST_OPENAI_KEY, temperature: null, maxRetries: 0 }
  g5-upper: { provider: openai, model: GPT-5, apiKeyEnv: TEST_OPENAI_KEY, maxRetries: 0 }
  g5-vendor: { provider: openai, model: openai/gpt-5, apiKeyEnv: TEST_OPENAI_KEY, reasoningEffort: minimal, maxRetries: 0 }
  o3-upper: { provider: openai, model: O3-mini, apiKeyEnv: TEST_OPENAI_KEY, reasoningEffort: high, maxRetries: 0 }
  g5-chat: { provider: openai, model: openai/GPT-5-chat-latest, apiKeyEnv: TEST_OPENAI_KEY, maxRetries: 0 }
  vllm:
    provider: openai-compatible
    model: llm-jp/llm-jp-3-8x13b-instruct3
    baseUrl: ${VLLM}/v1
    maxRetries: 1
    extraBody: { top_p: 0.95, repetition_penalty: 1.05, chat_template_kwargs: { enable_thinking: false } }
`;

const MR_ANSWER: Answer = { content: '["ニトログリセリン", "アスピリン"]' };

describe('per-family request parameters', () => {
  const models = modelsFile(MODELS);
  const t = servicesOverNock('sqlite', { JCB_MODELS: models, TEST_OPENAI_KEY: 'sk-test' });

  it.each([
    ['g4o', { model: 'gpt-4o', temperature: 0, max_tokens: 1024 }],
    ['g5', { model: 'gpt-5', max_completion_tokens: 4096 }],
    ['o3', { model: 'o3-mini', reasoning_effort: 'low', max_completion_tokens: 8192 }],
    ['g4o-free', { model: 'gpt-4o', max_tokens: 1024 }],
    // Upper case and a vendor prefix (OpenRouter, vLLM) name the same reasoning models.
    ['g5-upper', { model: 'GPT-5', max_completion_tokens: 8192 }],
    ['g5-vendor', { model: 'openai/gpt-5', reasoning_effort: 'minimal', max_completion_tokens: 8192 }],
    ['o3-upper', { model: 'O3-mini', reasoning_effort: 'high', max_completion_tokens: 8192 }],
    ['g5-chat', { model: 'openai/GPT-5-chat-latest', temperature: 0, max_tokens: 1024 }],
  ])('%s sends the body its family takes, the one `jcb models <alias>` shows', async (alias, fields) => {
    const { scope, bodies } = fakeOpenAI(() => MR_ANSWER, 2);
    const result = await t.services.evaluate({ task: 'mr', model: alias, shot: 'zero', limit: 1 });
    expect(scope.isDone()).toBe(false); // one of two answers used: limit 1
    expect(result.outcomes[0]).toMatchObject({ n: 1, failed: 0 });
    const [body] = bodies;
    expect(body).toEqual({ ...fields, stream: false, messages: [{ role: 'user', content: expect.any(String) }] });
    const shown = t.services.modelRequest(alias);
    expect(shown.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(t.services.modelRequest(alias).body).toEqual({
      ...body,
      messages: [{ role: 'user', content: '<the prompt>' }],
    });
  });

  it('sends an OpenAI-compatible server its extra body parameters, without a key', async () => {
    const bodies: Record<string, unknown>[] = [];
    nock(VLLM)
      .post('/v1/chat/completions')
      .reply(200, (_uri, body) => (bodies.push(body as never), completion('llm-jp', MR_ANSWER)));
    const result = await t.services.evaluate({ task: 'mr', model: 'vllm', shot: 'zero', limit: 1 });
    expect(result.outcomes[0]).toMatchObject({ n: 1, failed: 0 });
    expect(bodies[0]).toEqual({
      model: 'llm-jp/llm-jp-3-8x13b-instruct3',
      temperature: 0,
      top_p: 0.95,
      repetition_penalty: 1.05,
      chat_template_kwargs: { enable_thinking: false },
      max_tokens: 1024,
      stream: false,
      messages: [{ role: 'user', content: expect.any(String) }],
    });
    expect(t.services.modelRequest('vllm')).toMatchObject({ url: `${VLLM}/v1/chat/completions`, apiKeyEnv: null });
  });

  it('the stand-in refuses what the real API refuses: temperature 0 to gpt-5, a wrong key', async () => {
    fakeOpenAI(() => MR_ANSWER, 2);
    // The registry refuses such an entry (below), so the request is made by hand.
    const hot = await fetch(`${OPENAI}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5', temperature: 0, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(hot.status).toBe(400);
    expect(JSON.stringify(await hot.json())).toMatch(/'temperature' does not support 0 with this model/);
    const wrongKey = createServices({
      env: { ...FIXTURE_ENV, JCB_MODELS: models, TEST_OPENAI_KEY: 'sk-wrong', ...t.store.env },
      tokenizer: inThreadTokenizer(),
    });
    const refused = await wrongKey.evaluate({ task: 'mr', model: 'g4o', shot: 'zero', limit: 1 });
    // A key refused stops the run before it stores the document (test/configuration-failures.test.ts).
    expect(refused.misconfigured?.error).toMatch(/^g4o: 401 from the provider: invalid API key/);
    await wrongKey.close();
  });

  it('refuses registry entries the API would refuse, in one line', () => {
    const bad = (entry: string) =>
      createServices({ env: { JCB_MODELS: modelsFile(`models:\n  x: ${entry}\n`) } }).models();
    expect(() => bad('{ provider: openai, model: gpt-4o, reasoningEffort: low }')).toThrow(
      /models\.x\.reasoningEffort: only reasoning models/,
    );
    expect(() =>
      bad('{ provider: openai-compatible, model: m, baseUrl: "http://h/v1", extraBody: { max_tokens: 5 } }'),
    ).toThrow(/extraBody may not set .*max_tokens/);
    expect(() => bad('{ provider: openai, model: gpt-5, temperature: 0 }')).toThrow(
      /models\.x\.temperature: reasoning models .* refuse any temperature but the default/,
    );
    expect(() => bad('{ provider: openai, model: gpt-5, temperature: 1 }')).not.toThrow();
    for (const model of ['GPT-5', 'openai/gpt-5-mini', 'O3-mini', 'openai/o4-mini'])
      expect(() =>
        bad(`{ provider: openai-compatible, model: ${model}, baseUrl: "http://h/v1", temperature: 0 }`),
      ).toThrow(/models\.x\.temperature: reasoning models/);
    expect(() => bad('{ provider: openai, model: OpenAI/GPT-5, reasoningEffort: low }')).not.toThrow();
    expect(() => bad('{ provider: openai, model: openai/gpt-5-chat-latest, temperature: 0 }')).not.toThrow();
    expect(() => bad('{ provider: openai, model: openai/gpt-5-chat-latest, reasoningEffort: low }')).toThrow(
      /only reasoning models/,
    );
    expect(() => bad('{ provider: openai, model: gpt-4o, temperature: 0 }')).not.toThrow();
    expect(() => createServices({ env: { JCB_MODELS: modelsFile(MODELS) } }).modelRequest('nope')).toThrow(/Unknown model/);
  });

  it('counts the prompt tokens of a vendor-prefixed or upper-case OpenAI name with its own encoding', () => {
    expect(tokenCounter('openai/GPT-4o')).toMatchObject({ exact: true, encoding: 'o200k_base' });
    expect(tokenCounter('OpenAI/gpt-4')).toMatchObject({ exact: true, encoding: 'cl100k_base' });
    expect(tokenCounter('llm-jp/llm-jp-3-8x13b-instruct3')).toMatchObject({ exact: false, encoding: 'o200k_base' });
  });

  it('counts a prompt line by line (instructions once a process) to the same figure as the whole text', () => {
    // Junctions where a piece of the encodings could span a line break: punctuation, spaces, `/`, CRLF, blank lines.
    const lines = ['### 説明', '入力文: 患者は胸痛。', '  字下げ', '/path', 'a/b。', ' \t', '', "it's", '1234', '「引用」', '\u3000全角', '😀 絵'];
    for (const model of ['gpt-4o', 'gpt-4', 'llm-jp/llm-jp-3-8x13b-instruct3']) {
      const counter = tokenCounter(model);
      for (let i = 0; i < 300; i++) {
        const text = Array.from({ length: 1 + (i % 9) }, (_, k) => lines[(i * 7 + k * 3) % lines.length])
          .join(['\n', '\r\n', '\n\n', ' \n'][i % 4])
          .concat(i % 2 ? '\n' : '');
        expect(promptTokens(model, text)).toBe(counter.count(text) + 7);
      }
    }
  });

  it('counts a large estimate in slices: timers run meanwhile, and the figures are those of counting at once', async () => {
    const [config] = parseRegistry(
      'models:\n  g: { provider: openai, model: gpt-4o, prices: { input: 2.5, output: 10 } }\n',
      't',
    );
    // Distinct texts (nothing memoized yet), long enough to take far more than one 20 ms slice.
    const items = Array.from({ length: 400 }, (_, i) => ({
      prompt: `症例${i}: 患者は胸痛を訴え救急外来を受診した。`.repeat(150),
      gold: `["ニトログリセリン${i}"]`,
    }));
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    const estimate = await estimateCost(liveModel(config), 400, items);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    const counter = tokenCounter('gpt-4o');
    const prompt = items.reduce((n, it) => n + counter.count(it.prompt) + 7, 0);
    const gold = items.reduce((n, it) => n + counter.count(it.gold), 0);
    expect(estimate).toMatchObject({ calls: 400, promptTokens: prompt, expectedOutputTokens: gold, exact: true });
    // Counted again (memoized): the same figures.
    expect(await estimateCost(liveModel(config), 400, items)).toEqual(estimate);
  });

  it('retries a response body that is not JSON, like a 5xx', async () => {
    const scope = nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(200, '<html>502 Bad Gateway</html>', { 'content-type': 'application/json' })
      .post('/v1/chat/completions')
      .reply(200, completion('gpt-4o', MR_ANSWER));
    const result = await t.services.evaluate({ task: 'mr', model: 'g4o', shot: 'zero', limit: 1 });
    expect(scope.isDone()).toBe(true);
    expect(result.outcomes[0]).toMatchObject({ n: 1, failed: 0 });
  });
});

describe.each(['sqlite', 'postgres'] as const)('live non-answers on %s', (kind) => {
  const models = modelsFile(MODELS);
  const t = servicesOverNock(kind, { JCB_MODELS: models, TEST_OPENAI_KEY: 'sk-test' });

  it('an empty answer, then a good one: --run calls the provider again and scores it', async () => {
    const empty = fakeOpenAI(() => ({ content: '', finish_reason: 'length' }), 2);
    const first = await t.services.evaluate({ task: 'mr', model: 'g5', shot: 'one' });
    expect(empty.scope.isDone()).toBe(true);
    // Scored as the release scores an empty output (a list task: nothing predicted).
    expect(first.outcomes[0]).toMatchObject({ n: 2, failed: 0, score: 0 });
    const shown = await t.services.show(first.run.id);
    expect(shown.incomplete).toEqual([
      { task: 'mr', doc: 'A_p1', why: 'truncated' },
      { task: 'mr', doc: 'B_p1', why: 'truncated' },
    ]);
    const good = fakeOpenAI(() => MR_ANSWER, 2);
    const again = await t.services.evaluate({ task: 'mr', model: 'g5', shot: 'one', runId: first.run.id });
    expect(good.scope.isDone()).toBe(true); // called again: nothing was cached
    expect(again.computed).toBe(2);
    expect(again.outcomes[0]).toMatchObject({ n: 2, failed: 0, metrics: expect.objectContaining({ recall: 0.5 }) });
    expect((await t.services.show(first.run.id)).incomplete).toEqual([]);
    // The good answers are cached; a third run calls nothing.
    const third = await t.services.evaluate({ task: 'mr', model: 'g5', shot: 'one' });
    expect(third.cacheHits).toBe(2);
  });

  it('stores finish reason and usage: cached prompt tokens and reasoning tokens', async () => {
    fakeOpenAI(() => MR_ANSWER, 1);
    const run = await t.services.evaluate({ task: 'mr', model: 'g5', shot: 'one', limit: 1 });
    const shown = await t.services.show(run.run.id);
    expect(shown.usage).toMatchObject({ input: 100, cachedInput: 40, output: 20, reasoning: 12 });
    expect(shown.answers).toEqual({ stop: 1 });
    const board = await t.services.leaderboard('one', 'runs');
    const mr = board.columns.findIndex((c) => c.id === 'mr');
    expect(board.rows.find((r) => r.model === 'g5')!.usage![mr]).toMatchObject({ input: 100, output: 20 });
  });

  it('names a filtered answer and never caches it', async () => {
    const filtered = fakeOpenAI(() => ({ content: '', finish_reason: 'content_filter' }), 2);
    await t.services.evaluate({ task: 'mr', model: 'g4o', shot: 'one', limit: 1 });
    const second = await t.services.evaluate({ task: 'mr', model: 'g4o', shot: 'one', limit: 1 });
    expect(filtered.scope.isDone()).toBe(true);
    expect(second.cacheHits).toBe(0);
    expect((await t.services.show(second.run.id)).incomplete).toEqual([{ task: 'mr', doc: 'A_p1', why: 'filtered' }]);
  });
});
