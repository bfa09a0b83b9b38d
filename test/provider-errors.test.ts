// What real OpenAI-compatible servers answer when something is wrong, read at one boundary
// (src/models/server-reply.ts): secrets never printed nor stored, the server's own message kept, one line
// for `run` and `eval` alike, waits bounded, wrong URLs named. The bodies are those the servers send.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/base/errors.js';
import { operatorFixFor } from '../src/base/shown.js';
import { failureCause } from '../src/evaluation/failure-cause.js';
import { addModel, parseRegistry, type LiveModelConfig } from '../src/models/registry.js';
import { baseUrlOf } from '../src/models/request.js';
import { modelsFile, servicesOverNock } from './fake-provider.js';
import { completion } from './openai-fake.js';

const VLLM = 'http://127.0.0.1:8000';
const KEY = 'sk-live-SECRET-123456789abcdef';

const MODELS = `
models:
  vllm: { provider: openai-compatible, model: m, baseUrl: ${VLLM}/v1, maxRetries: 2, dataPolicy: on-premises }
  keyed: { provider: openai-compatible, model: m, baseUrl: ${VLLM}/v1, apiKeyEnv: LIVE_KEY, maxRetries: 1 }
  patient: { provider: openai-compatible, model: m, baseUrl: ${VLLM}/v1, maxRetries: 5, timeoutMs: 300 }
  nov1: { provider: openai-compatible, model: m, baseUrl: ${VLLM}, maxRetries: 0 }
  refused: { provider: openai-compatible, model: m, baseUrl: 'http://127.0.0.1:2/v1', maxRetries: 0 }
  badport: { provider: openai-compatible, model: m, baseUrl: 'http://127.0.0.1:9/v1', maxRetries: 0 }
  ward: { provider: openai-compatible, model: m, baseUrl: ${VLLM}/v1, maxRetries: 0, dataPolicy: on-premises, freeText: true }
`;

const MR = { content: '["ニトログリセリン", "アスピリン"]' };
/** vLLM's and SGLang's classic ErrorResponse (vLLM < 0.10's serving_engine, SGLang's protocol). */
const VLLM_CTX = {
  object: 'error',
  message:
    "This model's maximum context length is 2048 tokens. However, you requested 9192 tokens (1000 in the messages, 8192 in the completion). Please reduce the length of the messages or completion.",
  type: 'BadRequestError',
  param: null,
  code: 400,
};
/** Newer vLLM: OpenAI's shape. */
const VLLM_CTX_NEW = {
  error: {
    message:
      "This model's maximum context length is 2048 tokens. However, you requested 1024 output tokens and your prompt contains at least 1025 input tokens, for a total of at least 2049 tokens. Please reduce the length of the input prompt or the number of requested output tokens. (parameter=input_tokens, value=1025)",
    type: 'BadRequestError',
    param: 'input_tokens',
    code: 400,
  },
};
const OLLAMA_404 = {
  error: { message: 'model "m" not found, try pulling it first', type: 'api_error', param: null, code: null },
};
const QUOTA = {
  error: {
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota',
  },
};
const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n';

describe('provider errors as real servers send them', () => {
  const t = servicesOverNock('sqlite', { JCB_MODELS: modelsFile(MODELS), LIVE_KEY: KEY });

  /** The one line `jcb run` fails with (a UserError, exit 1), or the unexpected error it threw instead. */
  const runLine = (model: string) =>
    t.services.run({ task: 'mr', model, doc: 'random', shot: 'zero' }).then(
      () => 'answered',
      (err: Error) =>
        err instanceof UserError ? operatorFixFor(err.message, 'terminal') : `unexpected: ${err.message}`,
    );
  /** The stored error of an `eval` of one document, as stored and as `eval`/`show` say it. */
  async function evalError(model: string) {
    const result = await t.services.evaluate({ task: 'mr', model, shot: 'zero', limit: 1 });
    const shown = await t.services.show(result.run.id);
    // A failure of the configuration stops the run before it stores the document (test/configuration-failures.test.ts).
    const stored = (await t.services.runDocuments(result.run.id))[0]?.error ?? result.misconfigured?.error ?? '';
    return { stored, shown: JSON.stringify(shown), cause: failureCause(stored) };
  }

  it('never stores nor prints the key a server echoes in its error', async () => {
    nock(VLLM)
      .post('/v1/chat/completions')
      .times(4)
      .reply(function () {
        return [500, { error: { message: `upstream failed for key ${String(this.req.headers.authorization)}` } }];
      });
    const line = await runLine('keyed');
    expect(line).toBe('keyed: 500 from the provider: server error: upstream failed for key Bearer [key]');
    const { stored, shown } = await evalError('keyed');
    expect(stored).toContain('upstream failed for key Bearer [key]');
    expect(`${stored}${shown}`).not.toContain('SECRET');
  });

  it('never shows, stores, exports nor logs the key a server echoes in a 200 answer', async () => {
    const echo = function (this: { req: { headers: Record<string, string | string[] | undefined> } }) {
      const key = String(this.req.headers.authorization).replace(/^Bearer /, '');
      return [200, completion('m', { content: `["${key}"]`, reasoning: `the key is ${key}` })] as [number, unknown];
    };
    nock(VLLM).post('/v1/chat/completions').times(2).reply(echo);
    const ran = await t.services.run({ task: 'mr', model: 'keyed', doc: 'random', shot: 'zero' });
    expect(JSON.stringify(ran)).toContain('[key]');
    const result = await t.services.evaluate({ task: 'mr', model: 'keyed', shot: 'zero', limit: 1 });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-echo-'));
    await t.services.exportRun(result.run.id, dir);
    const exported = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'));
    const shown = [
      JSON.stringify(ran),
      JSON.stringify(result),
      JSON.stringify(await t.services.show(result.run.id)),
      JSON.stringify(await t.services.runDocuments(result.run.id)),
      await t.services.runSamples(result.run.id),
      ...exported,
    ];
    for (const out of shown) expect(out).not.toContain('SECRET-123456789');
  });

  it('refuses a base URL with a query string or fragment in one line, never echoing it: registry, `models add`, OPENAI_BASE_URL', () => {
    const entry = (url: string) => `models:\n  x: { provider: openai-compatible, model: m, baseUrl: '${url}' }\n`;
    const query =
      /^The model registry is not valid\{\{fix:: models\.yml: models\.x\.baseUrl: a URL with no query string or fragment .*put the key in apiKeyEnv, or OPENAI_API_KEY\}\}\.$/;
    for (const url of [
      'http://127.0.0.1:8000/v1?api_key=sk-QUERY123456789',
      'http://127.0.0.1:8000/v1#sk-QUERY123456789',
    ]) {
      expect(() => parseRegistry(entry(url), 'models.yml')).toThrow(query);
      expect(() => parseRegistry(entry(url), 'models.yml')).not.toThrow(/QUERY1234/);
    }
    const env = { JCB_MODELS: modelsFile(MODELS) };
    const add = () =>
      addModel(
        'y',
        { provider: 'openai-compatible', model: 'm', baseUrl: `${VLLM}/v1?api_key=sk-QUERY123456789` },
        env,
      );
    expect(add).toThrow(/^Model "y" not added: --base-url: a URL with no query string or fragment/);
    expect(add).not.toThrow(/QUERY1234/);
    const openai = { alias: 'o', provider: 'openai', model: 'gpt-4o' } as LiveModelConfig;
    for (const [url, why] of [
      ['http://127.0.0.1:8000/v1?api_key=sk-QUERY123456789', 'no query string'],
      ['notaurl', 'starting with http:// or https://'],
      ['http://u:pw5ecret@127.0.0.1:8000/v1', 'no user or password'],
    ]) {
      expect(() => baseUrlOf(openai, { OPENAI_BASE_URL: url })).toThrow(
        new RegExp(
          `^The OpenAI API's address .*\\{\\{fix:: OPENAI_BASE_URL must be an http.* \\(a URL [^(]*${why}.*\\)\\}\\}$`,
        ),
      );
      expect(() => baseUrlOf(openai, { OPENAI_BASE_URL: url })).not.toThrow(/QUERY1234|pw5ecret|notaurl/);
    }
    expect(baseUrlOf(openai, { OPENAI_BASE_URL: `${VLLM}/v1` })).toBe(`${VLLM}/v1`);
  });

  it('refuses a base URL with a password or without a scheme, in one line, at load and at `models add`', () => {
    const entry = (url: string) => `models:\n  x: { provider: openai-compatible, model: m, baseUrl: '${url}' }\n`;
    expect(() => parseRegistry(entry('http://admin:s3cretpw@127.0.0.1:8000/v1'), 'models.yml')).toThrow(
      /^The model registry is not valid\{\{fix:: models\.yml: models\.x\.baseUrl: a URL with no user or password in it .*put the key in apiKeyEnv\}\}\.$/,
    );
    expect(() => parseRegistry(entry('localhost:8000/v1'), 'models.yml')).toThrow(
      /starting with http:\/\/ or https:\/\//,
    );
    const env = { JCB_MODELS: modelsFile(MODELS) };
    expect(() =>
      addModel('y', { provider: 'openai-compatible', model: 'm', baseUrl: 'localhost:8000/v1' }, env),
    ).toThrow(/--base-url: a URL starting with http/);
  });

  it.each([
    // Said as one line: the server's last full stop is left to the sentence it ends up in.
    ['vLLM classic', 400, VLLM_CTX, `400 from the provider: ${VLLM_CTX.message.replace(/\.$/, '')}`],
    ['vLLM newer', 400, VLLM_CTX_NEW, `400 from the provider: ${VLLM_CTX_NEW.error.message}`],
    [
      'Ollama',
      404,
      OLLAMA_404,
      `404 from the provider: no such model or endpoint: ${OLLAMA_404.error.message}: the server has no model m: correct model of vllm in the model registry or pull it (ollama pull m)`,
    ],
    [
      'FastAPI validation (pydantic 2)',
      422,
      { detail: [{ type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: null }] },
      '422 from the provider: messages: Field required',
    ],
    [
      'FastAPI validation (pydantic 1, two fields)',
      422,
      {
        detail: [
          { loc: ['body', 'temperature'], msg: 'ensure this value is less than or equal to 2', type: 'value_error' },
          { loc: ['body', 'messages', 0, 'role'], msg: 'field required', type: 'value_error.missing' },
        ],
      },
      '422 from the provider: temperature: ensure this value is less than or equal to 2; messages.0.role: field required',
    ],
    ['FastAPI detail of another shape', 422, { detail: { reason: 'bad' } }, '422 from the provider: {"reason":"bad"}'],
  ])('keeps the whole message of a %s error body, in `run` and `eval` alike', async (_, status, body, line) => {
    nock(VLLM).post('/v1/chat/completions').times(2).reply(status, body);
    expect(await runLine('vllm')).toBe(`vllm: ${line}`);
    expect((await evalError('vllm')).cause).toBe(line);
  });

  it('does not retry a quota 429; says a 502 page by its title', async () => {
    nock(VLLM).post('/v1/chat/completions').once().reply(429, QUOTA);
    expect(await runLine('vllm')).toMatch(
      /^vllm: 429 from the provider: quota exceeded \(waiting does not help\): You exceeded your current quota/,
    );
    nock(VLLM).post('/v1/chat/completions').times(3).reply(502, NGINX_502, { 'content-type': 'text/html' });
    expect(await runLine('vllm')).toBe('vllm: 502 from the provider: server error: an HTML page ("502 Bad Gateway")');
  });

  it('fails at once, naming the wait, when Retry-After asks for more than a minute; honours retry-after-ms', async () => {
    nock(VLLM)
      .post('/v1/chat/completions')
      .once()
      .reply(429, { error: { message: 'Rate limit reached' } }, { 'Retry-After': '3600' });
    expect(await runLine('vllm')).toBe(
      'vllm: 429 from the provider: rate limit exceeded: Rate limit reached; the server asks to wait 3600 s (Retry-After), more than the 60 s jcb waits',
    );
    nock(VLLM)
      .post('/v1/chat/completions')
      .reply(429, { error: { message: 'Rate limit reached' } }, { 'retry-after-ms': '400' })
      .post('/v1/chat/completions')
      .reply(200, completion('m', MR));
    const started = Date.now();
    expect(await runLine('vllm')).toBe('answered');
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('names timeoutMs when the server does not answer, and retries a timeout once only', async () => {
    const scope = nock(VLLM).post('/v1/chat/completions').times(6).delay(2000).reply(200, completion('m', MR));
    const heard: string[] = [];
    const line = await t.services
      .run({ task: 'mr', model: 'patient', doc: 'random', shot: 'zero', onRetry: (_, c) => heard.push(c) })
      .catch((e: Error) => operatorFixFor(e.message, 'terminal'));
    expect(line).toBe(
      'patient: no answer within 0.3 s (timeoutMs 300): raise timeoutMs in models.yml if the server is slow',
    );
    expect(heard).toHaveLength(1);
    expect(scope.pendingMocks()).toHaveLength(1); // 2 of 6 used (nock counts one interceptor)
  });

  it.each([
    [
      'empty choices',
      200,
      { id: 'x', object: 'chat.completion', choices: [], usage: {} },
      {},
      1,
      'the server answered 200 with no answer in it (empty choices)',
    ],
    [
      'a bare JSON string',
      200,
      '"just a string"',
      { 'content-type': 'application/json' },
      1,
      'the server answered 200 with JSON that is not a chat completion (no choices)',
    ],
    [
      'a stream',
      200,
      'data: {"choices":[{"delta":{"content":"x"}}]}\n\ndata: [DONE]\n\n',
      { 'content-type': 'text/event-stream' },
      1,
      'the server answered with a stream (text/event-stream) although jcb asks stream: false: a streaming-only gateway is not supported',
    ],
    [
      'an HTML page (retried)',
      200,
      '<!DOCTYPE html><html><head><title>Sign in</title></head></html>',
      { 'content-type': 'text/html' },
      3,
      'the server answered 200 with an HTML page (is the base URL right, or a proxy in the way?), not a chat completion',
    ],
  ])('says a 200 with %s in one line', async (_, status, body, headers, attempts, line) => {
    const scope = nock(VLLM).post('/v1/chat/completions').times(3).reply(status, body, headers);
    expect(await runLine('vllm')).toBe(`vllm: ${line}`);
    expect(scope.isDone()).toBe(attempts === 3); // retried (3 requests) or not
  });

  it('says a base URL has no /v1, and that it could not connect, never the address (src/base/shown.ts)', async () => {
    nock(VLLM).post('/chat/completions').reply(404, { detail: 'Not Found' });
    expect(await runLine('nov1')).toBe(
      'nov1: 404 from the provider: no such model or endpoint: Not Found (the baseUrl of model nov1 in the model registry has no /v1: vLLM, SGLang and Ollama serve under …/v1)',
    );
    // (The cause, refused, host not found or TLS, is read from the socket's error code, which nock hides.)
    nock.enableNetConnect(/127\.0\.0\.1:(2|9)$/);
    expect(await runLine('refused')).toMatch(
      /^refused: could not connect to the server \(connection refused\): is the server running\? \(the baseUrl of model refused in the model registry\)/,
    );
    // Port 9 is on fetch's list of ports it never calls: said so, not "(connection error)" (break-urls).
    expect(await runLine('badport')).toBe(
      'badport: could not connect to the server (a port fetch refuses to call): serve the model on another port',
    );
  });
});

describe('replies that are no plain answer, as the servers send them', () => {
  const t = servicesOverNock('sqlite', { JCB_MODELS: modelsFile(MODELS) });

  const run = () => t.services.run({ task: 'mr', model: 'vllm', doc: 'random', shot: 'zero' });

  it('takes `<think >…</think >` (a space before >) as thinking, never as the answer', async () => {
    const content = `<think >オルメテック, アムロジピン を考えた</think >\n${MR.content}`;
    nock(VLLM).post('/v1/chat/completions').reply(200, completion('m', { content }));
    const result = await run();
    expect(result.output).toBe(MR.content);
    expect(result.thinking).toBe('オルメテック, アムロジピン を考えた');
  });

  it("shows OpenAI's refusal as a refusal, with the model's words", async () => {
    const body = completion('m', { content: null });
    Object.assign(body.choices[0].message, { refusal: 'I cannot help with that.' });
    nock(VLLM).post('/v1/chat/completions').reply(200, body);
    expect((await run()).incomplete).toBe('refused by the model: I cannot help with that');
  });

  /** A reply that calls a tool and says nothing (OpenAI's and vLLM's shape): `content` null, `tool_calls`. */
  const toolCall = (finish = 'tool_calls') => {
    const body = completion('m', { content: null, finish_reason: finish });
    const call = {
      id: 'call_1',
      type: 'function',
      function: { name: 'lookup_drug', arguments: '{"name":"アスピリン"}' },
    };
    Object.assign(body.choices[0].message, { tool_calls: [call] });
    return body;
  };

  it('shows a reply holding only a tool call as a tool call, not as an empty answer: run, eval, ask', async () => {
    nock(VLLM).post('/v1/chat/completions').reply(200, toolCall());
    const ran = await run();
    expect(ran.output).toBe('');
    expect(ran.incomplete).toBe('answered with a tool call, not text');
    // A server that says it stopped for no reason it names (finish_reason stop) is read by the message alone.
    nock(VLLM).post('/v1/chat/completions').times(2).reply(200, toolCall('stop'));
    const evaluated = await t.services.evaluate({ task: 'mr', model: 'vllm', shot: 'zero', limit: 2 });
    expect(evaluated.outcomes[0]).toMatchObject({ n: 2, noAnswer: 2, parseFailures: 0 });
    const shown = await t.services.show(evaluated.run.id);
    expect(shown.incomplete.map((i) => i.why)).toEqual(['tool-call', 'tool-call']);
    nock(VLLM).post('/v1/chat/completions').reply(200, toolCall());
    const asked = await t.services.ask({ task: 'cts', model: 'ward', text: '夜間の発熱なし．' });
    expect(asked).toMatchObject({ output: '', incomplete: 'answered with a tool call, not text' });
  });

  it('counts a thinking-only reply once: no answer, not also unreadable', async () => {
    nock(VLLM)
      .post('/v1/chat/completions')
      .times(2)
      .reply(200, completion('m', { content: null, reasoning: 'ニトログリセリンかな' }));
    const result = await t.services.evaluate({ task: 'mr', model: 'vllm', shot: 'zero', limit: 2 });
    expect(result.outcomes[0]).toMatchObject({ n: 2, noAnswer: 2, parseFailures: 0 });
  });
});

/** OpenRouter's choice when the upstream provider failed mid-answer: `finish_reason: "error"` and the choice's `error`. */
const cutByServer = (content: string | null, finish: string, error?: unknown) => {
  const body = completion('m', { content, finish_reason: finish });
  if (error) Object.assign(body.choices[0], { error });
  return body;
};

describe('a 200 the server itself failed in: a failure with its message, never the model’s answer', () => {
  const t = servicesOverNock('sqlite', { JCB_MODELS: modelsFile(MODELS) });
  const runLine = () =>
    t.services.run({ task: 'mr', model: 'vllm', doc: 'random', shot: 'zero' }).then(
      (r) => `answered: ${r.output}`,
      (err: Error) =>
        err instanceof UserError ? operatorFixFor(err.message, 'terminal') : `unexpected: ${err.message}`,
    );

  it.each([
    [
      'OpenRouter: finish_reason "error", the partial text and the choice’s error',
      cutByServer('["ニトログリ', 'error', { code: 502, message: 'Upstream provider disconnected' }),
      3,
      'the server answered 200 but ended the answer itself (finish_reason "error"): Upstream provider disconnected',
    ],
    [
      'finish_reason "error", nothing said',
      cutByServer('', 'error'),
      3,
      'the server answered 200 but ended the answer itself (finish_reason "error")',
    ],
    [
      'vLLM/SGLang: finish_reason "abort"',
      cutByServer(null, 'abort'),
      3,
      'the server answered 200 but ended the answer itself (finish_reason "abort")',
    ],
    [
      'an error body under 200, an upstream 429 (retried)',
      { error: { message: 'Provider returned error', code: 429, metadata: { raw: 'rate limited' } }, user_id: 'u' },
      3,
      'the server answered 200 with an error instead of an answer (code 429): Provider returned error',
    ],
    [
      'an error body under 200, a 400 (not retried)',
      { error: { message: 'Input required: specify "prompt" or "messages"', code: 400 } },
      1,
      'the server answered 200 with an error instead of an answer (code 400): Input required: specify "prompt" or "messages"',
    ],
    [
      'a text completion’s choice (`text`, no message)',
      { id: 'x', object: 'text_completion', choices: [{ index: 0, text: MR.content, finish_reason: 'stop' }] },
      1,
      'the server answered 200 with a choice that holds no message (a text completion? jcb calls /chat/completions)',
    ],
  ])('%s', async (_, body, attempts, line) => {
    const scope = nock(VLLM).post('/v1/chat/completions').times(3).reply(200, body);
    expect(await runLine()).toBe(`vllm: ${line}`);
    expect(scope.pendingMocks().length === 0).toBe(attempts === 3);
    nock.cleanAll();
    // In an eval: a failed document (out of the scores, asked again by --run), not a non-answer scored empty.
    nock(VLLM).post('/v1/chat/completions').times(3).reply(200, body);
    const result = await t.services.evaluate({ task: 'mr', model: 'vllm', shot: 'zero', limit: 1 });
    expect(result.outcomes[0]).toMatchObject({ n: 0, failed: 1, noAnswer: 0 });
    expect(failureCause((await t.services.runDocuments(result.run.id))[0].error ?? '')).toBe(line);
    nock.cleanAll();
    nock(VLLM).post('/v1/chat/completions').reply(200, completion('m', MR));
    const resumed = await t.services.evaluate({
      task: 'mr',
      model: 'vllm',
      shot: 'zero',
      limit: 1,
      runId: result.run.id,
    });
    expect(resumed.outcomes[0]).toMatchObject({ n: 1, failed: 0, noAnswer: 0 });
  });

  it('says a connection the server reset or closed before answering as such, not as one it could not make', async () => {
    nock(VLLM).post('/v1/chat/completions').times(3).replyWithError({ code: 'ECONNRESET', message: 'read ECONNRESET' });
    expect(await runLine()).toBe('vllm: the connection dropped before any answer: the server reset it');
  });
});
