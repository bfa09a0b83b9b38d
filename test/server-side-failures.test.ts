// Whose failure a reply is (FAILURE_SIDE, src/models/server-reply.ts), generated from that table: every kind the
// server's side (a proxy's 502 page before a dead vLLM, a 503 while loading, a 504, a crashed worker's 500, an
// error body with code 5xx under 200, a reset, a timeout) stops a run after unreachableLimit documents in a row,
// with one line naming what the server answered and no address; every kind the document's lets the run go on.
// A server on this machine answers as the real ones do, and refuses what they refuse.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { unreachableLine } from '../src/cli/interrupted.js';
import { unreachableLimit } from '../src/evaluation/engine.js';
import { failureCause } from '../src/evaluation/failure-cause.js';
import { CONFIGURATION_IN_A_ROW } from '../src/models/failure-side.js';
import { FAILURE_SIDE, type ReplyKind } from '../src/models/server-reply.js';
import { json, servicesOverNock, vllmStandIn, type Reply } from './fake-provider.js';
import { completion } from './openai-fake.js';

/** What the server does with one chat completion request. */
const text =
  (status: number, type: string, body: string): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
const ANSWER = '["アンサー薬"]';
const ok = json(200, completion('m', { content: ANSWER }));
const withContent = (content: unknown) => {
  const body = completion('m', { content: ANSWER });
  return json(200, { ...body, choices: [{ ...body.choices[0], message: { role: 'assistant', content } }] });
};
/** A uvicorn worker's 500 when vLLM's engine died: text/plain, the traceback, the exception last. */
const TRACEBACK =
  'Traceback (most recent call last):\n  File "/opt/venv/lib/python3.11/site-packages/vllm/entrypoints/openai/api_server.py", line 412, in create_chat_completion\nRuntimeError: engine dead';
const NGINX_502 =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.18.0</center></body></html>';
const NGINX_504 =
  '<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center><hr><center>nginx/1.18.0</center></body></html>';

/** Kinds of the server's side and the document's (the configuration's: test/configuration-failures.test.ts). */
type Kind = Exclude<ReplyKind, keyof typeof CONFIGURATION_IN_A_ROW>;
/** Members of each kind of FAILURE_SIDE, as real servers send them: a kind added there needs its members here. */
const MEMBERS: Record<Kind, [string, Reply][]> = {
  connection: [['reset before any answer (a crashed worker)', (res) => res.socket?.destroy()]],
  timeout: [['no answer at all (a hung engine)', () => undefined]],
  'status 5xx': [
    ["nginx's 502 page before a dead vLLM", text(502, 'text/html', NGINX_502)],
    [
      "503 'Loading model' (llama.cpp, vLLM starting)",
      json(503, { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } }),
    ],
    ["nginx's 504 page", text(504, 'text/html', NGINX_504)],
    ["a crashed uvicorn worker's traceback", text(500, 'text/plain', TRACEBACK)],
    ["FastAPI's 500 detail", json(500, { detail: 'Internal error: worker died' })],
  ],
  'error in 200, code 5xx': [
    [
      "vLLM's ErrorResponse, code 500",
      json(200, { object: 'error', message: 'engine dead', type: 'InternalServerError', code: 500 }),
    ],
    ["a proxy's error body, code 502", json(200, { error: { message: 'Upstream error', code: 502 } })],
  ],
  'status 4xx': [
    [
      "vLLM's context-length 400",
      json(400, {
        object: 'error',
        message: "This model's maximum context length is 2048 tokens.",
        type: 'BadRequestError',
        code: 400,
      }),
    ],
    ["vLLM's 404 of a path", json(404, { detail: 'Not Found' })],
    ["vLLM's 422 for a body it cannot read", json(422, { detail: [{ loc: ['body'], msg: 'Field required' }] })],
    [
      "OpenAI's 429 rate limit",
      json(429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }),
    ],
  ],
  'error in 200': [
    ["FastAPI's detail under 200", json(200, { detail: 'Internal error: worker died' })],
    [
      "vLLM's ErrorResponse, code 400",
      json(200, { object: 'error', message: 'bad request', type: 'BadRequestError', code: 400 }),
    ],
  ],
  'not a completion': [
    ['content a number', withContent(42)],
    ['JSON of another shape', json(200, { model: 'm', message: { role: 'assistant', content: ANSWER } })],
  ],
  'ended by the server': [
    [
      'finish_reason abort',
      json(200, {
        ...completion('m', { content: 'cut' }),
        choices: [{ index: 0, message: { role: 'assistant', content: 'cut' }, finish_reason: 'abort' }],
      }),
    ],
  ],
  'body unreadable': [
    [
      'gzip said, not sent',
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(JSON.stringify(completion('m', { content: ANSWER })));
      },
    ],
  ],
};

let reply: Reply = ok;
const env: Record<string, string> = {};
const t = servicesOverNock('sqlite', env);

// Strict routing, as vLLM's FastAPI app (vllmStandIn).
vllmStandIn(
  env,
  (base) => `
models:
  local: { provider: openai-compatible, model: m, baseUrl: ${base}, maxRetries: 0, concurrency: 1, timeoutMs: 300, dataPolicy: on-premises }
  retrying: { provider: openai-compatible, model: m, baseUrl: ${base}, maxRetries: 1, concurrency: 1, timeoutMs: 300, apiKeyEnv: LOCAL_KEY, dataPolicy: on-premises }
`,
  (res) => reply(res),
);

const cases = (Object.keys(MEMBERS) as Kind[]).flatMap((kind) =>
  MEMBERS[kind].map(([name, r]) => ({ kind, name, r, side: FAILURE_SIDE[kind] })),
);

describe('whose failure a reply is, each kind of FAILURE_SIDE', () => {
  it('has members for every kind', () => {
    const notConfiguration = Object.keys(FAILURE_SIDE).filter((k) => !(k in CONFIGURATION_IN_A_ROW));
    expect(Object.keys(MEMBERS).sort()).toEqual(notConfiguration.sort());
  });

  it.each(cases)('$kind ($side): $name', async ({ r, side }) => {
    nock.enableNetConnect('127.0.0.1');
    reply = r;
    const cmd = { task: 'mr,irs,re-ent', model: 'local', shot: 'zero' as const };
    const result = await t.services.evaluate(cmd);
    const rows = await t.services.runDocuments(result.run.id);
    expect(rows.every((row) => row.status === 'failed')).toBe(true);
    if (side === 'document') {
      expect(result.unreachable).toBeUndefined();
      expect(rows).toHaveLength(result.planned!);
      expect(result.planned).toBeGreaterThan(unreachableLimit(1));
      return;
    }
    expect(result.unreachable?.documents).toBe(unreachableLimit(1));
    expect(rows).toHaveLength(unreachableLimit(1));
    const line = unreachableLine(cmd, result.run.id, result.unreachable!, 0, result.planned);
    expect(line).toContain(
      `stopped: the server of local failed 3 documents in a row (${failureCause(rows[2].error!)})`,
    );
    expect(line).not.toMatch(/127\.0\.0\.1|http|\n/);
  });

  it('goes on when the server answers between its failures: the count is of documents in a row', async () => {
    let n = 0;
    reply = (res) => (n++ % 2 ? ok : text(502, 'text/html', NGINX_502))(res);
    const result = await t.services.evaluate({ task: 'mr,irs,re-ent', model: 'local', shot: 'zero', noCache: true });
    expect(result.unreachable).toBeUndefined();
    const statuses = (await t.services.runDocuments(result.run.id)).map((r) => r.status);
    expect(statuses).toHaveLength(result.planned!);
    expect(statuses.filter((s) => s === 'done')).toHaveLength(Math.floor(result.planned! / 2));
  });
});

/** The stored error and attempts of one document answered `r` by the model `model`. */
async function stored(r: Reply, model = 'local') {
  reply = r;
  const result = await t.services.evaluate({ task: 'mr', model, shot: 'zero', limit: 1, noCache: true });
  const [row] = await t.services.runDocuments(result.run.id);
  return { error: row.error, attempts: row.attempts, output: row.output, status: row.status };
}

describe('what a server that failed said, in each shape', () => {
  it.each([
    [
      json(200, { object: 'error', message: 'engine dead', type: 'InternalServerError', code: 500 }),
      'the server answered 200 with an error instead of an answer (code 500): engine dead',
      2,
    ],
    [
      json(200, { detail: 'Internal error: worker died' }),
      'the server answered 200 with an error instead of an answer: Internal error: worker died',
      1,
    ],
    [
      json(200, { detail: [{ loc: ['body', 'messages'], msg: 'Field required', type: 'missing' }] }),
      'the server answered 200 with an error instead of an answer: messages: Field required',
      1,
    ],
    [
      json(200, { error: { message: 'key sk-local-SECRET-0123456789 broke', code: 503 } }),
      'the server answered 200 with an error instead of an answer (code 503): key [key] broke',
      2,
    ],
    [text(500, 'text/plain', TRACEBACK), '500 from the provider: server error: RuntimeError: engine dead', 2],
  ])('%#: shows the message, masked; retries a 5xx code, not a 4xx or none', async (r, message, attempts) => {
    const row = await stored(r, 'retrying');
    expect(row).toMatchObject({
      status: 'failed',
      error: `retrying: ${message} (after ${attempts} attempt${attempts > 1 ? 's' : ''})`,
      attempts,
    });
  });

  it.each([
    [42, 'a number'],
    [{ text: ANSWER }, 'an object'],
    [true, 'a boolean'],
    [[1, 2], 'an array holding a number'],
    [['a'], 'an array holding a string'],
  ])('content %j: one line naming its type, stored failed, not retried', async (content, type) => {
    const row = await stored(withContent(content), 'retrying');
    expect(row).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: `retrying: the server answered 200 with a message whose content is ${type}, not text (after 1 attempt)`,
    });
  });

  it('reads typed parts and an empty list of them as text', async () => {
    expect((await stored(withContent([{ type: 'text', text: ANSWER }]))).output).toBe(ANSWER);
    expect(await stored(withContent([]))).toMatchObject({ status: 'done', output: '' });
  });

  it('takes the choice with index 0 when n > 1 choices come in another order', async () => {
    const body = completion('m', { content: ANSWER });
    const second = { index: 1, message: { role: 'assistant', content: '["セカンド薬"]' }, finish_reason: 'stop' };
    expect((await stored(json(200, { ...body, choices: [second, body.choices[0]] }))).output).toBe(ANSWER);
  });

  it('says a body that does not decode and a stream sent as JSON as what they are', async () => {
    expect((await stored(MEMBERS['body unreadable'][0][1])).error).toBe(
      "local: the server's answer could not be decoded (it says Content-Encoding: gzip, and the body is not that) (after 1 attempt)",
    );
    const sse = `data: ${JSON.stringify(completion('m', { content: ANSWER }))}\n\ndata: [DONE]\n\n`;
    expect((await stored(text(200, 'application/json', sse))).error).toMatch(
      /^local: the server answered with a stream \(data: lines sent as application\/json\) although/,
    );
  });
});
