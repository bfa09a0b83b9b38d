import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addModel, availability, loadModels, parseRegistry, type LiveModelConfig } from '../src/models/registry.js';
import { UserError, userErrorText } from '../src/base/errors.js';
import { createLiveProvider } from '../src/models/openai.js';
import { Release } from '../src/release/release.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, inThreadTokenizer, TEST_MODELS } from './helpers.js';

describe('the model registry', () => {
  it('reads the shipped data/models.yml: the seven paper models replayed, a baseline, OpenAI entries', () => {
    const models = loadModels({});
    const replayed = models.filter((m) => m.provider === 'replay').map((m) => m.alias);
    expect(replayed).toEqual(['gpt-4o', 'gpt-5', 'llama-3', 'swallow', 'medswallow', 'llm-jp', 'sip-jmed']);
    expect(models.find((m) => m.alias === 'baseline')?.provider).toBe('baseline');
    expect(models.find((m) => m.alias === 'gpt-4o-live')).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o',
      apiKeyEnv: 'OPENAI_API_KEY',
    });
  });

  it.each([
    ['models:\n  x: { provider: replay }', /models\.x\.release/],
    ['models:\n  x: { provider: openai-compatible, model: m }', /models\.x\.baseUrl/],
    ['models:\n  x: { provider: openai, model: m, temprature: 0 }', /models\.x: .*temprature/],
    ['models:\n  X Y: { provider: baseline }', /aliases are lower-case/],
    ['models:\n  x: { provider: magic }', /models\.x\.provider/],
    ['models: [', /not valid YAML/],
  ])('names the bad key of %j', (text, message) => {
    expect(() => parseRegistry(text, 'models.yml')).toThrow(message);
  });

  it('says which models are usable now and why not', () => {
    const [, , openai, local] = parseRegistry(TEST_MODELS, 'test');
    expect(availability(openai, {}, true)).toEqual({
      usable: false,
      why: 'TEST_OPENAI_KEY is not set',
      said: 'no API key on this server',
    });
    expect(availability(openai, { TEST_OPENAI_KEY: 'k' }, true).usable).toBe(true);
    expect(availability(local, {}, true)).toEqual({ usable: true, why: 'http://127.0.0.1:8000/v1', said: 'live' });
    // Set to nothing is said as such, not "not set" (the line is there, with no value).
    expect(availability(openai, { TEST_OPENAI_KEY: '' }, true)).toEqual({
      usable: false,
      why: 'TEST_OPENAI_KEY is empty',
      said: 'no API key on this server',
    });
    expect(availability(openai, { TEST_OPENAI_KEY: ' ' }, true)).toEqual({
      usable: false,
      why: 'TEST_OPENAI_KEY is blank',
      said: 'no API key on this server',
    });
    // The run itself says the same (in a terminal): a key set to nothing is never sent.
    for (const [env, said] of [
      [{}, 'TEST_OPENAI_KEY is not set'],
      [{ TEST_OPENAI_KEY: '' }, 'TEST_OPENAI_KEY is empty'],
      [{ TEST_OPENAI_KEY: '  ' }, 'TEST_OPENAI_KEY is blank'],
    ] as const) {
      const refused = (() => {
        try {
          createLiveProvider(openai as LiveModelConfig, { env });
        } catch (err) {
          return userErrorText(err as UserError, 'terminal');
        }
      })();
      expect(refused).toContain(`has no API key on this server (${said})`);
    }
  });

  it('adds a model to the file, keeping its comments, after validating it', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-reg-')), 'models.yml');
    writeFileSync(file, '# my models\nmodels:\n  baseline: { provider: baseline }\n');
    const env = { JCB_MODELS: file };
    addModel(
      'vllm-llm-jp',
      { provider: 'openai-compatible', model: 'llm-jp/llm-jp-3-8x13b-instruct3', baseUrl: 'http://127.0.0.1:8000/v1' },
      env,
    );
    expect(readFileSync(file, 'utf8')).toContain('# my models');
    expect(loadModels(env).map((m) => m.alias)).toEqual(['baseline', 'vllm-llm-jp']);
    expect(() => addModel('bad', { provider: 'openai-compatible', model: 'm' }, env)).toThrow(
      /^Model "bad" not added: --base-url: /,
    );
    expect(() => addModel('baseline', { provider: 'baseline' }, env)).toThrow(/already in/);
    expect(loadModels(env)).toHaveLength(2);
  });
});

// The operator's words (a file, an environment variable, a path, a server's address) reach a terminal only: every
// place that refuses with them is walked here, its chat text (Slack's) free of them, its terminal text keeping them
// (breaker-slack: 'Change `thinking` in models.yml', '(none in data/schedules.yml)', the free-text model's address,
// `/jcb models`' why, 'The release at [path] lacks data/benchmarks/…').
describe("the operator's words, in a terminal only", () => {
  const OPERATOR =
    /\w+\.ya?ml|data\/|\[path\]|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|https?:|\b\d+\.\d+\.\d+\.\d+|:\d{2,5}\b|api\.openai\.com/;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-operator-'));
  const schedules = path.join(dir, 'schedules.yml');
  writeFileSync(schedules, 'schedules: {}\n');
  const registry =
    'models:\n' +
    '  r1-off: { provider: openai-compatible, model: deepseek-r1:8b, baseUrl: "http://10.0.0.5:11434/v1", thinking: off }\n' +
    '  router: { provider: openai-compatible, model: m, baseUrl: "https://router.example/v1" }\n';
  const [thinking, router] = parseRegistry(registry, 'models.yml');
  const models = path.join(dir, 'models.yml');
  writeFileSync(models, registry);
  const services = createServices({
    env: { ...FIXTURE_ENV, JCB_SCHEDULES: schedules, JCB_MODELS: models },
    tokenizer: inThreadTokenizer(),
  });
  const refusal = async (work: () => unknown): Promise<UserError> => {
    try {
      await work();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      return err as UserError;
    }
    throw new Error('not refused');
  };
  const PLACES: [string, () => unknown, RegExp][] = [
    [
      'a model whose thinking setting its server refuses',
      () => createLiveProvider(thinking as never, { env: {} }),
      /models\.yml/,
    ],
    ['digest of an unknown schedule, none set', () => services.digest('nightly'), /data\/schedules\.yml/],
    [
      'digest with the schedules file gone',
      () => createServices({ env: { ...FIXTURE_ENV, JCB_SCHEDULES: path.join(dir, 'gone.yml') } }).digest(),
      /gone\.yml\)\. Point JCB_SCHEDULES/,
    ],
    [
      'free text to a model not allowed it',
      () => services.ask({ task: 'mr', model: 'router', text: '内服薬' } as never),
      /it would send it to/,
    ],
    [
      'a release lacking a file',
      () => new Release(dir).benchmarkPath('CLR/CCA', 'data_old.csv'),
      /data\/benchmarks\/CLR\/CCA/,
    ],
  ];
  it.each(PLACES)('%s', async (_, work, kept) => {
    const err = await refusal(work);
    expect(userErrorText(err, 'chat')).not.toMatch(OPERATOR);
    expect(userErrorText(err, 'terminal')).toMatch(kept);
  });

  it("/jcb models' column: what is missing, in words for anyone", () => {
    const said = [
      availability(router, {}, false),
      availability({ ...router, apiKeyEnv: 'ROUTER_KEY' } as never, {}, false),
      ...loadModels({}).map((m) => availability(m, {}, false)),
    ].map((a) => a.said);
    for (const s of said) expect(s).not.toMatch(OPERATOR);
  });
});
