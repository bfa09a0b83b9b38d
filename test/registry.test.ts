import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addModel, availability, loadModels, parseRegistry } from '../src/models/registry.js';
import { TEST_MODELS } from './helpers.js';

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
    expect(availability(openai, {}, true)).toEqual({ usable: false, why: 'TEST_OPENAI_KEY is not set' });
    expect(availability(openai, { TEST_OPENAI_KEY: 'k' }, true).usable).toBe(true);
    expect(availability(local, {}, true)).toEqual({ usable: true, why: 'http://127.0.0.1:8000/v1' });
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
    expect(() => addModel('bad', { provider: 'openai-compatible', model: 'm' }, env)).toThrow(/^Model "bad" not added: --base-url: /);
    expect(() => addModel('baseline', { provider: 'baseline' }, env)).toThrow(/already in/);
    expect(loadModels(env)).toHaveLength(2);
  });
});
