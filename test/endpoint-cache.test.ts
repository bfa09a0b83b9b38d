// The response cache tells servers apart: one model name behind two OPENAI_BASE_URLs gives two answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import {
  FIXTURE_ENV,
  freshStore,
  inThreadTokenizer,
  localChatServer,
  testModelsFile,
  type TestStore,
} from './helpers.js';

describe('the response cache and OPENAI_BASE_URL', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore('sqlite');
  });
  afterAll(() => store.drop());

  it('asks the second server instead of replaying the first one’s answer', async () => {
    const first = await localChatServer(() => '["A"]');
    const second = await localChatServer(() => '["B"]');
    const models = testModelsFile();
    const evaluateOn = async (url: string) => {
      const env = {
        ...FIXTURE_ENV,
        JCB_MODELS: models,
        TEST_OPENAI_KEY: 'sk-test',
        OPENAI_BASE_URL: url,
        ...store.env,
      };
      const services = createServices({ env, tokenizer: inThreadTokenizer() });
      try {
        const { run } = await services.evaluate({ task: 'mr', model: 'openai-test', shot: 'zero', limit: 1 });
        return (await services.show(run.id)).documents;
      } finally {
        await services.close();
      }
    };
    try {
      await evaluateOn(first.url);
      const again = await evaluateOn(second.url);
      expect(first.calls()).toBe(1);
      expect(second.calls()).toBe(1);
      expect(again.cached).toBe(0);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
