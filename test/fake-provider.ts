// The services of a test file over a fake OpenAI-compatible provider: nock holds every HTTP request (none
// leaves the machine), and the stand-in for api.openai.com refuses what the real one refuses (test/openai-fake.ts).
import nock from 'nock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, type TestStore } from './helpers.js';
import { openaiReply, type Answer } from './openai-fake.js';

export const OPENAI = 'https://api.openai.com';

/** A models.yml holding `text`, in a temp folder of its own; returns its path. */
export function modelsFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-models-')), 'models.yml');
  writeFileSync(file, text);
  return file;
}

/**
 * Registers, in the calling `describe`, hooks that give each test fresh services on an empty store of `kind`
 * (no response cache carries over) with `env` over the miniature release's, retries 1 ms apart, and nock
 * alone answering HTTP (its interceptors cleared after each test). Read `store` and `services` in a test.
 */
export function servicesOverNock(kind: 'sqlite' | 'postgres', env: Record<string, string>) {
  const current = {} as { store: TestStore; services: ReturnType<typeof createServices> };
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  beforeEach(async () => {
    current.store = await freshStore(kind);
    current.services = createServices({
      env: { ...FIXTURE_ENV, ...env, ...current.store.env },
      tokenizer: inThreadTokenizer(),
      retryBaseDelayMs: 1,
    });
  });
  afterEach(async () => {
    await current.services.close();
    await current.store.drop();
    nock.cleanAll();
  });
  return current;
}

/**
 * nock as api.openai.com for `times` chat completions with key sk-test: refuses what it refuses (a wrong
 * key, a field a model does not take), else answers `answer(body)`; records each accepted body.
 */
export function fakeOpenAI(answer: (body: Record<string, unknown>) => Answer, times: number) {
  const bodies: Record<string, unknown>[] = [];
  const scope = nock(OPENAI)
    .post('/v1/chat/completions')
    .times(times)
    .reply(function (_uri, body) {
      const b = body as Record<string, unknown>;
      const reply = openaiReply(b, this.req.headers.authorization as string | undefined, answer);
      if (reply.status === 200) bodies.push(b);
      return [reply.status, reply.body];
    });
  return { scope, bodies };
}
