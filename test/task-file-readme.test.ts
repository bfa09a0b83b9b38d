// Task files written from the README alone, for data of our own (test/fixtures/task-files/readme/): an option
// task (JSON, the options in a list column, a one-shot prompt) and a tagged-span task (JSONL, ids the row
// numbers), evaluated through the built program on the baseline and on a stand-in model, scored by hand.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_ENV, FIXTURES, localChatServer, testModelsFile, runJcb } from './helpers.js';

const jcb = runJcb;

/** The headline and every metric of a zero- or one-shot `jcb eval --json`. */
async function metrics(task: string, model: string, shot: string, env: Record<string, string>) {
  const r = await jcb(['eval', task, model, '--shot', shot, '--json'], env);
  expect(r.code, r.err).toBe(0);
  const o = JSON.parse(r.out).outcomes[0];
  return { n: o.n, ...o.metrics } as Record<string, number>;
}

describe('task files written from the README alone', () => {
  let server: Awaited<ReturnType<typeof localChatServer>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    // The stand-in answers the last question of the prompt (a one-shot prompt shows the example's first).
    const rules: [string, string][] = [
      ['アセトアミノフェン', '2'],
      ['ワルファリン', '答え: 1'],
      ['低血糖', '3'],
      ['アナフィラキシー', '1. アドレナリン'],
      ['高カリウム', 'わかりません'],
      ['発熱', '昨夜から<d>発熱</d>と咳がある。'],
      ['嘔吐', '<d>腹痛</d>なし。<d>嘔吐</d>あり。'],
      ['頭痛', '<d>頭痛</d>が続く。'],
    ];
    server = await localChatServer(
      (body) => {
        const prompt = (JSON.parse(body) as { messages: { content: string }[] }).messages
          .map((m) => m.content)
          .join('\n');
        const last = prompt.split('問題:').at(-1)!;
        return rules.find(([k]) => last.includes(k))?.[1] ?? '';
      },
      0,
      true,
    );
    const models = testModelsFile();
    writeFileSync(
      models,
      readFileSync(models, 'utf8')
        .replace('http://127.0.0.1:8000/v1', server.url)
        .replace('timeoutMs: 300', 'timeoutMs: 60000'),
    );
    const store = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-readme-tasks-')), 'jcb.sqlite');
    env = {
      ...FIXTURE_ENV,
      JCB_MODELS: models,
      JCB_STORE: store,
      JCB_TASKS: path.join(FIXTURES, 'task-files', 'readme'),
      JCB_PACKS_TASKS: '/nonexistent',
    };
  });
  afterAll(() => server.close());

  it('the option task on the baseline: the majority of the other questions, by hand', async () => {
    // Gold 2, 1, 2, 1, 1. Leaving each out, the majority (ties: the first seen) is 1, 2, 1, 2, 2: all wrong.
    // Kappa: p_o = 0; gold 1: 3/5, 2: 2/5; predicted 1: 2/5, 2: 3/5; p_e = 12/25; kappa = −12/13.
    expect(await metrics('dose-quiz', 'baseline', 'zero', env)).toEqual({
      n: 5,
      accuracy: 0,
      kappa: expect.closeTo(-12 / 13, 12),
    });
    // One-shot: d1 is the example, left out of the documents but not of the majority: 2, 1, 2, 2 against 1, 2, 1, 1;
    // p_e = 3/4·1/4 + 1/4·3/4 = 6/16: kappa = −0.6.
    expect(await metrics('dose-quiz', 'baseline', 'one', env)).toEqual({
      n: 4,
      accuracy: 0,
      kappa: expect.closeTo(-0.6, 12),
    });
  });

  it('the option task on a stand-in model: three right, one wrong, one unread (a category of its own)', async () => {
    // Predicted 2, 1, 3, 1, none against 2, 1, 2, 1, 1: p_o = 3/5; p_e = 3/5·2/5 + 2/5·1/5 = 8/25; kappa = 7/17.
    expect(await metrics('dose-quiz', 'local', 'zero', env)).toEqual({
      n: 5,
      accuracy: 0.6,
      kappa: expect.closeTo(7 / 17, 12),
    });
  });

  it('the span task: the untagged text scores 0; the stand-in finds 3 of 4 findings with 1 extra: F1 3/4', async () => {
    expect(await metrics('findings', 'baseline', 'zero', env)).toEqual({ n: 3, 'span-f1': 0 });
    expect(await metrics('findings', 'local', 'zero', env)).toEqual({ n: 3, 'span-f1': expect.closeTo(0.75, 12) });
    const one = await jcb(['run', 'findings', 'local', '2', '--shot', 'zero'], env);
    expect(one.code, one.err).toBe(0);
    expect(one.out).toMatch(/document 2\b/);
  });
});
