// A model's server that cannot be reached fails every document the same way, each after its retries: a
// foreground run stops taking documents after unreachableLimit of them in a row (src/evaluation/engine.ts),
// interrupted and resumable, and says so in one line; a server that answers with the document's failures (a 4xx)
// is not stopped. Every other server-side kind (5xx, …): test/server-side-failures.test.ts.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { unreachableLine } from '../src/cli/interrupted.js';
import { unreachableLimit } from '../src/evaluation/engine.js';
import { modelsFile, servicesOverNock } from './fake-provider.js';

const VLLM = 'http://127.0.0.1:8000';
const MODELS = `
models:
  down: { provider: openai-compatible, model: m, baseUrl: 'http://127.0.0.1:2/v1', maxRetries: 1, concurrency: 1, dataPolicy: on-premises }
  failing: { provider: openai-compatible, model: m, baseUrl: ${VLLM}/v1, maxRetries: 0, concurrency: 2, dataPolicy: on-premises }
`;

describe("a model's server that cannot be reached", () => {
  const t = servicesOverNock('sqlite', { JCB_MODELS: modelsFile(MODELS) });

  it('stops a run after three documents in a row failed to connect (one at a time), interrupted, the rest not tried', async () => {
    // Port 2: nothing listens, every connection is refused (the test's network is closed but for it).
    nock.enableNetConnect(/127\.0\.0\.1:2$/);
    const result = await t.services.evaluate({ task: 'mr,irs,re-ent', model: 'down', shot: 'zero' });
    expect(result.interrupted).toBe(true);
    expect(result.planned).toBeGreaterThan(6);
    expect(result.unreachable?.documents).toBe(unreachableLimit(1));
    expect(result.unreachable?.error).toMatch(/^down: could not connect to .* \(connection refused\)/);
    const rows = await t.services.runDocuments(result.run.id);
    // Those three, each after its retry: every planned document would be tried otherwise.
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.status === 'failed' && r.attempts === 2)).toBe(true);
    expect((await t.services.show(result.run.id)).run.status).toBe('interrupted');
  });

  it("goes on through a server that refuses every document (a 4xx): it works, the failures are the documents'", async () => {
    nock(VLLM).post('/v1/chat/completions').times(100).reply(400, {
      object: 'error',
      message: "This model's maximum context length is 2048 tokens.",
      type: 'BadRequestError',
      code: 400,
    });
    const result = await t.services.evaluate({ task: 'mr,irs,re-ent', model: 'failing', shot: 'zero' });
    expect(result.interrupted).toBe(false);
    expect(result.unreachable).toBeUndefined();
    expect(result.planned).toBeGreaterThan(6);
    const rows = await t.services.runDocuments(result.run.id);
    expect(rows.map((r) => r.status)).toEqual(Array(result.planned).fill('failed'));
  });

  it('says where the run stands, why, and how to resume, in one line', () => {
    const line = unreachableLine(
      { task: 'mr', model: 'down', shot: 'zero', limit: 30 },
      'R1',
      {
        error:
          'down: could not connect to http://10.0.0.5:8000/v1 (connection refused): is the server running? (after 2 attempts)',
        documents: 4,
      },
      0,
      30,
    );
    expect(line).toBe(
      'stopped: the server of down failed 4 documents in a row (could not connect to the server (connection refused): is the server running?); run R1, 0 of 30 done; resume with jcb eval mr down --shot zero --limit 30 --run R1 once the server answers.',
    );
    expect(line).not.toMatch(/10\.0\.0\.5|\n/);
  });

  it('needs at least three documents, and twice those in flight', () => {
    expect([1, 2, 4, 8].map(unreachableLimit)).toEqual([3, 4, 8, 16]);
  });
});
