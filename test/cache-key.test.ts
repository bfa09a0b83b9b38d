// The response cache's key (src/evaluation/generate.ts, responseKey), generated from the registry's option list:
// every option of a live model either changes the key (it changes what is asked or how the answer is read) or
// is said here not to change the answer. A new option fails this test until it is one or the other, so two runs
// differing only in it never share cached answers by mistake.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { responseKey } from '../src/evaluation/generate.js';
import { createProvider } from '../src/models/index.js';
import { LIVE_MODEL_OPTIONS, parseRegistry } from '../src/models/registry.js';
import type { Release } from '../src/release/release.js';

/** Options that never change the answer: how, how often, by whom and whether a request is made, or what it costs. */
const NOT_IN_ANSWER: Record<string, unknown> = {
  label: 'Another name',
  apiKeyEnv: 'OTHER_KEY',
  prices: { input: 1, output: 2 },
  concurrency: 2,
  rpm: 10,
  timeoutMs: 5000,
  maxRetries: 1,
  freeText: true,
  dataPolicy: 'on-premises',
};

/** Another value of every option that changes the answer (each base below is left at a default or another value). */
const IN_ANSWER: Record<string, unknown> = {
  provider: 'openai-compatible',
  model: 'Qwen/Qwen3-32B',
  baseUrl: 'http://127.0.0.1:9000/v1',
  temperature: 0.7,
  maxTokens: 100,
  topP: 0.5,
  reasoningEffort: 'low',
  extraBody: { repetition_penalty: 1.1 },
  thinking: 'on',
  thinkTags: [{ open: '<r>', close: '</r>' }],
  promptCutRatio: 0.5,
  server: 'ollama',
};

/** Entries to vary: a reasoning model of the OpenAI API, a chat model behind a proxy, an open model on vLLM. */
const BASES: Record<string, unknown>[] = [
  { provider: 'openai', model: 'gpt-5' },
  { provider: 'openai', model: 'gpt-4o', baseUrl: 'http://127.0.0.1:8000/v1' },
  { provider: 'openai-compatible', model: 'Qwen/Qwen3-8B', baseUrl: 'http://127.0.0.1:8000/v1', thinking: 'off' },
];

const env = { OPENAI_API_KEY: 'sk-test', OTHER_KEY: 'sk-other' };
const PROMPT = '次の文から薬剤名を抜き出してください。';

/** The key of `entry`'s answer to PROMPT, or undefined when the registry or the provider refuses the entry. */
function keyOf(entry: Record<string, unknown>): string | undefined {
  let config;
  try {
    [config] = parseRegistry(stringify({ models: { m: entry } }), 'test');
    return responseKey(
      createProvider(config, {
        env,
        release: (): Release => {
          throw new Error('not needed');
        },
      }),
      PROMPT,
    );
  } catch {
    return undefined;
  }
}

describe("the response cache's key", () => {
  it('weighs every option of a live model: each one is either in it or said not to change the answer', () => {
    expect([...Object.keys(IN_ANSWER), ...Object.keys(NOT_IN_ANSWER)].sort()).toEqual([...LIVE_MODEL_OPTIONS].sort());
  });

  it.each(LIVE_MODEL_OPTIONS.map((o) => [o]))(
    '%s: another value changes the key exactly when it changes the answer',
    (option) => {
      const changes = option in IN_ANSWER;
      const other = changes ? IN_ANSWER[option] : NOT_IN_ANSWER[option];
      let compared = 0;
      for (const base of BASES) {
        const before = keyOf(base);
        const after = keyOf({ ...base, [option]: other });
        expect(before, `${JSON.stringify(base)} is a valid entry`).toBeDefined();
        if (after === undefined || JSON.stringify(base[option]) === JSON.stringify(other)) continue; // refused there
        if (changes) expect(after, `${option} in ${JSON.stringify(base)}`).not.toBe(before);
        else expect(after, `${option} in ${JSON.stringify(base)}`).toBe(before);
        compared++;
      }
      expect(compared, `${option} was tried on at least one entry`).toBeGreaterThan(0);
    },
  );

  it('keeps the keys of entries at their defaults as they were (answers cached before stay found)', () => {
    for (const base of BASES) {
      const [config] = parseRegistry(stringify({ models: { m: base } }), 'test');
      const { fingerprint } = createProvider(config, {
        env,
        release: (): Release => {
          throw new Error('not needed');
        },
      });
      // The key as the engine made it before promptCutRatio was weighed: the fingerprint and the prompt.
      const before = createHash('sha256')
        .update(JSON.stringify({ ...fingerprint, prompt: PROMPT }))
        .digest('hex');
      expect(keyOf({ ...base, promptCutRatio: 0.8 })).toBe(before);
    }
  });
});
