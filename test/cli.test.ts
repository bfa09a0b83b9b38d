// The `jcb` program end to end: exit codes, one-line reasons, JSON output. Through one process of the built
// program (test/jcb-batch.ts), but for --version, --help and the progress line, which run bin/jcb.js itself.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chatCompletion, FIXTURE_ENV, FIXTURE_RELEASE, JCB_BIN, refusal, standInServer } from './helpers.js';
import { jcbBatch } from './jcb-batch.js';
import { parseCommand, commandWords } from '../src/command/grammar.js';
import { heapSettingOf } from '../src/cli/program.js';

/** OpenAI's 400 for a prompt longer than the model takes: a failure of the document (a key refused would stop the run). */
const TOO_LONG = refusal(
  400,
  "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.",
  'context_length_exceeded',
);

const batch = jcbBatch({ env: { JCB_DATA_DIR: undefined } });
afterAll(() => batch.close());

/** `jcb …` with `env` (the miniature release by default), through the file's batch process. */
const jcb = (args: string[], env: Record<string, string | undefined> = { ...FIXTURE_ENV }) => batch.run(args, env);

/** `jcb` as a process of its own (bin/jcb.js), without blocking this one (stand-in servers live here). */
function jcbAsync(args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [JCB_BIN, ...args], {
      env: { ...process.env, JCB_DATA_DIR: undefined, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('the jcb CLI', () => {
  it('runs a replayed document and prints it with its scores', async () => {
    const r = await jcb(['run', 'mr', 'gpt-4o', 'A_p1']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/MR · gpt-4o \(replay of the released generation\) · one-shot · document A_p1/);
    expect(r.out).toMatch(/F1 50\.0/);
  });

  it('prints JSON that the bot and scripts can read', async () => {
    const r = await jcb(['score', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as {
      task: string;
      model: string;
      file: string;
      n: number;
      score: number;
      metrics: object;
    }[];
    expect(rows.find((x) => x.file === 'CLR/MR/gpt-4o/one_shot.json')).toEqual({
      task: 'mr',
      model: 'gpt-4o',
      file: 'CLR/MR/gpt-4o/one_shot.json',
      n: 2,
      score: 0.75,
      metrics: { _precision: 0.75, recall: 0.75, _f1: 0.75, _accuracy: 0.75 },
      matchesRelease: true,
    });
  });

  it('shows missing leaderboard cells as –', async () => {
    const r = await jcb(['leaderboard']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/GPT-4o\s+–\s+–\s+75\.0/);
  });

  it.each([
    [['run', 'nope', 'llm-jp'], /^jcb: Unknown task "nope"\. Tasks: examqa, cca/],
    [['run', 'mr', 'nobody'], /^jcb: Unknown model "nobody"\. Known models: gpt-4o/],
    [['run', 'mr', 'gpt-4o', 'Z_p9'], /^jcb: No document "Z_p9" in mr\. Ids look like: /],
    [['frobnicate'], /^jcb: Unknown command "frobnicate"/],
  ])('prints one line and exits 1 for %j', async (args, message) => {
    const r = await jcb(args);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('explains itself: --version, <command> --help, did-you-mean, a value option never takes the next option', async () => {
    const version = await jcbAsync(['--version'], {});
    expect(version.code).toBe(0);
    expect(version.out.trim()).toBe(
      JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')).version,
    );
    const help = await jcbAsync(['eval', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: jcb eval <task\|all> <model>/);
    expect(help.out).toMatch(/--limit N +Only the first N documents/);
    const typo = await jcb(['evl', 'mr', 'gpt-5'], {});
    expect(typo.code).toBe(1);
    expect(typo.err).toMatch(/^jcb: Unknown command "evl". Did you mean "eval"\?/);
    const label = await jcb(['run', 'dc-tmn', 'gpt-4o', 'A_p1', '--shot', '--json']);
    expect(label.code).toBe(1);
    expect(label.err).toMatch(/^jcb: --shot needs a value. Usage: jcb run/);
  });

  it('says what to set when there is no release at all', async () => {
    const r = await jcb(['run', 'mr', 'llm-jp'], { JCB_DATA_DIR: undefined });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/JCB_DATA_DIR is not set.*jcb data pull/);
  });

  it('works without the release for what needs none', async () => {
    const r = await jcb(['tasks', '--json'], { JCB_DATA_DIR: undefined });
    expect(r.code).toBe(0);
    expect(
      (JSON.parse(r.out) as { tasks: { source: string }[] }).tasks.filter((t) => t.source === 'built-in'),
    ).toHaveLength(13);
  });

  it('refuses to pull into a folder that holds something else', async () => {
    const r = await jcb(['data', 'pull', '--dir', FIXTURE_RELEASE + '/data']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/exists and is not empty\. Choose another folder with --dir/);
  });

  it('says the machine seems offline when the release cannot be reached', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-pull-'));
    const r = await jcb(['data', 'pull', '--dir', path.join(dir, 'release')], {
      JCB_RELEASE_URL: 'http://127.0.0.1:9/release.git',
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^jcb: Could not fetch the release: the machine seems to be offline \(git: [^\n]*\). Check JCB_RELEASE_URL/,
    );
  });
});

describe('jcb eval from the terminal', () => {
  it('evaluates, stores, lists and shows a run in the embedded store', async () => {
    const store = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-cli-')), 'jcb.sqlite');
    const env = { ...FIXTURE_ENV, JCB_STORE: store };
    const ran = await jcb(['eval', 'irs', 'baseline'], env);
    expect(ran.code).toBe(0);
    expect(ran.out).toMatch(/Run \S+: baseline \(baseline\), one-shot — 3 documents computed now/);
    expect(ran.out).toContain(`Stored in ${store}`);
    const runId = /Run (\S+):/.exec(ran.out)![1];
    expect((await jcb(['runs'], env)).out).toContain(runId);
    expect((await jcb(['show', runId], env)).out).toMatch(/documents: 3 scored/);
    expect(await jcb(['show', 'nope'], env)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^jcb: No run "nope" \(in .*jcb\.sqlite\)\. See `jcb runs`/),
    });
    expect((await jcb(['leaderboard', '--source', 'runs'], env)).out).toMatch(/Baseline \(baseline\)\s+runs/);
  });
});

describe('honest scores from the terminal', () => {
  const storeEnv = () => ({
    ...FIXTURE_ENV,
    JCB_STORE: path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-cli-')), 'jcb.sqlite'),
    OPENAI_API_KEY: 'sk-test',
  });
  const lastLine = (text: string) => text.trim().split('\n').at(-1)!;
  const irsCell = (board: string) => {
    const lines = board.split('\n');
    const column = lines.findIndex((l) => /^model\s/.test(l));
    const start = lines[column].indexOf('IRS');
    return (row: RegExp) =>
      lines
        .find((l) => row.test(l))!
        .slice(start)
        .split(/\s{2,}/)[0];
  };

  it('exits 1 naming the cause when every document failed, and the runs leaderboard shows – for it', async () => {
    const server = await standInServer(() => TOO_LONG);
    try {
      const env = { ...storeEnv(), OPENAI_BASE_URL: server.url };
      const r = await jcb(['eval', 'irs', 'gpt-4o-live', '--limit', '1'], env);
      expect(r.code).toBe(1);
      expect(lastLine(r.err)).toMatch(
        /^jcb: Every document failed, nothing was scored: 400 from the provider: This model's maximum context length is 8192 tokens\. .* Once fixed, resume with --run \S+\.$/,
      );
      expect(r.err).not.toMatch(/https?:|sk-test|at .*\.ts:/);
      expect(r.out).toMatch(/^irs\s+0\s+1\s+0\s+0\s+–\s+\(nothing scored\)$/m);
      expect(r.out).not.toMatch(/0\.0/);
      const board = await jcb(['leaderboard', '--source', 'runs'], env);
      expect(board.code).toBe(0);
      expect(irsCell(board.out)(/^GPT-4o \(live\) \(openai\)\s+runs/)).toBe('–');
      expect(board.out).not.toMatch(/GPT-4o \(live\).*0\.0/);
      const shown = await jcb(['show', /--run (\S+)\./.exec(r.err)![1]], env);
      expect(shown.out).toMatch(/irs 2: 400 from the provider: This model's maximum context length is 8192 tokens\./m);
      expect(shown.out).not.toMatch(/https?:/);
    } finally {
      await server.close();
    }
  });

  it('marks a score over fewer documents than planned with n/planned, and a --limit run, and ranks neither', async () => {
    // The first request is refused (the document's failure), the others answered: 2 of 3 IRS documents scored.
    const server = await standInServer((n) =>
      n === 1 ? TOO_LONG : { status: 200, body: chatCompletion('所見なし。') },
    );
    try {
      const env = { ...storeEnv(), OPENAI_BASE_URL: server.url };
      const partial = await jcb(['eval', 'irs', 'gpt-4o-live', '--concurrency', '1'], env);
      expect(partial.code).toBe(0);
      expect(partial.out).toMatch(/^irs\s+2\s+1\s+\d+\s+0\s+\d+\.\d† 2\/3\s/m);
      const board = (await jcb(['leaderboard', '--source', 'runs'], env)).out;
      expect(irsCell(board)(/^GPT-4o \(live\)/)).toMatch(/^\d+\.\d† 2\/3$/);
      expect(board).toContain('† n/planned: scored on fewer documents than planned');
      expect(board).toContain('marked cells are not ranked');

      const limited = await jcb(['eval', 'irs', 'baseline', '--limit', '2'], env);
      expect(limited.code).toBe(0);
      expect(limited.out).toMatch(/^irs\s+2\s+0\s+\d+\s+0\s+\d+\.\d‡\s/m);
      expect(irsCell((await jcb(['leaderboard', '--source', 'runs'], env)).out)(/^Baseline \(baseline\)/)).toMatch(
        /^\d+\.\d‡$/,
      );
    } finally {
      await server.close();
    }
  });

  it('counts retries in the progress line while they happen', async () => {
    const server = await standInServer((n) =>
      n === 1
        ? { ...refusal(500, 'The server had an error while processing your request.'), headers: { 'retry-after': '0' } }
        : { status: 200, body: chatCompletion('所見なし。') },
    );
    try {
      const env = { ...storeEnv(), OPENAI_BASE_URL: server.url };
      const r = await jcbAsync(['eval', 'irs', 'gpt-4o-live', '--limit', '1'], env);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/\] 0\/1  retries 1/);
      expect(r.err).toMatch(/\] 1\/1  retries 1/);
      expect(server.calls()).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('the heap setting', () => {
  it('is decided by the parsed command: the bot however typed waits, score is lean, their help and others default', () => {
    const heap = (...argv: string[]) => heapSettingOf(parseCommand(commandWords(argv), { face: 'terminal' }));
    expect([heap('bot'), heap('BOT'), heap('ｂｏｔ'), heap('bot　')]).toEqual([
      'waiting',
      'waiting',
      'waiting',
      'waiting',
    ]);
    expect([heap('score'), heap('SCORE', '--json')]).toEqual(['lean', 'lean']);
    expect([heap('bot', '--help'), heap('help', 'score'), heap('worker'), heap('leaderboard')]).toEqual([
      'default',
      'default',
      'default',
      'default',
    ]);
  });
});
