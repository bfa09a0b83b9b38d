// Open reasoning models behind vLLM, Ollama and SGLang (issue 21), through the real provider path: every
// shape of reply is scored on its answer alone, thinking is stored, counted and exported, a cut prompt is
// caught, and each request states what it does.
import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage } from '@langchain/core/messages';
import nock from 'nock';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runReplies } from '../handlers/blocks/run.js';
import { renderRun } from '../src/cli/render.js';
import { renderModelRequest } from '../src/cli/render-request.js';
import { parseRegistry } from '../src/models/registry.js';
import { findTask } from '../src/evaluation/documents.js';
import { createServices, type RunResult } from '../src/services/index.js';
import type { Parsed } from '../src/tasks/types.js';
import { freshStore, inThreadTokenizer, JCB_BIN, releaseDir, type TestStore } from './helpers.js';
import { nockedServices } from './nocked-services.js';
import { loopbackOpenServer, openServerReply, type Answer, type OpenServer } from './openai-fake.js';

const dir = releaseDir();
const VLLM = 'http://127.0.0.1:8000';
const OLLAMA = 'http://127.0.0.1:11434';
const SGLANG = 'http://127.0.0.1:30000';
const SERVERS: Record<string, OpenServer & { url: string; alias: string }> = {
  vllm: { kind: 'vllm', contextTokens: 131_072, url: VLLM, alias: 'qwen-vllm' },
  ollama: { kind: 'ollama', contextTokens: 131_072, url: OLLAMA, alias: 'qwen-ollama' },
  sglang: { kind: 'sglang', contextTokens: 131_072, url: SGLANG, alias: 'r1-sglang' },
};

const MODELS = `
models:
  gpt-4o: { provider: replay, release: gpt-4o }
  qwen-vllm: { provider: openai-compatible, model: Qwen/Qwen3-8B, baseUrl: ${VLLM}/v1, thinking: on, maxRetries: 0 }
  qwen-ollama: { provider: openai-compatible, model: "qwen3:8b", baseUrl: ${OLLAMA}/v1, thinking: off, maxRetries: 0 }
  r1-sglang:
    provider: openai-compatible
    model: deepseek-ai/DeepSeek-R1-Distill-Qwen-7B
    baseUrl: ${SGLANG}/v1
    server: sglang
    maxRetries: 0
  qwen-budget: { provider: openai-compatible, model: Qwen/Qwen3-8B, baseUrl: ${VLLM}/v1, thinking: budget 512 }
  qwen-greedy-off:
    provider: openai-compatible
    model: Qwen/Qwen3-8B
    baseUrl: ${VLLM}/v1
    temperature: null
    topP: null
  qwen-top-p: { provider: openai-compatible, model: Qwen/Qwen3-8B, baseUrl: ${VLLM}/v1, topP: 0.5, extraBody: { top_p: 0.9 } }
  r1-off: { provider: openai-compatible, model: deepseek-r1:8b, baseUrl: ${OLLAMA}/v1, thinking: off }
  qwen-ollama-budget: { provider: openai-compatible, model: "qwen3:8b", baseUrl: ${OLLAMA}/v1, thinking: budget 512 }
  oss-vllm: { provider: openai-compatible, model: openai/gpt-oss-20b, baseUrl: ${VLLM}/v1, thinking: on }
  llama-think: { provider: openai-compatible, model: meta-llama/Llama-3.1-8B-Instruct, baseUrl: ${VLLM}/v1, thinking: on }
`;

function modelsFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-reasoning-')), 'models.yml');
  writeFileSync(file, MODELS);
  return file;
}

/** Each server stand-in on nock, answering `answer` for every request; the bodies it took. */
function serve(server: OpenServer & { url: string }, answer: (body: Record<string, unknown>) => Answer) {
  const bodies: Record<string, unknown>[] = [];
  nock(server.url)
    .post('/v1/chat/completions')
    .times(1000)
    .reply((_uri, body) => {
      bodies.push(body as Record<string, unknown>);
      const reply = openServerReply(body as Record<string, unknown>, server, answer);
      return [reply.status, reply.body];
    });
  return bodies;
}

/** A misleading thinking per task: read as the answer, it scores otherwise. */
const MISLEADING: Record<string, (gold: string) => string> = {
  examqa: (gold) => `選択肢を比べる。答え: ${gold.includes('1') ? 2 : 1} かな …`,
  'dc-tnm': () => 'T因子: T4 かもしれない\nN因子: N3\nM因子: M1c',
  'ner-d': () => '<d certainty="positive">偽の病名</d>と<d certainty="positive">架空症候群</d>を考える',
  cts: () => 'まず語彙を確認する。これは無関係な下書きの文章である。',
};

/** Every shape of reply the open servers send, with thinking W and answer O; `cut` shapes have no answer. */
const SHAPES: { name: string; server: keyof typeof SERVERS; reply: (w: string, o: string) => Answer; none?: string }[] =
  [
    { name: 'a <think> block', server: 'vllm', reply: (w, o) => ({ content: `<think>${w}</think>\n\n${o}` }) },
    { name: 'a lone </think>', server: 'vllm', reply: (w, o) => ({ content: `${w}\n</think>\n\n${o}` }) },
    { name: 'vLLM `reasoning`', server: 'vllm', reply: (w, o) => ({ content: o, reasoning: w }) },
    { name: 'Ollama `reasoning`', server: 'ollama', reply: (w, o) => ({ content: o, reasoning: w }) },
    { name: 'SGLang `reasoning_content`', server: 'sglang', reply: (w, o) => ({ content: o, reasoning_content: w }) },
    {
      name: 'both names while vLLM renamed',
      server: 'vllm',
      reply: (w, o) => ({ content: o, reasoning: w, reasoning_content: w }),
    },
    {
      name: '`reasoning_details`',
      server: 'vllm',
      reply: (w, o) => ({ content: o, reasoning_details: [{ type: 'reasoning.text', text: w }] }),
    },
    {
      name: 'a field and a block, markers in both',
      server: 'sglang',
      reply: (w, o) => ({ content: `<think>${w}</think>${o}`, reasoning_content: w }),
    },
    { name: '<thinking> tags', server: 'ollama', reply: (w, o) => ({ content: `<thinking>${w}</thinking>\n${o}` }) },
    {
      name: 'typed content parts',
      server: 'vllm',
      reply: (w, o) => ({
        content: [
          { type: 'thinking', thinking: w },
          { type: 'text', text: o },
        ],
      }),
    },
    {
      name: 'gpt-oss harmony, unparsed',
      server: 'vllm',
      reply: (w, o) => ({
        content: `<|channel|>analysis<|message|>${w}<|end|><|start|>assistant<|channel|>final<|message|>${o}<|return|>`,
      }),
    },
    // breaker-llm: the shapes met against a fake server of each kind (notes/breaker-llm.md).
    {
      name: 'a <think> block after blank lines and spaces',
      server: 'vllm',
      reply: (w, o) => ({ content: `\n\n  <think>\n${w}\n</think>\n\n${o}\n` }),
    },
    {
      name: 'nested <think> blocks',
      server: 'sglang',
      reply: (w, o) => ({ content: `<think>${w}<think>${w}</think>さらに</think>${o}` }),
    },
    {
      name: 'repeated <think> blocks',
      server: 'vllm',
      reply: (w, o) => ({ content: `<think>${w}</think>\n<think>${w}</think>\n${o}` }),
    },
    { name: 'upper-case tags', server: 'ollama', reply: (w, o) => ({ content: `<THINK>${w}</THINK>${o}` }) },
    {
      name: 'an empty <think></think> (thinking off) and a field',
      server: 'vllm',
      reply: (w, o) => ({ content: `<think>\n\n</think>\n\n${o}`, reasoning_content: w }),
    },
    { name: 'Ollama `thinking`', server: 'ollama', reply: (w, o) => ({ content: o, thinking: w }) },
    {
      name: 'typed `reasoning` and `output_text` parts',
      server: 'vllm',
      reply: (w, o) => ({
        content: [
          { type: 'reasoning', text: w },
          { type: 'output_text', text: o },
        ],
      }),
    },
    {
      name: 'content null, all in `reasoning_content`, cut at the limit',
      server: 'vllm',
      reply: (w) => ({ content: null, reasoning_content: w, finish_reason: 'length' }),
      none: 'thinking cut off',
    },
    {
      name: 'an unclosed <think> cut at the limit',
      server: 'vllm',
      reply: (w, o) => ({ content: `<think>${w}${o}`, finish_reason: 'length' }),
      none: 'thinking cut off',
    },
    {
      name: 'content null, all in `reasoning`',
      server: 'vllm',
      reply: (w) => ({ content: null, reasoning: w }),
      none: 'answered only in thinking',
    },
    {
      name: 'content "", all in thinking, cut at the limit',
      server: 'ollama',
      reply: (w) => ({ content: '', reasoning: w, finish_reason: 'length' }),
      none: 'thinking cut off',
    },
    {
      name: 'an unclosed <think>',
      server: 'sglang',
      reply: (w) => ({ content: `<think>${w}` }),
      none: 'answered only in thinking',
    },
    {
      name: 'an unknown field shape beside an empty answer',
      server: 'vllm',
      reply: () => ({ content: '', reasoning: { odd: ['shape'] } }),
      none: 'answered only in thinking',
    },
  ];

describe.skipIf(!dir)('open reasoning models, every reply shape, through the provider path', () => {
  let store: TestStore;
  let services: ReturnType<typeof createServices>;
  const models = modelsFile();
  const tokenizer = inThreadTokenizer();
  /** Per task: a released document whose released answer scores above 0, its answer and its score. */
  const picked = new Map<string, RunResult>();

  beforeAll(async () => {
    nock.disableNetConnect();
    store = await freshStore('sqlite');
    services = createServices({
      env: { JCB_DATA_DIR: dir, JCB_MODELS: models, ...store.env },
      tokenizer,
      retryBaseDelayMs: 1,
    });
    for (const task of Object.keys(MISLEADING)) {
      for (let i = 0; i < 40 && !picked.has(task); i++) {
        const pick = createServices({ env: { JCB_DATA_DIR: dir, JCB_MODELS: models }, random: () => i / 40 });
        const replay = await pick.run({ task, model: 'gpt-4o', doc: 'random', shot: 'one' });
        await pick.close();
        if (replay.score > 0 && replay.output.trim() === replay.output) picked.set(task, replay);
      }
    }
  });
  afterAll(async () => {
    await services.close();
    await store.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });
  afterEach(() => nock.cleanAll());

  const scoreOf = async (task: string, gold: unknown, text: string) => {
    const t = findTask(task);
    const parsed = t.parse(text) as Parsed<unknown>;
    const [s] = await t.score([{ gold, parsed }], { tokenize: (texts) => tokenizer.tokenize(texts) });
    return t.headline(t.aggregate([s]));
  };

  for (const task of Object.keys(MISLEADING))
    for (const shape of SHAPES)
      it(`${task}: ${shape.name} (${shape.server}) is scored on the answer alone`, async () => {
        const replay = picked.get(task)!;
        expect(replay, `a ${task} document the replay answers`).toBeDefined();
        const thinking = MISLEADING[task](replay.gold);
        const server = SERVERS[shape.server];
        serve(server, () => shape.reply(thinking, replay.output));
        const live = await services.run({ task, model: server.alias, doc: replay.document.id, shot: 'one' });
        if (shape.none) {
          expect(live.incomplete).toBe(shape.none);
          expect(live.output).toBe('');
          const gold = findTask(task)
            .loadDocuments(services.release())
            .find((d) => d.id === replay.document.id)!.gold;
          expect(live.score).toBe(await scoreOf(task, gold, ''));
        } else {
          expect(live.output).toBe(replay.output);
          expect(live.score).toBe(replay.score);
          expect(live.incomplete).toBeUndefined();
        }
        if (!shape.name.startsWith('an unknown')) expect(live.thinking).toContain(thinking.split('\n')[0]);
      });

  it('the misleading thinking would have changed every score, read as the answer (the test can fail)', async () => {
    for (const [task, replay] of picked) {
      const gold = findTask(task)
        .loadDocuments(services.release())
        .find((d) => d.id === replay.document.id)!.gold;
      const unsplit = `${MISLEADING[task](replay.gold)}\n</think>\n\n${replay.output}`;
      expect(await scoreOf(task, gold, unsplit), task).not.toBe(replay.score);
    }
    expect([...picked.keys()].sort()).toEqual(Object.keys(MISLEADING).sort());
  });
});

describe('how thinking and non-answers are shown', () => {
  const result: RunResult = {
    task: { id: 'examqa', label: 'ExamQA', title: 't', metric: 'accuracy' },
    model: { alias: 'qwen-vllm', label: 'qwen-vllm', provider: 'openai-compatible' },
    shot: 'one',
    document: { id: 'd1', text: '問題' },
    gold: '3',
    output: '',
    thinking: '答え: 1 かな',
    incomplete: 'answered only in thinking',
    parse: { ok: false, problem: 'no option number in the output', shown: '' },
    comparison: { kind: 'labels', gold: '3', predicted: '' },
    metrics: { accuracy: 0 },
    score: 0,
  };

  it('Slack: the thinking is a reply of its own after the answer, never in the output block', () => {
    const replies = runReplies(result);
    const texts = replies.map((m) => JSON.stringify(m.blocks));
    const answer = texts.findIndex((t) => t.includes('Model output'));
    const thinking = texts.findIndex((t) => t.includes('*Thinking* before the answer'));
    expect(thinking).toBeGreaterThan(answer);
    expect(texts[answer]).not.toContain('答え: 1');
    expect(texts[answer]).toContain('answered only in thinking: scored as an empty output');
    expect(texts[thinking]).toContain('答え: 1 かな');
  });

  it('the terminal: a section of its own, and the non-answer named under the output', () => {
    const text = renderRun(result);
    expect(text).toMatch(/── Thinking \(not scored\)[^\n]*\n答え: 1 かな/);
    expect(text).toMatch(/── Output[^\n]*\n\(empty\)\n⚠ answered only in thinking: scored as an empty output/);
  });

  it('models.yml: a thinking value that is none of on, off, budget N is one line naming the key', () => {
    expect(() =>
      parseRegistry(
        'models:\n  q: { provider: openai-compatible, model: qwen3, baseUrl: http://h/v1, thinking: lots }',
        'm.yml',
      ),
    ).toThrow('m.yml: models.q.thinking: on, off or budget N (tokens), e.g. budget 2048');
  });
});

describe('what LangChain keeps of a reply (pinned: why the raw body is read)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  it('keeps `reasoning_content` in additional_kwargs but drops vLLM’s and Ollama’s `reasoning`; the raw body has both', async () => {
    serve(SERVERS.vllm, () => ({ content: '4', reasoning: 'r', reasoning_content: 'rc' }));
    const chat = new ChatOpenAI({
      model: 'm',
      apiKey: 'x',
      maxRetries: 0,
      configuration: { baseURL: `${VLLM}/v1` },
      __includeRawResponse: true,
    });
    const message = await chat.invoke([new HumanMessage('q')]);
    expect(message.content).toBe('4');
    expect(message.additional_kwargs.reasoning_content).toBe('rc');
    expect(message.additional_kwargs).not.toHaveProperty('reasoning');
    const raw = message.additional_kwargs.__raw_response as { choices: { message: Record<string, unknown> }[] };
    expect(raw.choices[0].message).toMatchObject({ reasoning: 'r', reasoning_content: 'rc' });
  });
});

describe.skipIf(!dir)('what each open model is sent', () => {
  const models = modelsFile();
  const services = createServices({ env: { JCB_DATA_DIR: dir, JCB_MODELS: models } });
  afterAll(() => services.close());
  const body = (alias: string) => services.modelRequest(alias).body;

  it.each([
    ['qwen-vllm', { temperature: 0, top_p: 1, max_tokens: 8192, chat_template_kwargs: { enable_thinking: true } }],
    ['qwen-ollama', { temperature: 0, top_p: 1, max_tokens: 1024, reasoning_effort: 'none' }],
    ['r1-sglang', { temperature: 0, top_p: 1, max_tokens: 8192 }],
    ['qwen-budget', { max_tokens: 8192, thinking_token_budget: 512, chat_template_kwargs: { enable_thinking: true } }],
    ['oss-vllm', { temperature: 0, top_p: 1, max_tokens: 8192, reasoning_effort: 'medium' }],
    ['qwen-top-p', { temperature: 0, top_p: 0.9, max_tokens: 1024 }],
  ])('%s states %o', (alias, fields) => {
    expect(body(alias)).toMatchObject(fields);
    expect(services.modelRequest(alias).thinkingRefused).toBeNull();
  });

  it('leaves out what the entry leaves out on purpose (temperature: null, topP: null)', () => {
    expect(body('qwen-greedy-off')).not.toHaveProperty('temperature');
    expect(body('qwen-greedy-off')).not.toHaveProperty('top_p');
    expect(body('qwen-greedy-off')).toMatchObject({ max_tokens: 1024 });
  });

  it('`jcb models <alias>` says what is not sent, under the body', () => {
    expect(renderModelRequest(services.modelRequest('r1-off'))).toMatch(
      /\n"?}?\n?[\s\S]*Not sent: thinking: off cannot be sent to deepseek-r1:8b: it always thinks \(a run refuses to start\)\.$/,
    );
  });

  it.each([
    ['r1-off', /cannot be sent to deepseek-r1:8b: it always thinks/],
    ['qwen-ollama-budget', /only vLLM takes a thinking budget/],
    ['llama-think', /does not know how this family/],
  ])('%s: what the family cannot do is said, nothing else is sent, and a run refuses', async (alias, why) => {
    expect(services.modelRequest(alias).thinkingRefused).toMatch(why);
    expect(JSON.stringify(body(alias))).not.toMatch(/enable_thinking|reasoning_effort|thinking_token_budget/);
    await expect(services.run({ task: 'examqa', model: alias, doc: 'random', shot: 'one' })).rejects.toThrow(why);
  });
});

describe.skipIf(!dir).each(['sqlite', 'postgres'] as const)(
  'a live run against vLLM-like and Ollama-like stand-ins on %s',
  (kind) => {
    let services: ReturnType<typeof createServices>;
    const models = modelsFile();
    const live = nockedServices(dir!, () => models, kind);
    beforeAll(() => void ({ services } = live));

    it('stores the thinking, counts its tokens (estimated), logs and exports it, and keeps it through the cache', async () => {
      const bodies = serve(SERVERS.vllm, () => ({ content: '3', reasoning: '1は禁忌。答え: 1 ではない。' }));
      const run = await services.evaluate({ task: 'examqa', model: 'qwen-vllm', shot: 'one', limit: 3 });
      expect(bodies).toHaveLength(3);
      const docs = await services.runDocuments(run.run.id);
      for (const d of docs) {
        expect(d).toMatchObject({ output: '3', thinking: '1は禁忌。答え: 1 ではない。', reasoning_estimated: 1 });
        expect(d.reasoning_tokens).toBeGreaterThan(5);
      }
      expect((await services.show(run.run.id)).usage.reasoning).toBe(docs.reduce((n, d) => n + d.reasoning_tokens!, 0));
      const samples = (await services.runSamples(run.run.id))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const parsed = findTask('examqa').parse('3').value;
      expect(samples[0]).toMatchObject({
        output: '3',
        parsed,
        parse_ok: true,
        thinking: '1は禁忌。答え: 1 ではない。',
        reasoning_estimated: true,
        // Why it scored what it did, as `jcb run` says it (issue 30).
        explanation: { kind: 'choice', chosen: [3] },
      });
      const out = mkdtempSync(path.join(os.tmpdir(), 'jcb-export-'));
      const [generated] = await services.exportRun(run.run.id, out);
      const rows = JSON.parse(readFileSync(generated, 'utf8')) as Record<string, unknown>[];
      expect(rows[0].thinking).toBe('1は禁忌。答え: 1 ではない。');
      expect(rows[0].explanation).toMatchObject({ kind: 'choice', chosen: [3] });
      const rescored = await services.score(path.join(out, 'generated'));
      expect(rescored[0].score).toBe(run.outcomes[0].score);

      const again = await services.evaluate({ task: 'examqa', model: 'qwen-vllm', shot: 'one', limit: 3 });
      expect(again.cacheHits).toBe(3);
      expect((await services.runDocuments(again.run.id)).map((d) => d.thinking)).toEqual(docs.map((d) => d.thinking));
    });

    it('reasoning tokens the server reports are taken as reported, not estimated', async () => {
      serve(SERVERS.vllm, () => ({
        content: '3',
        reasoning: '考える',
        usage: { prompt_tokens: 5000, completion_tokens: 40, completion_tokens_details: { reasoning_tokens: 37 } },
      }));
      const run = await services.evaluate({ task: 'examqa', model: 'qwen-vllm', shot: 'one', limit: 1, noCache: true });
      expect((await services.runDocuments(run.run.id))[0]).toMatchObject({
        reasoning_tokens: 37,
        reasoning_estimated: null,
      });
    });

    it('a prompt Ollama cut is marked, not scored as an answer, never cached, and told once with num_ctx', async () => {
      const ollama = { ...SERVERS.ollama, contextTokens: 300 };
      serve(ollama, () => ({ content: '3' }));
      const notices: string[] = [];
      const run = await services.evaluate(
        { task: 'examqa', model: 'qwen-ollama', shot: 'one', limit: 3 },
        undefined,
        undefined,
        (line) => notices.push(line),
      );
      const docs = await services.runDocuments(run.run.id);
      expect(docs.map((d) => d.incomplete)).toEqual(['prompt-cut', 'prompt-cut', 'prompt-cut']);
      expect(run.outcomes[0]).toMatchObject({ noAnswer: 3, score: 0 });
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/prompt cut by the server: qwen-ollama read 300 prompt tokens of about \d+ .*num_ctx/);
      // Asked again on resume, and answered in full once the server's context is long enough.
      nock.cleanAll();
      serve(SERVERS.ollama, () => ({ content: '3' }));
      const resumed = await services.evaluate({
        task: 'examqa',
        model: 'qwen-ollama',
        shot: 'one',
        limit: 3,
        runId: run.run.id,
      });
      expect(resumed.computed).toBe(3);
      expect(resumed.outcomes[0].noAnswer).toBe(0);
    });

    it('vLLM refuses a prompt over its context: the document fails with its message, the run goes on', async () => {
      serve({ ...SERVERS.vllm, contextTokens: 300 }, () => ({ content: '3' }));
      const run = await services.evaluate({ task: 'examqa', model: 'qwen-vllm', shot: 'one', limit: 1, noCache: true });
      const [doc] = await services.runDocuments(run.run.id);
      expect(doc.status).toBe('failed');
      expect(doc.error).toMatch(/maximum context length is 300 tokens/);
    });
  },
);

function jcb(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [JCB_BIN, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe.skipIf(!dir)('jcb eval against open servers on loopback ports', () => {
  it('Ollama with a short context: each document marked, one line naming num_ctx, the no-answer column', async () => {
    const ollama = await loopbackOpenServer({ kind: 'ollama', contextTokens: 300 }, () => ({ content: '3' }));
    const vllm = await loopbackOpenServer({ kind: 'vllm', contextTokens: 131_072 }, () => ({
      content: '<think>答え: 1 かな</think>3',
    }));
    try {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'jcb-reasoning-cli-'));
      const models = path.join(folder, 'models.yml');
      writeFileSync(
        models,
        `models:\n  q-ollama: { provider: openai-compatible, model: "qwen3:8b", baseUrl: ${ollama.url}, server: ollama, thinking: off }\n` +
          `  q-vllm: { provider: openai-compatible, model: Qwen/Qwen3-8B, baseUrl: ${vllm.url}, thinking: on }\n`,
      );
      const env = { JCB_DATA_DIR: dir!, JCB_STORE: path.join(folder, 'jcb.sqlite'), JCB_MODELS: models };
      const cut = await jcb(['eval', 'examqa', 'q-ollama', '--limit', '2'], env);
      expect(cut.code).toBe(0);
      expect(cut.err.match(/jcb: prompt cut by the server/g)).toHaveLength(1);
      expect(cut.err).toMatch(/Ollama: num_ctx/);
      expect(cut.out).toMatch(/no answer[\s\S]*examqa\s+2\s+0\s+\d+\s+2\s/);
      expect(ollama.bodies[0]).toMatchObject({ temperature: 0, top_p: 1, max_tokens: 1024, reasoning_effort: 'none' });

      const samples = path.join(folder, 'samples.jsonl');
      const read = await jcb(['eval', 'examqa', 'q-vllm', '--limit', '2', '--log-samples', samples], env);
      expect(read.code).toBe(0);
      expect(read.err).not.toMatch(/prompt cut/);
      const lines = readFileSync(samples, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => [l.output, l.thinking, l.reasoning_estimated])).toEqual([
        ['3', '答え: 1 かな', true],
        ['3', '答え: 1 かな', true],
      ]);
      expect(vllm.bodies[0]).toMatchObject({ chat_template_kwargs: { enable_thinking: true }, max_tokens: 8192 });
    } finally {
      await ollama.close();
      await vllm.close();
    }
  });
});
