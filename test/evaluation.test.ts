// Evaluation runs against nock standing in for OpenAI and an OpenAI-compatible server, on both stores.
import nock from 'nock';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeOpenAI, OPENAI, servicesOverNock } from './fake-provider.js';
import { chatCompletion, FIXTURE_ENV, FIXTURE_RELEASE, inThreadTokenizer, testModelsFile } from './helpers.js';
import { createServices } from '../src/services/index.js';
import type { Answer } from './openai-fake.js';

const LOCAL = 'http://127.0.0.1:8000';

/** Answers the fixture's MR documents: the right drug for A_p1, a half-right list for B_p1. */
function mrAnswer(body: Record<string, unknown>): string {
  const prompt = (body.messages as { content: string }[]).map((m) => m.content).join('\n');
  return prompt.includes('胸が痛い') ? '["ニトログリセリン", "アスピリン"]' : '["W", "X"]';
}
const mr = (body: Record<string, unknown>): Answer => ({ content: mrAnswer(body) });

describe.each(['sqlite', 'postgres'] as const)('evaluation runs on %s', (kind) => {
  const t = servicesOverNock(kind, { JCB_MODELS: testModelsFile(), TEST_OPENAI_KEY: 'sk-test' });

  it('evaluates through OpenAI: prompts, outputs, scores, tokens and latency stored', async () => {
    const api = fakeOpenAI(mr, 2).scope;
    const result = await t.services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(api.isDone()).toBe(true);
    expect(result.outcomes).toEqual([
      expect.objectContaining({
        task: 'mr',
        n: 2,
        failed: 0,
        metrics: { _precision: 0.75, recall: 1, _f1: expect.closeTo(5 / 6, 12), _accuracy: 1 },
      }),
    ]);
    const shown = await t.services.show(result.run.id);
    expect(shown.run).toMatchObject({ model: 'openai-test', provider: 'openai', status: 'finished' });
    expect(JSON.parse(shown.run.engine)).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(JSON.stringify(shown.run)).not.toContain('sk-test');
    expect(shown.documents).toEqual({ done: 2, failed: 0, cached: 0 });
  });

  it('retries a 429 after its Retry-After, then succeeds', async () => {
    const limited = nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(429, { error: { message: 'slow down' } }, { 'retry-after': '0' });
    const api = fakeOpenAI(mr, 2).scope;
    const result = await t.services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one', concurrency: 1 });
    expect(limited.isDone() && api.isDone()).toBe(true);
    expect(result.outcomes[0]).toMatchObject({ n: 2, failed: 0 });
  });

  it('records a document as failed when 5xx outlasts the retries, and completes the run', async () => {
    const api = nock(OPENAI)
      .post('/v1/chat/completions', (body) => JSON.stringify(body).includes('胸が痛い'))
      .times(3) // the first try and maxRetries: 2
      .reply(500, { error: { message: 'upstream down' } })
      .post('/v1/chat/completions', (body) => JSON.stringify(body).includes('眠れない'))
      .reply(200, chatCompletion('["W"]'));
    const result = await t.services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(api.isDone()).toBe(true);
    expect(result.run.status).toBe('finished');
    expect(result.outcomes[0]).toMatchObject({ n: 1, failed: 1, score: 1 });
    const shown = await t.services.show(result.run.id);
    expect(shown.failures).toEqual([
      {
        task: 'mr',
        doc: 'A_p1',
        error: expect.stringMatching(/500 from the provider: server error.*after 3 attempts/),
      },
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
    const result = await t.services.evaluate({ task: 'mr', model: 'local', shot: 'one' });
    expect(server.pendingMocks()).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ n: 2, failed: 0 });
  });

  it('scores a malformed output as a visible parse failure', async () => {
    fakeOpenAI(() => ({ content: ', ,' }), 2);
    const result = await t.services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(result.outcomes[0]).toMatchObject({ n: 2, failed: 0, parseFailures: 2, noAnswer: 0, score: 0 });
  });

  it('counts an empty output once, as no answer (not also as unreadable), scored 0', async () => {
    fakeOpenAI(() => ({ content: '' }), 2);
    const result = await t.services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(result.outcomes[0]).toMatchObject({ n: 2, failed: 0, parseFailures: 0, noAnswer: 2, score: 0 });
  });

  it('resumes a run stopped half-way without calling again for finished documents, to the same scores', async () => {
    const calls = fakeOpenAI(mr, 4).bodies;
    const controller = new AbortController();
    const first = await t.services.evaluate(
      { task: 'mr', model: 'openai-test', shot: 'one', concurrency: 1, noCache: true },
      (p) => p.done === 1 && controller.abort(new Error('killed')),
      controller.signal,
    );
    expect(first.interrupted).toBe(true);
    expect((await t.services.show(first.run.id)).run.status).toBe('interrupted');
    expect(calls.length).toBe(1);
    const resumed = await t.services.evaluate({
      task: 'mr',
      model: 'openai-test',
      shot: 'one',
      concurrency: 1,
      noCache: true,
      runId: first.run.id,
    });
    expect(calls.length).toBe(2);
    expect(resumed.computed).toBe(1);
    const whole = await t.services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one', noCache: true });
    expect(calls.length).toBe(4);
    expect(resumed.outcomes).toEqual(whole.outcomes);
  });

  it('answers a repeated run from the response cache, and --no-cache calls again', async () => {
    const api = fakeOpenAI(mr, 2).scope;
    const first = await t.services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(api.isDone()).toBe(true);
    const again = await t.services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    expect(again.cacheHits).toBe(2);
    expect(again.outcomes).toEqual(first.outcomes);
    const fresh = fakeOpenAI(() => ({ content: '[]' }), 2).scope;
    const bypass = await t.services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one', noCache: true });
    expect(fresh.isDone()).toBe(true);
    expect(bypass.cacheHits).toBe(0);
  });

  it('refuses to resume a run with other settings', async () => {
    const run = await t.services.evaluate({ task: 'irs', model: 'baseline', shot: 'one' });
    await expect(
      t.services.evaluate({ task: 'mr', model: 'baseline', shot: 'one', runId: run.run.id }),
    ).rejects.toThrow(/is baseline on irs \(one-shot\)/);
  });

  it('stores a replayed run equal to scoring the same file, and exports it for jcb score', async () => {
    const run = await t.services.evaluate({ task: 'mr', model: 'gpt-4o', shot: 'one' });
    const [scored] = await t.services.score(`${FIXTURE_RELEASE}/data/generated/CLR/MR/gpt-4o/one_shot.json`);
    expect(run.outcomes[0].metrics).toEqual(scored.metrics);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-export-'));
    await t.services.exportRun(run.run.id, dir);
    const [exported] = await t.services.score(path.join(dir, 'generated'));
    expect(exported).toMatchObject({
      file: 'CLR/MR/gpt-4o/one_shot.json',
      metrics: scored.metrics,
      matchesRelease: true,
    });
  });

  it("exports a live model's run without its API key: nothing is asked of the model (break-urls)", async () => {
    fakeOpenAI(mr, 2);
    const run = await t.services.evaluate({ task: 'mr', model: 'openai-test', shot: 'one' });
    const keyless = createServices({
      env: { ...FIXTURE_ENV, ...t.store.env, JCB_MODELS: testModelsFile() },
      tokenizer: inThreadTokenizer(),
    });
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-export-'));
      const written = await keyless.exportRun(run.run.id, dir);
      expect(written.some((f) => f.endsWith(path.join('openai-test', 'one_shot.json')))).toBe(true);
      const [rescored] = await keyless.score(path.join(dir, 'generated'));
      expect(rescored.metrics).toEqual(run.outcomes[0].metrics);
    } finally {
      await keyless.close();
    }
  });

  it('exports live runs of every kind of task so that jcb score gives their scores back', async () => {
    // Every kind the fixture release holds: lists, ROUGE-L and positional relations.
    const run = await t.services.evaluate({ task: 'mr,irs,re-ent', model: 'baseline', shot: 'one' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-export-'));
    await t.services.exportRun(run.run.id, dir);
    const rows = await t.services.score(path.join(dir, 'generated'));
    expect(rows.map((r) => [r.task, r.matchesRelease]).sort()).toEqual(run.outcomes.map((o) => [o.task, true]).sort());
  });

  it('ranks stored runs in the Table 4 layout', async () => {
    await t.services.evaluate({ task: 'irs', model: 'baseline', shot: 'one', limit: 1 });
    const full = await t.services.evaluate({ task: 'irs', model: 'baseline', shot: 'one' });
    await t.services.evaluate({ task: 'irs', model: 'baseline', shot: 'one', limit: 1 });
    const board = await t.services.leaderboard('one', 'runs');
    const row = board.rows.find((r) => r.model === 'baseline')!;
    const irs = board.columns.findIndex((c) => c.id === 'irs');
    // The full run outranks the later --limit runs.
    expect(row.runs![irs]).toBe(full.run.id);
    expect(row.cells[irs]).toBe(full.outcomes[0].score);
    expect((await t.services.runs()).length).toBeGreaterThanOrEqual(3);
  });
});
