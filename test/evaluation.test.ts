// Evaluation runs against nock standing in for OpenAI and an OpenAI-compatible server, on both stores.
import nock from 'nock';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import {
  FIXTURE_ENV,
  FIXTURE_RELEASE,
  freshStore,
  inThreadTokenizer,
  testModelsFile,
  type TestStore,
  chatCompletion,
} from './helpers.js';

const OPENAI = 'https://api.openai.com';
const LOCAL = 'http://127.0.0.1:8000';

/** Answers the fixture's MR documents: the right drug for A_p1, a half-right list for B_p1. */
function mrAnswer(body: { messages: { content: string }[] }): string {
  const prompt = body.messages.map((m) => m.content).join('\n');
  return prompt.includes('胸が痛い') ? '["ニトログリセリン", "アスピリン"]' : '["W", "X"]';
}

describe.each(['sqlite', 'postgres'] as const)('evaluation runs on %s', (kind) => {
  let store: TestStore;
  let services: ReturnType<typeof createServices>;
  const models = testModelsFile();

  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  // Each test on an empty store, so that no response cache carries over.
  beforeEach(async () => {
    store = await freshStore(kind);
    services = createServices({
      env: { ...FIXTURE_ENV, JCB_MODELS: models, TEST_OPENAI_KEY: 'sk-test', ...store.env },
      tokenizer: inThreadTokenizer(),
      retryBaseDelayMs: 1,
    });
  });
  afterEach(async () => {
    await services.close();
    await store.drop();
    nock.cleanAll();
  });

  it('evaluates through OpenAI: prompts, outputs, scores, tokens and latency stored', async () => {
    const api = nock(OPENAI)
      .post('/v1/chat/completions')
      .times(2)
      .matchHeader('authorization', 'Bearer sk-test')
      .reply(200, (_uri, body) => chatCompletion(mrAnswer(body as never)));
    const result = await services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(api.isDone()).toBe(true);
    expect(result.outcomes).toEqual([
      expect.objectContaining({
        task: 'mr',
        n: 2,
        failed: 0,
        metrics: { _precision: 0.75, recall: 1, _f1: expect.closeTo(5 / 6, 12), _accuracy: 1 },
      }),
    ]);
    const shown = await services.show(result.run.id);
    expect(shown.run).toMatchObject({ model: 'openai-test', provider: 'openai', status: 'finished' });
    expect(JSON.parse(shown.run.engine)).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(JSON.stringify(shown.run)).not.toContain('sk-test');
    expect(shown.documents).toEqual({ done: 2, failed: 0, cached: 0 });
  });

  it('retries a 429 after its Retry-After, then succeeds', async () => {
    const api = nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(429, { error: { message: 'slow down' } }, { 'retry-after': '0' })
      .post('/v1/chat/completions')
      .times(2)
      .reply(200, (_uri, body) => chatCompletion(mrAnswer(body as never)));
    const result = await services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one', concurrency: 1 });
    expect(api.isDone()).toBe(true);
    expect(result.outcomes[0]).toMatchObject({ n: 2, failed: 0 });
  });

  it('records a document as failed when 5xx outlasts the retries, and completes the run', async () => {
    const api = nock(OPENAI)
      .post('/v1/chat/completions', (body) => JSON.stringify(body).includes('胸が痛い'))
      .times(3) // the first try and maxRetries: 2
      .reply(500, { error: { message: 'upstream down' } })
      .post('/v1/chat/completions', (body) => JSON.stringify(body).includes('眠れない'))
      .reply(200, chatCompletion('["W"]'));
    const result = await services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(api.isDone()).toBe(true);
    expect(result.run.status).toBe('finished');
    expect(result.outcomes[0]).toMatchObject({ n: 1, failed: 1, score: 1 });
    const shown = await services.show(result.run.id);
    expect(shown.failures).toEqual([
      { task: 'mr', doc: 'A_p1', error: expect.stringMatching(/500 from the provider: server error.*after 3 attempts/) },
    ]);
  });

  it('retries a timeout of an OpenAI-compatible server', async () => {
    const server = nock(LOCAL)
      .post('/v1/chat/completions')
      .delay(1500)
      .reply(200, chatCompletion('too late'))
      .post('/v1/chat/completions')
      .times(2)
      .reply(200, (_uri, body) => chatCompletion(mrAnswer(body as never)));
    const result = await services.evaluate({ task: 'mr', model: 'local', shot: 'one' });
    expect(server.pendingMocks()).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ n: 2, failed: 0 });
  });

  it('scores a malformed output as a visible parse failure', async () => {
    nock(OPENAI).post('/v1/chat/completions').times(2).reply(200, chatCompletion(', ,'));
    const result = await services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(result.outcomes[0]).toMatchObject({ n: 2, failed: 0, parseFailures: 2, noAnswer: 0, score: 0 });
  });

  it('counts an empty output once, as no answer (not also as unreadable), scored 0', async () => {
    nock(OPENAI).post('/v1/chat/completions').times(2).reply(200, chatCompletion(''));
    const result = await services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(result.outcomes[0]).toMatchObject({ n: 2, failed: 0, parseFailures: 0, noAnswer: 2, score: 0 });
  });

  it('resumes a run stopped half-way without calling again for finished documents, to the same scores', async () => {
    let calls = 0;
    const reply = (_uri: string, body: unknown) => (calls++, chatCompletion(mrAnswer(body as never)));
    nock(OPENAI).post('/v1/chat/completions').times(4).reply(200, reply);
    const controller = new AbortController();
    const first = await services.evaluate(
      { task: 'mr', model: 'openai-test', shot: 'one', concurrency: 1, noCache: true },
      (p) => p.done === 1 && controller.abort(new Error('killed')),
      controller.signal,
    );
    expect(first.interrupted).toBe(true);
    expect((await services.show(first.run.id)).run.status).toBe('interrupted');
    expect(calls).toBe(1);
    const resumed = await services.evaluate({
      task: 'mr',
      model: 'openai-test',
      shot: 'one',
      concurrency: 1,
      noCache: true,
      runId: first.run.id,
    });
    expect(calls).toBe(2);
    expect(resumed.computed).toBe(1);
    const whole = await services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one', noCache: true });
    expect(calls).toBe(4);
    expect(resumed.outcomes).toEqual(whole.outcomes);
  });

  it('answers a repeated run from the response cache, and --no-cache calls again', async () => {
    const api = nock(OPENAI)
      .post('/v1/chat/completions')
      .times(2)
      .reply(200, (_uri, body) => chatCompletion(mrAnswer(body as never)));
    const first = await services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(api.isDone()).toBe(true);
    const again = await services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(again.cacheHits).toBe(2);
    expect(again.outcomes).toEqual(first.outcomes);
    const fresh = nock(OPENAI).post('/v1/chat/completions').times(2).reply(200, chatCompletion('[]'));
    const bypass = await services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one', noCache: true });
    expect(fresh.isDone()).toBe(true);
    expect(bypass.cacheHits).toBe(0);
  });

  it('refuses to resume a run with other settings', async () => {
    const run = await services.evaluate({ task: 'irs', model: 'baseline', shot: 'one' });
    await expect(services.evaluate({ task: 'mr', model: 'baseline', shot: 'one', runId: run.run.id })).rejects.toThrow(
      /is baseline on irs \(one-shot\)/,
    );
  });

  it('stores a replayed run equal to scoring the same file, and exports it for jcb score', async () => {
    const run = await services.evaluate({ task: 'mr', model: 'gpt-4o', shot: 'one' });
    const [scored] = await services.score(`${FIXTURE_RELEASE}/data/generated/CLR/MR/gpt-4o/one_shot.json`);
    expect(run.outcomes[0].metrics).toEqual(scored.metrics);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-export-'));
    await services.exportRun(run.run.id, dir);
    const [exported] = await services.score(path.join(dir, 'generated'));
    expect(exported).toMatchObject({
      file: 'CLR/MR/gpt-4o/one_shot.json',
      metrics: scored.metrics,
      matchesRelease: true,
    });
  });

  it('exports live runs of every kind of task so that jcb score gives their scores back', async () => {
    // Every kind the fixture release holds: lists, ROUGE-L and positional relations.
    const run = await services.evaluate({ task: 'mr,irs,re-ent', model: 'baseline', shot: 'one' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-export-'));
    await services.exportRun(run.run.id, dir);
    const rows = await services.score(path.join(dir, 'generated'));
    expect(rows.map((r) => [r.task, r.matchesRelease]).sort()).toEqual(run.outcomes.map((o) => [o.task, true]).sort());
  });

  it('ranks stored runs in the Table 4 layout', async () => {
    await services.evaluate({ task: 'irs', model: 'baseline', shot: 'one', limit: 1 });
    const full = await services.evaluate({ task: 'irs', model: 'baseline', shot: 'one' });
    await services.evaluate({ task: 'irs', model: 'baseline', shot: 'one', limit: 1 });
    const board = await services.leaderboard('one', 'runs');
    const row = board.rows.find((r) => r.model === 'baseline')!;
    const irs = board.columns.findIndex((c) => c.id === 'irs');
    // The full run outranks the later --limit runs.
    expect(row.runs![irs]).toBe(full.run.id);
    expect(row.cells[irs]).toBe(full.outcomes[0].score);
    expect((await services.runs()).length).toBeGreaterThanOrEqual(3);
  });
});
