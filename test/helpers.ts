import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { createRougeTokenizer } from '../src/metrics/tokenizer/index.js';
import type { Run, RunDocument } from '../src/store/store.js';
import { NO_OWNER } from '../src/store/run-owners.js';
import { buildManifest } from '../src/release/manifest.js';

/**
 * The program as a user runs it: bin/jcb.js over the compiled dist/ (test/setup/build.ts builds it when a
 * source is newer), which starts in about half the time of src/ through tsx. Spawn it with `process.execPath`.
 */
export const JCB_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/jcb.js');

/**
 * Runs the built program (bin/jcb.js) with `env` over this process's (undefined removes a variable), without
 * blocking the test's event loop (stand-in servers answer meanwhile); resolves with its exit code and output.
 */
export function runJcb(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [JCB_BIN, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

// Three relation pairs written for the tests. Kept here rather than as a committed rel_data.json:
// that file name belongs to the release, which the repository never holds.
const REL_DATA = [
  { text: '<e1 type=a>肺</e1>に<e2 type=d>結節</e2>を認める。', relation: 'region', source: 'x.xml' },
  { text: '<e1 type=c>増大</e1>した<e2 type=d>腫瘤</e2>。', relation: 'change', source: 'y.xml' },
  { text: '<e1 type=t-key>CRP</e1>は<e2 type=t-val>5.0</e2>。', relation: 'value', source: 'y.xml' },
];

/** A miniature release in the release's layout (test/fixtures/release plus the pairs above), in a temp folder. */
export const FIXTURE_RELEASE = (() => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-fixture-')), 'release');
  // Readable by the other user some tests run jcb as (mkdtemp makes the folder its owner's alone).
  chmodSync(path.dirname(dir), 0o755);
  cpSync(path.join(FIXTURES, 'release'), dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'data', 'benchmarks', 'CLU', 'RE_Ent', 'rel_data.json'),
    JSON.stringify(REL_DATA, null, 2),
  );
  return dir;
})();

/** The manifest of the miniature release (the real one's would refuse it), built as a pull would check it. */
export const FIXTURE_MANIFEST = (() => {
  const file = path.join(path.dirname(FIXTURE_RELEASE), 'manifest.json');
  writeFileSync(file, JSON.stringify(buildManifest(FIXTURE_RELEASE, 'fixture')));
  return file;
})();

/**
 * What a test's environment sets to use the miniature release. Its work stays in the test's thread (JCB_THREADS=0):
 * a pool of threads per test would load its renderer and dictionaries per test. The pool is tested by
 * test/pool.test.ts and test/ack-under-load.test.ts, and scores the real release in test/conformance.test.ts.
 */
export const FIXTURE_ENV = { JCB_DATA_DIR: FIXTURE_RELEASE, JCB_RELEASE_MANIFEST: FIXTURE_MANIFEST, JCB_THREADS: '0' };

/** One in-thread tokenizer for a test file (workers are exercised by the conformance test). */
export const inThreadTokenizer = () => createRougeTokenizer({ threads: 0 });

/**
 * The release copy for the tests that need the real data: JCB_DATA_DIR, else one already pulled into the
 * user's folder (found by test/setup/global.ts). A laptop without either skips those tests; CI never does.
 */
export function releaseDir(): string | undefined {
  const dir = process.env.JCB_DATA_DIR || process.env.JCB_TEST_RELEASE;
  if (!dir && process.env.CI) throw new Error('CI must set JCB_DATA_DIR: the conformance tests may not be skipped.');
  return dir || undefined;
}

/**
 * The copies of the packs' files (JMED-LLM, IgakuQA119) for the pack tests: JCB_PACKS_DIR, as `.ci/run` sets it.
 * Without it the pack tests are skipped, except in CI.
 */
export function packsDir(): string | undefined {
  const dir = process.env.JCB_PACKS_DIR;
  if (!dir && process.env.CI) throw new Error('CI must set JCB_PACKS_DIR: the pack tests may not be skipped.');
  return dir || undefined;
}

/** The paper's Table 4 (one-shot, ×100) per model alias, in Table 4 order; null where it has no cell. */
export const PAPER_TABLE_4: Record<string, (number | null)[]> = {
  'gpt-4o': [92.4, 44.1, 28.6, 33.7, 35.3, 38.7, 50.8, 41.2, 51.2, 76.8, 69.7, 80.0, 86.4],
  'gpt-5': [94.5, 59.1, 33.7, 29.1, 25.6, 34.1, 45.4, 33.2, 64.9, 78.4, 78.0, 62.1, 86.2],
  'llama-3': [54.5, 17.7, 8.2, 27.6, 34.7, 29.4, 54.3, 27.9, 17.3, 75.2, 32.7, 68.1, 91.3],
  swallow: [null, 11.8, 7.7, 31.6, 34.9, 36.5, 57.9, 32.4, 27.4, 69.4, 52.7, 67.7, 91.8],
  medswallow: [null, 15.6, 11.2, 31.1, 35.9, 37.6, 55.0, 38.5, 33.6, 69.2, 59.5, 71.8, 92.0],
  'llm-jp': [null, 4.4, 8.8, 32.4, 34.6, 38.0, 51.8, 15.5, 15.8, 45.7, 36.6, 61.1, 87.2],
  'sip-jmed': [null, 8.4, 8.9, 25.1, 34.0, 41.5, 51.3, 17.6, 16.7, 60.8, 46.4, 49.6, 79.2],
};

/** A git repository holding a copy of `dir`, served by file:// as a mirror of the release. */
export function gitMirror(dir: string): string {
  const repo = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-mirror-')), 'release');
  cpSync(dir, repo, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', repo]); // a read-only copy (the shared release) cannot hold .git
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', repo, ...args], {
      stdio: 'pipe',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
      },
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'release');
  return `file://${repo}`;
}

/** A models.yml for tests: the fixture's replay, the baseline, and live models that nock answers for. */
export const TEST_MODELS = `
models:
  gpt-4o: { provider: replay, release: gpt-4o }
  baseline: { provider: baseline }
  openai-test:
    provider: openai
    model: gpt-4o-mini
    apiKeyEnv: TEST_OPENAI_KEY
    maxRetries: 2
    concurrency: 2
    timeoutMs: 2000
    freeText: true
  local:
    provider: openai-compatible
    model: local-model
    baseUrl: http://127.0.0.1:8000/v1
    maxRetries: 1
    concurrency: 1
    timeoutMs: 300
`;

export function testModelsFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-models-'));
  const file = path.join(dir, 'models.yml');
  writeFileSync(file, TEST_MODELS);
  return file;
}

/** When a store test's rows were made. */
const ROW_TIME = '2026-01-01T00:00:00.000Z';

/** A stored run of gpt-4o on MR made at ROW_TIME (a store test's row). */
export const runRow = (id: string, status = 'running'): Run => ({
  id,
  model: 'gpt-4o',
  provider: 'replay',
  engine: 'jcb',
  shot: 'one',
  tasks: '["mr"]',
  doc_limit: null,
  status,
  created_at: ROW_TIME,
  updated_at: ROW_TIME,
  planned: 2,
  started_by: 'terminal',
  max_cost_usd: null,
  budget_since: null,
  label_version: null,
  document_set: null,
  document_count: null,
  release_commit: null,
  assumptions: null,
  queue: null,
  stall_reason: null,
  ...NO_OWNER,
});
/** A stored document of run r1's MR (a store test's row). */
export const documentRow = (docId: string, status = 'done', docIndex = 0): RunDocument => ({
  run_id: 'r1',
  task: 'mr',
  doc_id: docId,
  doc_index: docIndex,
  prompt_hash: 'h',
  status,
  output: '["W"]',
  parse_ok: 1,
  parse_problem: null,
  scores: '{"accuracy":1}',
  gold: '["W"]',
  error: null,
  attempts: 1,
  input_tokens: 10,
  output_tokens: 2,
  latency_ms: 5,
  cached: 0,
  finished_at: ROW_TIME,
  finish_reason: 'stop',
  incomplete: null,
  cached_input_tokens: null,
  reasoning_tokens: null,
  thinking: null,
  reasoning_estimated: null,
  usage_estimated: null,
});
export interface TestStore {
  name: 'sqlite' | 'postgres';
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh, empty store of each kind: an SQLite file, or a new PostgreSQL database on the local server. */
export async function freshStore(kind: 'sqlite' | 'postgres'): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-store-'));
    return { name: kind, env: { JCB_STORE: path.join(dir, 'jcb.sqlite') }, drop: async () => {} };
  }
  const admin = process.env.JCB_TEST_PG_ADMIN ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // JCB_TEST_DB_PREFIX keeps the databases of several checkouts on one server apart.
  const db = `${process.env.JCB_TEST_DB_PREFIX ?? 'jcb_test_'}${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${db}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${db}`;
  return {
    name: kind,
    env: { DATABASE_URL: url.toString() },
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** An OpenAI chat completion answering `content`, as OpenAI and OpenAI-compatible servers send it. */
export function chatCompletion(content: string) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
  };
}

/**
 * A local OpenAI-compatible server (a model on this machine): answers `answer(body)` after `latencyMs`, with
 * 11 prompt tokens, or (`readsPrompt`) as many as the prompt has characters, at least jcb's own count of it, as
 * a server that read the whole prompt reports (11 on a long prompt reads as a prompt the server cut).
 */
export async function localChatServer(answer: (body: string) => string, latencyMs = 0, readsPrompt = false) {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls++;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const messages = (JSON.parse(body) as { messages?: { content?: unknown }[] }).messages ?? [];
        const read = readsPrompt ? messages.reduce((n, m) => n + JSON.stringify(m.content ?? '').length, 0) : 0;
        const completion = chatCompletion(answer(body));
        const prompt = Math.max(11, read);
        completion.usage = { prompt_tokens: prompt, completion_tokens: 7, total_tokens: prompt + 7 };
        res.end(JSON.stringify(completion));
      }, latencyMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls: () => calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** What a stand-in server answers to its n-th request (1-based): a status and a JSON body. */
export type StandInAnswer = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * A local server standing in for the OpenAI API that answers each request as `answer(n)` says, e.g. the
 * 401 the real API sends for a wrong key (`refusal(401, ...)`), or a 500 before a good answer.
 */
export async function standInServer(answer: (n: number) => StandInAnswer) {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answer(++calls);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls: () => calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The OpenAI API's error answer (its 401 for a wrong key, a 500...). */
export const refusal = (status: number, message: string, code: string | null = null): StandInAnswer => ({
  status,
  body: { error: { message, type: 'invalid_request_error', param: null, code } },
});

/** The 401 the OpenAI API sends for a wrong key, URL included as it really is. */
export const INVALID_KEY = refusal(
  401,
  'Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.',
  'invalid_api_key',
);
