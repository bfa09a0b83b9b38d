// Every example a user is shown is run: those of `jcb <command> --help` (from the command table) and every
// `jcb …` command of the README (code blocks and inline code), extracted here. Offline ones run fully on the
// release; live ones against a loopback stand-in of the OpenAI API (an on-premises or vLLM model against a
// stand-in of an open server); a run id in an example stands for a run this test makes first; the files a user
// would have (task files, a note) are made in the folder the examples run in, a pack is pulled from a file://
// mirror of its copy, and a worker runs on a Redis of its own until it takes jobs. An example that stops
// working fails this test.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import YAML from 'yaml';
import { COMMANDS, offeredOn } from '../src/command/commands.js';
import { examplesOn } from '../src/command/help.js';
import { FIXTURES, FIXTURE_MANIFEST, FIXTURE_RELEASE, gitMirror, packsDir, releaseDir } from './helpers.js';
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
 * Examples not run yet, with what each needs: the worker, on a Redis of its own, does not reach "taking
 * evaluation jobs" here yet (to be found). Checked against the examples so that the list never outlives them.
 */
const NOT_RUN_YET: Record<string, string> = {
  worker: 'a worker on a Redis of its own that reaches "taking evaluation jobs"',
  'worker --concurrency 4': 'a worker on a Redis of its own that reaches "taking evaluation jobs"',
};

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

/** Examples that need more than a shell: how each is run instead, and why. */
const LONG_RUNNING = new Set(['worker', 'worker --concurrency 4', 'bot']);

describe.skipIf(!data)('every example shown to a user runs', { timeout: 300_000 }, () => {
  let api: Awaited<ReturnType<typeof loopbackOpenAI>>;
  /**
   * Where the README's vLLM (and the ward's on-premises model) would listen: a server that takes any key, as
   * vLLM without --api-key does, and reports the prompt tokens it read.
   */
  let vllm: Awaited<ReturnType<typeof loopbackOpenServer>>;
  /** The workers' Redis: their own, so that they take none of the other tests' jobs. */
  const redis = ownRedis(3);
  /** Runs the README's `--queue` examples leave waiting: cancelled at the end. */
  const leftQueued: string[] = [];
  let env: Record<string, string | undefined>;
  let cwd: string;
  let finished: string;
  let queued: string;

  function jcb(args: string[], opts: { stopOn?: RegExp; extraEnv?: Record<string, string | undefined> } = {}) {
    return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd,
        env: { ...process.env, ...env, ...opts.extraEnv },
      });
      // `-` reads the text from standard input, as a user pipes a note in; other commands get none.
      child.stdin.end(args.includes('-') ? '夜間の発熱なし。食事は全量摂取。' : '');
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      let stopped = false;
      child.stderr.on('data', (d) => {
        err += d;
        // Once: a second SIGTERM would end a worker before it hands its jobs back.
        if (!stopped && opts.stopOn?.test(err)) stopped = child.kill('SIGTERM');
      });
      const guard = setTimeout(() => child.kill('SIGKILL'), 240_000); // a hang fails, never blocks the suite
      child.on('close', (code) => {
        clearTimeout(guard);
        resolve({ code, out, err });
      });
    });
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
      DATABASE_URL: undefined,
      COLUMNS: '100',
    };
    // The runs the examples' ids stand for: a finished one of a generation setting, and one waiting in the queue.
    const done = await jcb(['eval', 'irs', 'baseline', '--limit', '2', '--json']);
    expect(done.code, done.err).toBe(0);
    finished = JSON.parse(done.out).run.id;
    const waiting = await jcb(['eval', 'mr', 'baseline', '--limit', '3', '--queue', '--json']);
    expect(waiting.code, waiting.err).toBe(0);
    queued = JSON.parse(waiting.out).run.id;
  });
  afterAll(async () => {
    for (const id of [queued, ...leftQueued]) await jcb(['cancel', id]);
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
    if (LONG_RUNNING.has(line)) {
      const r = await jcb(args, { stopOn: /taking evaluation jobs/, extraEnv: { REDIS_URL: redis.url } });
      expect(r.err).toMatch(/taking evaluation jobs/);
      expect(r.code).toBe(0);
      return;
    }
    const r = await jcb(args);
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
