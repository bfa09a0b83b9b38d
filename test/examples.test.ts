// Every example a user is shown is run: those of `jcb <command> --help` (from the command table) and every
// `jcb …` command of the README (code blocks and inline code), extracted here. Offline ones run fully on the
// release; live ones against a loopback stand-in of the OpenAI API (an on-premises or vLLM model against a
// stand-in of an open server); a run id in an example stands for a run this test makes first; the files a user
// would have (task files, a note) are made in the folder the examples run in, a pack is pulled from a file://
// mirror of its copy, and a worker runs on a Redis of its own, computes a run queued for it and stops at
// SIGTERM. An example that stops working fails this test. Most examples go through one process of the built
// program (test/jcb-batch.ts: the same main, without a process start per line); those that read standard
// input, fetch, listen or take jobs, and a few more that prove the binary itself, are spawns of bin/jcb.js.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import YAML from 'yaml';
import { COMMANDS, offeredOn } from '../src/command/commands.js';
import { examplesOn } from '../src/command/help.js';
import { FIXTURES, FIXTURE_MANIFEST, FIXTURE_RELEASE, gitMirror, packsDir, releaseDir } from './helpers.js';
import { jcbBatch, type JcbBatch } from './jcb-batch.js';
import { loopbackOpenAI, loopbackOpenServer } from './openai-fake.js';
import { ownRedis } from './own-redis.js';

const ROOT = path.resolve(__dirname, '..');
/** The installed program, as `npx jcb` runs it (built by `npm install`/`npm ci`), from a scratch folder. */
const BIN = path.join(ROOT, 'bin/jcb.js');
const data = releaseDir();
const packs = packsDir();
/** The run id format of the examples (jcb's own: `20261129-020000-3f9a`). */
const RUN_ID = /\b\d{8}-\d{6}-[0-9a-f]{4}\b/g;

/** Words of a shell line, quotes grouping (the README's examples use none beyond plain words). */
const shellWords = (line: string) =>
  [...line.matchAll(/"([^"]*)"|'([^']*)'|([^ \t]+)/g)].map((m) => m[1] ?? m[2] ?? m[3]); // a shell splits at ASCII blanks only

/**
 * The README's `jcb` commands: lines of its sh blocks (continuations joined, comments dropped) and inline code
 * spans that start with `jcb ` or `npx jcb `. Usage forms (`<run>`, `[--shot]`, `…`, `a|b`) are not examples;
 * nor are lines that set variables first (they describe a setup, e.g. DATABASE_URL).
 */
export function readmeExamples(readme: string): string[] {
  const blocks = [...readme.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim()),
  );
  const inline = [...readme.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1].trim());
  return [...new Set([...blocks, ...inline])]
    .filter((l) => /^(npx )?jcb /.test(l))
    .filter((l) => !/[<>[\]…|]|\.\.\./.test(l))
    .map((l) => l.replace(/^(npx )?jcb /, ''))
    .filter((l) => !mentionOnly(l));
}

/** A command named in prose (`jcb show` lists …) without the arguments it needs: a mention, not an example. */
function mentionOnly(line: string): boolean {
  const words = line.split(' ');
  const spec = COMMANDS.find((c) => c.name === words.slice(0, c.name.split(' ').length).join(' '));
  if (!spec) return false;
  const given = words.length - spec.name.split(' ').length;
  return given < spec.positionals.filter((p) => !p.optional).length;
}

const helpExamples = COMMANDS.filter((c) => offeredOn(c.faces, 'terminal')).flatMap((c) => examplesOn(c, 'terminal'));
const README_EXAMPLES = readmeExamples(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

/**
 * Examples not run yet, with what each needs (none today). Checked against the examples so that the list never
 * outlives them.
 */
const NOT_RUN_YET: Record<string, string> = {};

/**
 * Examples run as a process of their own (bin/jcb.js), besides those that read standard input (`-`): a help
 * page, the full-width line as the terminal hands it over and a store read, so that the binary itself, its
 * arguments and its exit code are proven on the examples too.
 */
const SPAWNED = new Set(['help eval', 'ｒｕｎ　ｍｒ　ｌｌｍ－ｊｐ', 'status']);

/** The folder of each pack's copy under JCB_PACKS_DIR, which its `data pull` example fetches from a mirror of. */
const PACK_COPIES: Record<string, string> = { 'jmed-llm': 'JMED-LLM', igakuqa119: 'IgakuQA119' };

/** What a user has in their folder when they type an example: their task files and a note (no patient's text). */
function userFiles(cwd: string) {
  const own = path.join(FIXTURES, 'task-files/own');
  const tasks = path.join(cwd, 'my-tasks');
  mkdirSync(tasks);
  // The README's triage file, its data beside it; a discharge summary task of the same shape, read as text.
  for (const f of ['triage.yml', 'triage.csv']) copyFileSync(path.join(own, f), path.join(tasks, f));
  writeFileSync(
    path.join(tasks, 'discharge.csv'),
    'id,course,summary\nd1,肺炎で入院し抗菌薬で改善した。,肺炎は抗菌薬で改善。\nd2,転倒し骨折なし。経過観察で退院。,骨折なく退院。\n',
  );
  writeFileSync(
    path.join(tasks, 'discharge.yml'),
    [
      'id: discharge',
      'title: A one-line discharge summary of a hospital course',
      'data: { file: discharge.csv, id: id, input: course, gold: summary }',
      'prompts:',
      '  zero: "次の入院経過を一文に要約してください。\\n{{course}}"',
      'answer: { kind: text, reader: text }',
      'metrics: [rouge-l]',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(cwd, 'note.txt'), '夜間の発熱なし。食事は全量摂取。\n');
}

describe.skipIf(!data)('every example shown to a user runs', { timeout: 300_000 }, () => {
  let api: Awaited<ReturnType<typeof loopbackOpenAI>>;
  /**
   * Where the README's vLLM (and the ward's on-premises model) would listen: a server that takes any key, as
   * vLLM without --api-key does, and reports the prompt tokens it read.
   */
  let vllm: Awaited<ReturnType<typeof loopbackOpenServer>>;
  /** The examples' Redis (the queue of `--queue`, the workers'): their own, so that no other test's jobs mix in. */
  const redis = ownRedis();
  /** Runs the README's `--queue` examples leave waiting: cancelled at the end. */
  const leftQueued: string[] = [];
  let env: Record<string, string | undefined>;
  let batch: JcbBatch;
  let cwd: string;
  let finished: string;
  let queued: string;

  /** `jcb …` as a process of its own in the examples' folder; `output()` is what it printed so far. */
  function started(args: string[], extraEnv: Record<string, string | undefined> = {}) {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, ...env, ...extraEnv },
    });
    // `-` reads the text from standard input, as a user pipes a note in; other commands get none.
    child.stdin.end(args.includes('-') ? '夜間の発熱なし。食事は全量摂取。' : '');
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), 240_000); // a hang fails, never blocks the suite
    const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
      child.on('close', (code) => {
        clearTimeout(guard);
        resolve({ code, out, err });
      }),
    );
    return { child, done, output: () => ({ out, err }) };
  }

  const jcb = (args: string[], opts: { extraEnv?: Record<string, string | undefined> } = {}) =>
    started(args, opts.extraEnv).done;

  /** Polls until `check` holds on what the process printed so far, or it ends (then the caller's expect fails). */
  async function untilPrinted(run: ReturnType<typeof started>, check: (err: string) => boolean) {
    let ended = false;
    void run.done.then(() => (ended = true));
    while (!ended && !check(run.output().err)) await new Promise((r) => setTimeout(r, 100));
  }

  /**
   * A worker example: the worker starts on the examples' Redis (a queue prefix of its own, so that it takes only
   * the run queued for it), computes a three-document run queued after it started, and stops at SIGTERM with
   * exit 0, the run finished in the store.
   */
  async function workerComputes(args: string[]) {
    // Its reconciliation (at start, then every JCB_RECONCILE_MS) would adopt the examples' waiting run, queued in
    // beforeAll, once that run is older than JCB_RECONCILE_MS (60 s, passed on a loaded machine): its jobs are not
    // in this prefix's queue. Computed, that run was no longer there for `jcb cancel`, and `jcb status --all`
    // failed on it (more documents done than planned).
    const queue = {
      REDIS_URL: redis.url,
      JCB_QUEUE_PREFIX: `${env.JCB_QUEUE_PREFIX}-${args.join('-')}`,
      JCB_RECONCILE_MS: String(86_400_000),
    };
    const worker = started(args, queue);
    await untilPrinted(worker, (err) => /taking evaluation jobs/.test(err));
    expect(worker.output().err).toMatch(/taking evaluation jobs/);
    const queued = await batch.run(['eval', 'mr', 'baseline', '--limit', '3', '--queue', '--json'], queue);
    expect(queued.code, queued.err).toBe(0);
    const id = JSON.parse(queued.out).run.id as string;
    await untilPrinted(worker, (err) => err.includes(`run ${id} finished`));
    expect(worker.output().err).toContain(`run ${id}: mr, 3 of 3 documents computed`);
    expect(worker.output().err).toContain(`run ${id} finished`);
    worker.child.kill('SIGTERM'); // once: a second one would end it before it hands its jobs back
    const stopped = await worker.done;
    expect(stopped.err).toMatch(/SIGTERM: finishing the documents in flight/);
    expect(stopped.code, stopped.err).toBe(0);
    const status = await batch.run(['status', id, '--json']);
    expect(JSON.parse(status.out)[0]).toMatchObject({ run: { id, status: 'finished' }, done: 3, failed: 0 });
  }

  beforeAll(async () => {
    // Judge requests get a judgement; every other request an answer some parser reads.
    api = await loopbackOpenAI((body) => ({
      content: JSON.stringify(body.messages).includes('consistency')
        ? '{"consistency": 4, "saliency": 3, "fluency": 5}'
        : '1',
    }));
    vllm = await loopbackOpenServer({ kind: 'vllm', contextTokens: 32_768 }, () => ({ content: '1' }));
    await redis.start();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'jcb-examples-'));
    userFiles(cwd);
    // The user's models file: free text allowed to the live GPT-4o, and the ward's own model on its premises.
    const models = path.join(cwd, 'models.yml');
    const registry = YAML.parseDocument(readFileSync(path.join(ROOT, 'data/models.yml'), 'utf8'));
    registry.setIn(['models', 'gpt-4o-live', 'freeText'], true);
    registry.setIn(['models', 'ward-llm'], {
      provider: 'openai-compatible',
      model: 'ward',
      baseUrl: vllm.url,
      freeText: true,
      dataPolicy: 'on-premises',
    });
    writeFileSync(models, registry.toString());
    env = {
      JCB_DATA_DIR: data,
      JCB_STORE: path.join(cwd, 'jcb.sqlite'),
      JCB_MODELS: models,
      JCB_HOME: path.join(cwd, 'home'),
      JCB_QUEUE_PREFIX: `jcbexamples-${process.pid}`,
      OPENAI_BASE_URL: api.url,
      OPENAI_API_KEY: 'sk-test',
      REDIS_URL: redis.url,
      DATABASE_URL: undefined,
      COLUMNS: '100',
      // The check of a piped note starts its dictionaries in a thread of a fresh process: on a shared 2-core
      // machine that alone can pass the default 30 s, which is a hang guard, not what these examples test.
      JCB_CHECK_TIMEOUT_MS: '180000',
    };
    // Its work in its own thread: a pool per command line would start its threads (and their dictionaries) per
    // line, while this process keeps them loaded. The spawned examples use the pool as a user's jcb does.
    batch = jcbBatch({ cwd, env: { ...env, JCB_THREADS: '0' } });
    // The runs the examples' ids stand for: a finished one of a generation setting, and one waiting in the queue.
    const done = await batch.run(['eval', 'irs', 'baseline', '--limit', '2', '--json']);
    expect(done.code, done.err).toBe(0);
    finished = JSON.parse(done.out).run.id;
    const waiting = await batch.run(['eval', 'mr', 'baseline', '--limit', '3', '--queue', '--json']);
    expect(waiting.code, waiting.err).toBe(0);
    queued = JSON.parse(waiting.out).run.id;
  });
  afterAll(async () => {
    for (const id of [queued, ...leftQueued]) await batch.run(['cancel', id]);
    await batch?.close();
    await api?.close();
    await vllm?.close();
    await redis.kill();
  });

  /** Runs one example as a user would, with its run id standing for ours, and expects it to succeed. */
  async function runs(example: string, ctx: TestContext) {
    const id = /^cancel /.test(example) ? queued : finished;
    let line = example.replace(RUN_ID, id);
    // The README's local server example: the stand-in listens where vLLM would.
    line = line.replace('http://127.0.0.1:8000/v1', vllm.url);
    const args = shellWords(line);
    if (args[0] === 'data' && args[1] === 'pull' && args[2]) {
      // A pack, from a mirror of its copy (JCB_PACKS_DIR), into a fresh packs folder.
      if (!packs) return ctx.skip('no copies of the packs (JCB_PACKS_DIR)');
      const r = await jcb(args, {
        extraEnv: {
          JCB_PACKS_DIR: mkdtempSync(path.join(os.tmpdir(), 'jcb-examples-packs-')),
          JCB_PACK_URL: gitMirror(path.join(packs, PACK_COPIES[args[2]])),
        },
      });
      expect(r.code, r.err).toBe(0);
      expect(r.out.length, line).toBeGreaterThan(0);
      return;
    }
    if (args[0] === 'data' && args[1] === 'pull') {
      // From a mirror of the miniature release, into a fresh data folder: never the network.
      const r = await jcb(args, {
        extraEnv: {
          JCB_DATA_DIR: undefined,
          JCB_RELEASE_URL: gitMirror(FIXTURE_RELEASE),
          JCB_RELEASE_MANIFEST: FIXTURE_MANIFEST,
        },
      });
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/The release is in \S+: all \d+ files match the manifest\./);
      return;
    }
    if (args[0] === 'bot') {
      // Slack itself is needed: without its tokens the bot says which, in one line (its requests: test/bot.test.ts).
      const r = await jcb(args, { extraEnv: { SLACK_BOT_TOKEN: undefined } });
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^jcb: SLACK_BOT_TOKEN is not set/);
      return;
    }
    if (args[0] === 'worker') return workerComputes(args);
    const r = SPAWNED.has(example) || args.includes('-') ? await jcb(args) : await batch.run(args);
    const queuedHere = /^Run (\S+) queued/.exec(r.out);
    if (queuedHere) leftQueued.push(queuedHere[1]);
    expect(
      r.err.split('\n').filter((l) => /^jcb: /.test(l) && !/Chart written/.test(l)),
      line,
    ).toEqual([]);
    expect(r.code, `${line}: ${r.err}`).toBe(0);
    expect(r.out.length, line).toBeGreaterThan(0);
  }

  // First what others stand on: models add (the README's eval of the model it adds), export (the score of its
  // folder); then the rest. One at a time: on a shared 2-core machine, side by side they only wait for each other.
  const all = [...new Set([...helpExamples, ...README_EXAMPLES])].filter((e) => !(e in NOT_RUN_YET));
  const first = all.filter((e) => /^(models add|export) /.test(e));
  const rest = all.filter((e) => !first.includes(e));

  it('finds the examples of the help and of the README', () => {
    expect(helpExamples.length).toBeGreaterThanOrEqual(COMMANDS.length);
    expect(README_EXAMPLES).toEqual(
      expect.arrayContaining(['leaderboard', 'run mr llm-jp', 'ｒｕｎ　ｍｒ　ｌｌｍ－ｊｐ']),
    );
  });

  it('names only examples that exist among those not run yet', () => {
    const shown = new Set([...helpExamples, ...README_EXAMPLES]);
    expect(Object.keys(NOT_RUN_YET).filter((e) => !shown.has(e))).toEqual([]);
  });

  it('has a set-up for every pack a data pull example names', () => {
    const pulled = all.filter((e) => /^data pull \S/.test(e)).map((e) => e.split(' ')[2]);
    expect(pulled.filter((p) => !(p in PACK_COPIES))).toEqual([]);
  });

  it.for(first)('jcb %s', async (example, ctx) => runs(example, ctx));
  it.for(rest)('jcb %s', async (example, ctx) => runs(example, ctx));
});
