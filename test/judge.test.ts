// The LLM judge through nock, and how judge and ROUGE-L follow human ratings.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError, userErrorText } from '../src/base/errors.js';
import { readJudgement, spearman } from '../src/judge/judge.js';
import { outputHash } from '../src/ratings/ratings.js';
import { createServices } from '../src/services/index.js';
import {
  chatCompletion,
  FIXTURE_ENV,
  freshStore,
  inThreadTokenizer,
  testModelsFile,
  type TestStore,
} from './helpers.js';

describe("Spearman and the judge's answer", () => {
  it('ranks, with ties averaged', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9486832980505138, 12);
    expect(spearman([1, 2], [1, 2])).toBeNull();
  });
  it('reads the scores a judge returns, and leaves out what it does not', () => {
    expect(readJudgement('{"consistency": 4, "saliency": 2, "fluency": 5}')).toEqual({
      consistency: 4,
      saliency: 2,
      fluency: 5,
    });
    expect(readJudgement('consistency：3 (the rest I cannot say)')).toEqual({
      consistency: 3,
      saliency: null,
      fluency: null,
    });
  });
});

describe('jcb judge and ratings --correlate', () => {
  let store: TestStore;
  let services: ReturnType<typeof createServices>;
  beforeEach(async () => {
    store = await freshStore('sqlite');
    services = createServices({
      env: { ...FIXTURE_ENV, JCB_MODELS: testModelsFile(), TEST_OPENAI_KEY: 'sk-test', ...store.env },
      tokenizer: inThreadTokenizer(),
      retryBaseDelayMs: 1,
    });
    nock.disableNetConnect();
  });
  afterEach(async () => {
    await services.close();
    await store.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("judges a run's outputs and correlates judge and ROUGE-L with the human ratings", async () => {
    const run = await services.evaluate({ task: 'irs', model: 'gpt-4o', shot: 'one' });
    // The judge gives the exact output 5, the partial one 3, the empty one 1.
    const api = nock('https://api.openai.com')
      .post('/v1/chat/completions')
      .times(3)
      .reply(200, (_u, body) => {
        const prompt = (body as { messages: { content: string }[] }).messages[0].content;
        const n = prompt.includes('### 出力\n転倒による骨折') ? 5 : prompt.includes('### 出力\n内服薬の忘れ') ? 3 : 1;
        return chatCompletion(`{"consistency": ${n}, "saliency": ${n}, "fluency": ${n}}`);
      });
    expect(await services.judgeRun(run.run.id, 'openai-test')).toEqual({
      judged: 3,
      judge: 'openai-test',
      rubric: 'jcb-rubric-1',
    });
    expect(api.isDone()).toBe(true);
    const outputs: Record<string, string> = {
      '2': '内服薬の忘れ',
      '3': '転倒による骨折\n\n### 入力:\n次の報告',
      '4': '',
    };
    const human: Record<string, number> = { '3': 5, '2': 3, '4': 1 };
    for (const rater of ['U1', 'U2']) {
      for (const [doc, value] of Object.entries(human)) {
        await services.rate(
          rater,
          { task: 'irs', model: 'gpt-4o', doc, hash: outputHash(outputs[doc]) },
          { consistency: value },
        );
      }
    }
    const c = await services.correlate('irs');
    expect(c.consistency.n).toBe(3);
    expect(c.consistency.judge).toBeCloseTo(1, 12);
    expect(c.saliency).toEqual({ judge: null, rougeL: null, n: 0 });
    const report = await services.ratings('irs');
    expect(report.alpha.consistency).toBe(1);
    await expect(services.judgeRun(run.run.id, 'gpt-4o')).rejects.toThrow(/a judge must be a live model/);
    // No judge named nor set: Slack is told what a person can do; the terminal what the operator can.
    const none = (await services.judgeRun(run.run.id).catch((err: unknown) => err)) as UserError;
    expect(userErrorText(none, 'chat')).toBe(
      'No judge model. Pass --judge <alias> with a live model (`/jcb models` lists them), or ask whoever runs jcb to set a default judge.',
    );
    expect(userErrorText(none, 'terminal')).toMatch(/set JCB_JUDGE_MODEL to a live model of data\/models\.yml\.$/);
    await expect(
      services.rate('U1', { task: 'irs', model: 'gpt-4o', doc: '2', hash: 'x' }, { fluency: 7 }),
    ).rejects.toThrow(/from 1 to 5/);
  });

  it('says a judge that fails in one line naming it (for the user to fix), not as an unexpected error', async () => {
    const run = await services.evaluate({ task: 'irs', model: 'gpt-4o', shot: 'one' });
    nock('https://api.openai.com')
      .post('/v1/chat/completions')
      .times(5)
      .reply(401, { error: { message: 'Incorrect API key' } });
    const failed = await services.judgeRun(run.run.id, 'openai-test').catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(UserError);
    expect((failed as Error).message).toMatch(/^openai-test: \S/);
  });
});
