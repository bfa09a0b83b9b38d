// The services of a test file over a fake OpenAI-compatible provider: nock holds every HTTP request (none
// leaves the machine), and the stand-in for api.openai.com refuses what the real one refuses (test/openai-fake.ts).
import nock from 'nock';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** What a stand-in server does with one chat completion request. */
export type Reply = (res: ServerResponse) => void;

/** A JSON answer of `status`. */
export const json =
  (status: number, body: unknown): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

/**
 * A server on this machine routing as vLLM's OpenAI-compatible app (FastAPI) does: POST /v1/chat/completions goes to
 * `answer`, anything else is a 404 {"detail":"Not Found"}, a body without model or messages a 422. Started before the
 * calling describe's tests, with env.JCB_MODELS a registry of `registry(base)` (base: its /v1 URL), env.LOCAL_KEY set
 * and nock letting requests to it through; closed after them.
 */
export function vllmStandIn(env: Record<string, string>, registry: (base: string) => string, answer: Reply): void {
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(404, { detail: 'Not Found' })(res);
        const request = JSON.parse(body) as { model?: unknown; messages?: unknown };
        if (typeof request.model !== 'string' || !Array.isArray(request.messages))
          return json(422, { detail: [{ loc: ['body', 'messages'], msg: 'Field required', type: 'missing' }] })(res);
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    env.JCB_MODELS = modelsFile(registry(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`));
    env.LOCAL_KEY = 'sk-local-SECRET-0123456789';
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
}
