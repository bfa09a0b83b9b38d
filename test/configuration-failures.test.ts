// Failures of the configuration, not of the document (FAILURE_SIDE 'configuration', src/models/failure-side.ts),
// generated from that table: a key refused (401, 403), a model the server does not have (Ollama, vLLM, OpenAI 404),
// a spent quota (429 insufficient_quota), a setting jcb sends refused (400 every document). A run stops at the
// first (a 400: the second in a row), interrupted and resumable, nothing of it stored failed, with one line saying
// what to fix in the model registry or the account; a queued run stops the same (its jobs removed, status says why). A
// server on this machine answers as OpenAI, vLLM and Ollama do.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { misconfiguredLine } from '../src/cli/interrupted.js';
import { ASK_OPERATOR } from '../src/base/shown.js';
import { failureCause } from '../src/evaluation/failure-cause.js';
import { CONFIGURATION_IN_A_ROW, FAILURE_SIDE, type ReplyKind } from '../src/models/failure-side.js';
import { createServices } from '../src/services/index.js';
import { json, servicesOverNock, vllmStandIn, type Reply } from './fake-provider.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer } from './helpers.js';
import { completion } from './openai-fake.js';
import { fileRedis, waitFor } from './own-redis.js';

const MODEL = 'llama3.1:8b';
const ok = json(200, completion(MODEL, { content: '["アンサー薬"]' }));
const openaiError = (status: number, message: string, type: string, code: string | null, param: string | null = null) =>
  json(status, { error: { message, type, param, code } });
const vllmError = (status: number, message: string, type: string) =>
  json(status, { object: 'error', message, type, param: null, code: status });

type Kind = keyof typeof CONFIGURATION_IN_A_ROW;
/** Members of each configuration kind, as the servers send them, and what the stop line tells the operator. */
const MEMBERS: Record<Kind, { fix: string; members: [string, Reply][] }> = {
  'key refused': {
    fix: 'set a valid key in LOCAL_KEY (apiKeyEnv of local in the model registry)',
    members: [
      [
        "OpenAI's 401 invalid_api_key",
        openaiError(401, 'Incorrect API key provided: sk-loca***6789.', 'invalid_request_error', 'invalid_api_key'),
      ],
      ["vLLM's 401 (--api-key)", json(401, { error: 'Unauthorized' })],
    ],
  },
  'model not found': {
    fix: `the server has no model ${MODEL}: correct model of local in the model registry`,
    members: [
      [
        "Ollama's 404, not pulled",
        openaiError(404, `model "${MODEL}" not found, try pulling it first`, 'api_error', null),
      ],
      ["vLLM's 404", vllmError(404, `The model \`${MODEL}\` does not exist.`, 'NotFoundError')],
      [
        "OpenAI's 404 model_not_found",
        openaiError(
          404,
          `The model \`${MODEL}\` does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model_not_found',
        ),
      ],
    ],
  },
  'quota spent': {
    fix: 'the account of the API key in LOCAL_KEY has no quota left: add credit, or use another key',
    members: [
      [
        "OpenAI's 429 insufficient_quota",
        openaiError(
          429,
          'You exceeded your current quota, please check your plan and billing details.',
          'insufficient_quota',
          'insufficient_quota',
        ),
      ],
    ],
  },
  'status 400': {
    fix: 'change or remove the setting it names in the model registry',
    members: [
      [
        "OpenAI's 400 unsupported_parameter",
        openaiError(
          400,
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          'invalid_request_error',
          'unsupported_parameter',
          'max_tokens',
        ),
      ],
      [
        "vLLM's 400 for a sampling setting",
        vllmError(400, 'temperature must be non-negative, got -1.0.', 'BadRequestError'),
      ],
    ],
  },
};

let reply: Reply = ok;
let asked = 0;
const env: Record<string, string> = {};
const t = servicesOverNock('sqlite', env);

vllmStandIn(
  env,
  (base) => `
models:
  local: { provider: openai-compatible, model: "${MODEL}", baseUrl: ${base}, maxRetries: 1, concurrency: 1, timeoutMs: 2000, apiKeyEnv: LOCAL_KEY, dataPolicy: on-premises }
`,
  (res) => {
    asked++;
    reply(res);
  },
);

const kinds = (Object.keys(FAILURE_SIDE) as ReplyKind[]).filter((k) => FAILURE_SIDE[k] === 'configuration') as Kind[];
const cases = kinds.flatMap((kind) =>
  MEMBERS[kind].members.map(([name, r]) => ({ kind, name, r, fix: MEMBERS[kind].fix })),
);
const cmd = { task: 'mr,irs,re-ent', model: 'local', shot: 'zero' as const, noCache: true };

describe('a failure of the configuration stops the run, each kind of FAILURE_SIDE', () => {
  it('has members for every configuration kind', () => {
    expect(kinds.sort()).toEqual(Object.keys(MEMBERS).sort());
  });

  it.each(cases)('$kind: $name', async ({ kind, r, fix }) => {
    nock.enableNetConnect('127.0.0.1');
    reply = r;
    asked = 0;
    const inARow = CONFIGURATION_IN_A_ROW[kind];
    const result = await t.services.evaluate(cmd);
    expect(result).toMatchObject({ interrupted: true, misconfigured: { documents: inARow } });
    expect(result.planned).toBeGreaterThan(inARow + 1);
    // Asked once a document (never retried), no more than it took to see it.
    expect(asked).toBe(inARow);
    // Nothing stored failed for it: a 400's first document only, which may have been its own.
    const rows = await t.services.runDocuments(result.run.id);
    expect(rows.map((row) => row.status)).toEqual(Array(inARow - 1).fill('failed'));
    expect((await t.services.show(result.run.id)).run.status).toBe('interrupted');
    const line = misconfiguredLine(cmd, result.run.id, result.misconfigured!, 0, result.planned);
    const count = inARow > 1 ? `, ${inARow} documents in a row` : '';
    expect(line).toContain(`stopped: local is set up in a way its server refuses${count} (`);
    expect(line).toContain(fix);
    expect(line).toMatch(/; resume with jcb eval mr,irs,re-ent local --shot zero --no-cache --run \S+ once fixed\.$/);
    expect(line).not.toMatch(/127\.0\.0\.1|http|\n|SECRET|\.:/);
    // Slack's users are sent to the operator, never told the variable.
    const chat = failureCause(result.misconfigured!.error, 'chat');
    expect(chat).toContain(ASK_OPERATOR);
    expect(chat).not.toMatch(/LOCAL_KEY|registry/);
    // Fixed, the run resumes where it stopped and finishes with every document answered.
    reply = ok;
    const resumed = await t.services.evaluate({ ...cmd, runId: result.run.id });
    expect(resumed.interrupted).toBe(false);
    expect((await t.services.runDocuments(result.run.id)).every((row) => row.status === 'done')).toBe(true);
  });

  it.each([
    ['a 400 between answers (one document refused)', (n: number) => (n % 2 ? ok : MEMBERS['status 400'].members[0][1])],
    [
      "vLLM's context-length 400 every document (the documents')",
      () => vllmError(400, "This model's maximum context length is 2048 tokens.", 'BadRequestError'),
    ],
    [
      'a 429 rate limit every document',
      () => openaiError(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded'),
    ],
  ])('goes on after %s', async (_name, at) => {
    let n = 0;
    reply = (res) => at(n++)(res);
    const result = await t.services.evaluate(cmd);
    expect(result.misconfigured).toBeUndefined();
    expect(await t.services.runDocuments(result.run.id)).toHaveLength(result.planned!);
  });
});

describe('a queued run stops the same', () => {
  const { redis, closers } = fileRedis();

  it.each(kinds.map((kind) => ({ kind, r: MEMBERS[kind].members[0][1], fix: MEMBERS[kind].fix })))(
    '$kind: the run interrupted, its waiting jobs removed, status says what to fix',
    async ({ kind, r, fix }) => {
      nock.enableNetConnect('127.0.0.1');
      reply = r;
      asked = 0;
      const store = await freshStore('sqlite');
      closers.push(() => store.drop());
      const prefix = `cfg-${kind.replace(/\W/g, '')}`;
      const services = createServices({
        env: {
          ...FIXTURE_ENV,
          ...env,
          ...store.env,
          REDIS_URL: redis.url,
          JCB_QUEUE_PREFIX: prefix,
          JCB_QUEUE_CHUNK: '2',
        },
        tokenizer: inThreadTokenizer(),
      });
      closers.push(() => services.close());
      const queued = await services.enqueueEvaluation(cmd);
      expect(queued.jobs).toBeGreaterThan(2);
      // Jobs of the run not taken: Bull's lists of waiting and delayed jobs under the run's queue prefix.
      const jobsLeft = () =>
        ['wait', 'delayed']
          .flatMap((list) => redis.cli('--scan', '--pattern', `${prefix}:*:${list}`).split('\n').filter(Boolean))
          .reduce((n, key) => n + Number(redis.cli(key.endsWith(':wait') ? 'llen' : 'zcard', key)), 0);
      expect(jobsLeft()).toBe(queued.jobs);
      const worker = await services.startWorker(1);
      await waitFor(async () => (await services.status(queued.run.id))[0].run.status === 'interrupted');
      const [status] = await services.status(queued.run.id);
      expect(status.cause).toContain(fix);
      const count = CONFIGURATION_IN_A_ROW[kind] > 1 ? `, ${CONFIGURATION_IN_A_ROW[kind]} documents in a row` : '';
      expect(status.cause).toMatch(new RegExp(`^set up in a way its server refuses${count} \\(`));
      expect(asked).toBe(CONFIGURATION_IN_A_ROW[kind]);
      const rows = await services.runDocuments(queued.run.id);
      expect(rows.filter((row) => row.status === 'failed')).toHaveLength(CONFIGURATION_IN_A_ROW[kind] - 1);
      expect(rows.filter((row) => row.status === 'done')).toHaveLength(0);
      await worker.stop(1000);
      // None left to take: the waiting ones removed.
      expect(jobsLeft()).toBe(0);
    },
  );
});
