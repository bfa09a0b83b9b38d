// The shipped registry's live models through the `jcb` program, against a loopback server that answers
// like the OpenAI API (OPENAI_BASE_URL points to it), on the release's documents.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import { freshStore, inThreadTokenizer, JCB_BIN, releaseDir } from './helpers.js';
import { loopbackOpenAI, openaiReply } from './openai-fake.js';

const data = releaseDir();

function jcb(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, ...env };
    delete childEnv.JCB_MODELS; // the shipped data/models.yml
    const child = spawn(process.execPath, [JCB_BIN, ...args], { env: childEnv });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe.skipIf(!data)('live models of data/models.yml through jcb', () => {
  let api: Awaited<ReturnType<typeof loopbackOpenAI>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    // ExamQA answers: always option 1 (right or wrong does not matter here, only that it is read).
    api = await loopbackOpenAI(() => ({ content: '1' }));
    const store = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-live-cli-')), 'jcb.sqlite');
    env = { JCB_DATA_DIR: data!, JCB_STORE: store, OPENAI_BASE_URL: api.url, OPENAI_API_KEY: 'sk-test' };
  });
  afterAll(() => api.close());

  it('evaluates gpt-5-live on a server that refuses temperature and max_tokens, with no failure', async () => {
    const r = await jcb(['eval', 'examqa', 'gpt-5-live', '--limit', '5', '--shot', 'zero', '--json'], env);
    expect(r.err).not.toMatch(/MaxListenersExceededWarning/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).outcomes[0]).toMatchObject({ n: 5, failed: 0, parseFailures: 0 });
    const sent = api.bodies.filter((b) => b.model === 'gpt-5');
    expect(sent).toHaveLength(5);
    for (const body of sent) {
      expect(body).not.toHaveProperty('temperature');
      expect(body).toMatchObject({ max_completion_tokens: 4096 });
    }
  });

  it('prints calls, tokens and cost of a dry run, making no call', async () => {
    const before = api.bodies.length;
    const r = await jcb(['eval', 'all', 'gpt-4o-live', '--dry-run', '--limit', '3'], env);
    expect(r.code).toBe(0);
    expect(api.bodies.length).toBe(before);
    expect(r.out).toMatch(/Documents 39 · calls 39 · prompt tokens [\d,]+ \(counted with o200k_base/);
    expect(r.out).toMatch(/Expected output tokens [\d,]+/);
    expect(r.out).toMatch(/Cost: about \$\d+\.\d+, at most \$\d+\.\d+/);
  });

  it('a dry run needs no API key, and a replay or the baseline says: no requests, $0', async () => {
    const before = api.bodies.length;
    const noKey = await jcb(['eval', 'mr', 'gpt-4o-live', '--dry-run', '--limit', '2'], { ...env, OPENAI_API_KEY: '' });
    expect(noKey.err).toBe('');
    expect(noKey.code).toBe(0);
    expect(noKey.out).toMatch(/Documents 2 · calls 2 · prompt tokens/);
    const baseline = await jcb(['eval', 'mr', 'baseline', '--dry-run', '--limit', '4'], env);
    expect(baseline.code).toBe(0);
    expect(baseline.out.trim()).toBe(
      "Dry run of mr on baseline (one-shot, the paper's documents): 4 documents, answered here: no requests, $0.",
    );
    const replay = await jcb(['eval', 'mr', 'llm-jp', '--dry-run', '--json'], env);
    expect(JSON.parse(replay.out)).toMatchObject({ offline: 'replay', calls: 0, expectedCostUsd: 0 });
    expect(api.bodies.length).toBe(before);
  });

  it('stops at --max-cost, and --run resumes to the end', async () => {
    const before = api.bodies.length;
    // Each answer: 60 fresh + 40 cached prompt tokens and 20 output tokens at gpt-4o's prices, $0.0004.
    const args = ['eval', 'examqa', 'gpt-4o-live', '--limit', '6', '--shot', 'zero', '--concurrency', '1'];
    const stopped = await jcb([...args, '--max-cost', '0.001'], env);
    expect(stopped.code).toBe(75);
    expect(stopped.err).toMatch(
      /stopped: --max-cost \$0\.001 reached \(\$0\.0012 spent\), 3 of 6 done; resume with .* --run (\S+)/,
    );
    expect(api.bodies.length - before).toBe(3);
    const runId = /--run (\S+)/.exec(stopped.err)![1];
    const resumed = await jcb([...args, '--run', runId, '--json'], env);
    expect(resumed.code).toBe(0);
    expect(api.bodies.length - before).toBe(6);
    expect(JSON.parse(resumed.out)).toMatchObject({ computed: 3, outcomes: [{ n: 6, failed: 0 }] });
    const shown = await jcb(['show', runId, '--json'], env);
    expect(JSON.parse(shown.out).usage).toEqual({
      input: 600,
      cachedInput: 240,
      output: 120,
      reasoning: 0,
      costUsd: expect.closeTo(0.0024, 10),
      // Every figure as the server reported it: none counted by jcb.
      estimated: false,
    });
  });
});

describe.skipIf(!data)('a live run of many documents', () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());

  it('adds no listener per request to the run signal: no MaxListenersExceededWarning', async () => {
    const store = await freshStore('sqlite');
    const services = createServices({
      env: { JCB_DATA_DIR: data!, OPENAI_API_KEY: 'sk-test', ...store.env },
      tokenizer: inThreadTokenizer(),
    });
    nock('https://api.openai.com')
      .post('/v1/chat/completions')
      .times(15)
      .reply(function (_uri, body) {
        const r = openaiReply(body as never, this.req.headers.authorization as string, () => ({ content: '2' }));
        return [r.status, r.body];
      });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const run = await services.evaluate(
        { task: 'examqa', model: 'gpt-4o-live', shot: 'zero', limit: 15, concurrency: 3 },
        undefined,
        controller.signal,
      );
      expect(run.outcomes[0]).toMatchObject({ n: 15, failed: 0 });
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
      await services.close();
      nock.cleanAll();
    }
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });
});
