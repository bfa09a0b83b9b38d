// How a foreground run stops when it must (issue 23): a signal on either store, a store that fills up
// or turns read-only, and a store path that cannot be one; each in one line with the command that
// resumes the run with every flag it had.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { resumeCommand } from '../src/command/resume.js';
import { COMMANDS } from '../src/command/commands.js';
import { parseCommand } from '../src/command/grammar.js';
import { asStoreError } from '../src/store/errors.js';
import { checkStorePath } from '../src/store/path-check.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, freshStore, JCB_BIN, localChatServer, releaseDir, TEST_MODELS } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A jcb child process with its output collected. */
function jcb(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [JCB_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  cleanups.push(() => void child.kill('SIGKILL'));
  return { child, out, exited };
}
const waitFor = async (check: () => boolean | Promise<boolean>, ms = 120_000) => {
  for (const start = Date.now(); Date.now() - start < ms; await new Promise((r) => setTimeout(r, 100)))
    if (await check()) return;
  throw new Error('timed out waiting');
};

describe('the resume line', () => {
  const evalSpec = COMMANDS.find((c) => c.name === 'eval')!;
  const repeated = evalSpec.options.filter((o) => !['run', 'queue', 'dry-run'].includes(o.name));
  const valueOf: Record<string, fc.Arbitrary<string>> = {
    shot: fc.constantFrom('one', 'zero'),
    limit: fc.integer({ min: 1, max: 500 }).map(String),
    concurrency: fc.integer({ min: 1, max: 16 }).map(String),
    'max-cost': fc.constantFrom('0.5', '2', '10.25'),
    'log-samples': fc.constantFrom('/tmp/s.jsonl', "/tmp/my samples/it's.jsonl"),
    output: fc.constantFrom('/tmp/o.json', '/tmp/a b/o.csv', '-'),
    // (only with -o -: a format is what standard output gets; fc.pre below)
    format: fc.constantFrom('json', 'csv', 'md'),
    labels: fc.constantFrom('paper', 'reviewed'),
    documents: fc.constantFrom('paper', 'all'),
  };

  it('repeats every option of the eval command table that the run had, and reads back the same', () => {
    // Every option that takes a value has a generator here: a new one fails until it has.
    expect(repeated.filter((o) => o.value && !valueOf[o.name]).map((o) => o.name)).toEqual([]);
    const options = fc
      .subarray(repeated)
      .chain((chosen) =>
        fc.tuple(
          ...chosen.map((o) =>
            o.value ? valueOf[o.name]!.map((v) => [`--${o.name}`, v]) : fc.constant([`--${o.name}`]),
          ),
        ),
      );
    fc.assert(
      fc.property(options, (chosen) => {
        const argv = ['eval', 'mr', 'gpt-4o', ...chosen.flat()];
        fc.pre(!argv.includes('--format') || argv[argv.indexOf('--output') + 1] === '-');
        const cmd = parseCommand(argv, { face: 'terminal' });
        if (cmd.kind !== 'eval') throw new Error('not eval');
        const line = resumeCommand(cmd, '20260101-000000-abcd');
        const again = parseCommand(shellWords(line).slice(1), { face: 'terminal' });
        expect(again).toEqual({ ...cmd, runId: '20260101-000000-abcd' });
      }),
    );
  });
});

/** A command line split into words as a POSIX shell does (blanks, single quotes, backslashes). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\') word = (word ?? '') + line[++i];
    else word = (word ?? '') + c;
  }
  return word === undefined ? words : [...words, word];
}

const release = releaseDir();
describe.skipIf(!release)('signals on every store', () => {
  for (const kind of ['sqlite', 'postgres'] as const)
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const)
      it(`${signal} stops a run on ${kind} before its end, with the resume line, exit ${code}`, async () => {
        const store = await freshStore(kind);
        cleanups.push(store.drop);
        // The baseline answers without I/O: only the store's turns let the signal in (SQLite is synchronous).
        // Every row (the paper's RE sample is 1,000), so that 3,000 documents are planned.
        const argv = [
          'eval',
          're-time',
          'baseline',
          '--limit',
          '3000',
          '--concurrency',
          '2',
          '--no-cache',
          '--documents',
          'all',
        ];
        const run = jcb(argv, {
          JCB_DATA_DIR: release!,
          ...store.env,
        });
        await waitFor(() => /\] [1-9]\d*\/3000/.test(run.out.stderr));
        run.child.kill(signal);
        expect(await run.exited).toBe(code);
        const m = /^jcb: interrupted: run (\S+), (\d+) of 3000 done; resume with (.+)$/m.exec(run.out.stderr);
        expect(m, run.out.stderr.slice(-400)).not.toBeNull();
        expect(Number(m![2])).toBeLessThan(3000);
        expect(m![3]).toBe(
          `jcb eval re-time baseline --shot one --limit 3000 --concurrency 2 --no-cache --documents all --run ${m![1]}`,
        );
        expect(run.out.stdout).toBe('');
      });
});

describe('a full or read-only store', () => {
  it('SQLite full (PRAGMA max_page_count): the write stops at once with one line saying so', async () => {
    const store = await freshStore('sqlite');
    const s = await Store.open({ ...store.env, JCB_STORE_RETRY_MS: '60000' });
    cleanups.push(() => s.close());
    await s.query((db) => sql`PRAGMA max_page_count = 1`.execute(db).catch(() => undefined));
    const pages = await s.query((db) => sql<{ page_count: number }>`PRAGMA page_count`.execute(db));
    await s.query((db) => sql.raw(`PRAGMA max_page_count = ${pages.rows[0]!.page_count}`).execute(db));
    const err = await s
      .cache('k', { output: 'x'.repeat(100_000), thinking: null, input_tokens: null, output_tokens: null })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err as { code?: string }).code).toBe('SQLITE_FULL');
    expect(asStoreError(err, { kind: 'sqlite', file: store.env.JCB_STORE })?.message).toBe(
      `The store ${store.env.JCB_STORE} is unavailable: the disk is full.`,
    );
  });

  it('PostgreSQL turned read-only mid-run: one line with the store, the cause and the full resume command', async () => {
    const store = await freshStore('postgres');
    cleanups.push(store.drop);
    const model = await localChatServer(() => '["W"]', 600);
    cleanups.push(model.close);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-stops-'));
    const models = path.join(dir, 'models.yml');
    writeFileSync(
      models,
      `${TEST_MODELS}  slow:\n    provider: openai-compatible\n    model: m\n    baseUrl: ${model.url}\n    concurrency: 1\n    maxRetries: 0\n`,
    );
    const env = { ...FIXTURE_ENV, JCB_MODELS: models, ...store.env, JCB_STORE_RETRY_MS: '3000' };
    const run = jcb(['eval', 'mr', 'slow', '--shot', 'zero', '--no-cache', '--concurrency', '1'], env);
    const observer = await Store.open(env);
    cleanups.push(() => observer.close());
    await waitFor(async () => {
      const [r] = await observer.listRuns();
      return !!r && (await observer.progress(r.id)).done >= 1;
    });
    await readOnly(store.env.DATABASE_URL);
    expect(await run.exited).toBe(1);
    expect(run.out.stderr).toMatch(
      /^jcb: The store PostgreSQL at 127\.0\.0\.1:5432\/\w+ is unavailable: it accepts only reads \(a read-only transaction or a standby\)\. interrupted: run (\S+), [12] of 3 done; resume with jcb eval mr slow --shot zero --concurrency 1 --no-cache --run \1\n$/m,
    );
  });
});

/** Every new transaction of the database read-only from now on (as on a standby), its sessions cut. */
async function readOnly(url: string): Promise<void> {
  const u = new URL(url);
  const db = u.pathname.slice(1);
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${db} SET default_transaction_read_only = on`);
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db]);
  await admin.end();
}

describe('store paths checked before anything else', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'jcb-paths-'));
  chmodSync(base, 0o755);
  const aFile = path.join(base, 'a-file');
  writeFileSync(aFile, '');
  const locked = path.join(base, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o555);
  // Each kind of path that cannot be an SQLite file, and what the line says about it.
  const BAD: [string, RegExp][] = [
    ['/proc/x/jcb.sqlite', /is under \/proc/],
    ['/sys/jcb.sqlite', /is under \/sys/],
    ['/dev/null/x.sqlite', /lies under \/dev\/null, which is a file/],
    [path.join(aFile, 'sub', 'jcb.sqlite'), /which is a file, not a folder/],
    [base, /is a folder\. Name a file in it/],
    ['/dev/null', /is not a regular file/],
  ];

  it('each kind gives one line naming JCB_STORE and what would work', () => {
    for (const [file, says] of BAD) {
      const err = (() => {
        try {
          checkStorePath({ JCB_STORE: file });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err?.message, file).toMatch(new RegExp(`^JCB_STORE=${file.replace(/[/.]/g, '\\$&')} `));
      expect(`${err?.message} ${(err as { hint?: string }).hint}`, file).toMatch(says);
    }
  });

  it('a folder that cannot be written, for a user whom permissions stop', () => {
    const r = spawnSync(process.execPath, [JCB_BIN, 'runs'], {
      encoding: 'utf8',
      env: { ...process.env, ...FIXTURE_ENV, HOME: '/tmp', JCB_STORE: path.join(locked, 'jcb.sqlite') },
      uid: 65534,
    });
    expect(r.stderr).toBe(
      `jcb: JCB_STORE=${path.join(locked, 'jcb.sqlite')} cannot be created: ${locked} is not writable. Set JCB_STORE to a file in a folder you can write to, e.g. ~/jcb.sqlite.\n`,
    );
    expect(r.status).toBe(1);
  });

  it('a missing parent folder is created', () => {
    const file = path.join(base, 'new', 'deeper', 'jcb.sqlite');
    checkStorePath({ JCB_STORE: file });
    expect(existsSync(path.dirname(file))).toBe(true);
  });

  // One bad path per command of the table (and the bot, the worker): the same one line, exit 1.
  const commands: string[][] = [['runs'], ['tasks'], ['eval', 'mr', 'gpt-4o'], ['worker'], ['bot'], ['leaderboard']];
  it.each(commands.map((c, i) => [c.join(' '), c, BAD[i % BAD.length]!] as const))(
    '`jcb %s` stops before anything else',
    async (_name, args, [file, says]) => {
      const r = jcb(args, { ...FIXTURE_ENV, JCB_STORE: file, SLACK_BOT_TOKEN: '', REDIS_URL: 'redis://127.0.0.1:1' });
      expect(await r.exited).toBe(1);
      expect(r.out.stderr).toMatch(new RegExp(`^jcb: JCB_STORE=\\S+ .+\\n$`));
      expect(r.out.stderr).toMatch(says);
    },
  );
});
