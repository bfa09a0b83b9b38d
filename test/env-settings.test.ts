// Every environment variable with a rule of its own is checked at one place (ENV_SETTINGS): one line naming the
// variable and what is right, never zod's words, never a default in its place (break1, kind 2). Generated from
// the table: a setting added without refused values here fails the first test.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/base/errors.js';
import { checkEnv, ENV_SETTINGS } from '../src/services/env.js';
import { FIXTURE_ENV, FIXTURES, runJcb } from './helpers.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-env-'));
const plain = path.join(scratch, 'afile');
writeFileSync(plain, 'hi\n');

/** Values each setting refuses: a malformed form, another scheme, a number in another notation, a path of nothing. */
const REFUSED: Record<string, string[]> = {
  HOME: ['', 'relative/home'],
  XDG_DATA_HOME: ['relative/data'],
  // A file where a folder is meant failed later (JCB_PACKS_DIR: "unexpected error: ENOTDIR", exit 2); a relative
  // JCB_HOME made the per-user folder depend on the working folder.
  JCB_HOME: [plain, 'relative/home'],
  JCB_DATA_DIR: [plain],
  JCB_PACKS_DIR: [plain],
  JCB_PACKS_TASKS: [plain],
  JCB_STORE: [],
  JCB_CACHE_DIR: [plain],
  JCB_RELEASE_URL: [],
  JCB_PACK_URL: [],
  SLACK_API_URL: ['garbage', 'ftp://127.0.0.1/api/'],
  DATABASE_URL: ['mysql://x@127.0.0.1/jcb', 'garbage', 'postgres://'],
  OPENAI_BASE_URL: [
    'notaurl',
    'ftp://127.0.0.1/v1',
    'http://u:pw@127.0.0.1:8000/v1',
    'http://127.0.0.1:8000/v1?api_key=sk-ENVQUERY12345',
  ],
  REDIS_URL: ['garbage', 'redis://:pw@127.0.0.1:99999', 'http://127.0.0.1:6379'],
  JCB_QUEUE_CHUNK: ['0', '0x10', '1e3', 'abc', '-5'],
  JCB_QUEUE_LOCK_MS: ['0', '1e3'],
  JCB_RECONCILE_MS: ['0', '1.5'],
  JCB_STALLED_MS: ['abc', '0x10'],
  JCB_SHUTDOWN_GRACE_MS: ['-1', '1e3'],
  JCB_THREADS: ['65', '-1', '0x2', '2.5'],
  JCB_CHECK_TIMEOUT_MS: ['0', '30s', '1e5'],
  JCB_STORE_RETRY_MS: ['-1', 'soon'],
  JCB_LOOP_REPORT_MS: ['0', '1e3'],
  JCB_FREE_TEXT_POLICY: ['mask', 'always'],
  JCB_KEEP_FREE_TEXT: ['yes', 'true'],
  JCB_RELEASE_MANIFEST: [plain, path.join(scratch, 'none.json'), scratch],
  JCB_TASKS: ['/proc/self', plain, path.join(scratch, 'none')],
  JCB_MODELS: [scratch],
  JCB_SCHEDULES: [scratch],
  JCB_FACILITIES: [scratch],
};

/** A value each setting takes. */
const TAKEN: Record<string, string> = {
  HOME: scratch,
  XDG_DATA_HOME: scratch,
  JCB_HOME: scratch,
  JCB_DATA_DIR: 'relative/release',
  JCB_PACKS_DIR: scratch,
  JCB_PACKS_TASKS: scratch,
  JCB_STORE: path.join(scratch, 'jcb.sqlite'),
  JCB_CACHE_DIR: scratch,
  JCB_RELEASE_URL: 'https://example.org/j-clinicalbench.git',
  JCB_PACK_URL: scratch,
  SLACK_API_URL: 'http://127.0.0.1:3999/api/',
  DATABASE_URL: 'postgres://u:secret@127.0.0.1:5432/jcb',
  OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
  REDIS_URL: 'redis://127.0.0.1:6379/2',
  JCB_QUEUE_CHUNK: '25',
  JCB_QUEUE_LOCK_MS: '8000',
  JCB_RECONCILE_MS: '60000',
  JCB_STALLED_MS: '600000',
  JCB_SHUTDOWN_GRACE_MS: '30000',
  JCB_THREADS: '0',
  JCB_CHECK_TIMEOUT_MS: '600000',
  JCB_STORE_RETRY_MS: '0',
  JCB_LOOP_REPORT_MS: '60000',
  JCB_FREE_TEXT_POLICY: 'mask-always',
  JCB_KEEP_FREE_TEXT: '1',
  JCB_RELEASE_MANIFEST: FIXTURE_ENV.JCB_RELEASE_MANIFEST,
  JCB_TASKS: path.join(FIXTURES, 'task-files', 'own'),
  JCB_MODELS: plain,
  JCB_SCHEDULES: path.join(scratch, 'not-yet.yml'),
  JCB_FACILITIES: plain,
};

const refusal = (env: NodeJS.ProcessEnv): string => {
  try {
    checkEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).message;
  }
  return '(accepted)';
};

describe('ENV_SETTINGS', () => {
  it('every setting of the table has refused and taken values here', () => {
    expect(Object.keys(REFUSED).sort()).toEqual(ENV_SETTINGS.map((s) => s.name).sort());
    expect(Object.keys(TAKEN).sort()).toEqual(ENV_SETTINGS.map((s) => s.name).sort());
  });

  it.each(ENV_SETTINGS.map((s) => [s.name, s] as const))(
    '%s: refused in one line naming it and what is right',
    (name, s) => {
      for (const bad of REFUSED[name]) {
        const message = refusal({ [name]: bad });
        expect(message, bad).toMatch(new RegExp(`^${name} must be `));
        expect(message, bad).toContain(s.right);
        expect(message, bad).not.toMatch(/\n|Invalid input|expected \w+, received|Unexpected token/);
        if (s.secret) expect(message, bad).not.toMatch(/:pw@|ENVQUERY|notaurl/);
      }
      expect(refusal({ [name]: TAKEN[name] })).toBe('(accepted)');
    },
  );

  // Kind: a place set to nothing is a mistake (`JCB_DATA_DIR=$UNSET`), refused, never read as unset (which fetched
  // the release into the default folder, or named a store file called " "). Numbers and choices: empty is unset.
  it.each(ENV_SETTINGS.filter((s) => s.place).map((s) => [s.name, s] as const))(
    '%s: empty or blank is refused in one line, never read as unset',
    (name, s) => {
      const blanks = ['', ' ', '\t ', ...(name === 'JCB_TASKS' ? [path.delimiter, ` ${path.delimiter} `] : [])];
      for (const value of blanks) {
        expect(refusal({ [name]: value }), JSON.stringify(value)).toBe(
          `${name} must be ${s.right} (it is ${value === '' ? 'empty' : 'blank'}).`,
        );
      }
    },
  );

  it('every setting naming a path, a file or a URL is a place; numbers and choices are not', () => {
    expect(ENV_SETTINGS.filter((s) => s.place).map((s) => s.name)).toEqual(
      ENV_SETTINGS.filter(
        (s) =>
          !/^JCB_(QUEUE_CHUNK|QUEUE_LOCK_MS|RECONCILE_MS|STALLED_MS|SHUTDOWN_GRACE_MS|THREADS|CHECK_TIMEOUT_MS|STORE_RETRY_MS|LOOP_REPORT_MS|FREE_TEXT_POLICY|KEEP_FREE_TEXT)$/.test(
            s.name,
          ),
      ).map((s) => s.name),
    );
    for (const s of ENV_SETTINGS.filter((s) => !s.place)) expect(refusal({ [s.name]: '' }), s.name).toBe('(accepted)');
  });

  // A variable the code reads but the table lacks would escape the empty rule: every one read in src/ and
  // handlers/ is in the table, or here, with why it is no place.
  it('every variable the code reads is in the table or named here as no place', () => {
    const NO_PLACE: Record<string, string> = {
      SLACK_BOT_TOKEN: 'a token',
      SLACK_APP_TOKEN: 'a token',
      SLACK_SIGNING_SECRET: 'a secret',
      SLACK_APP_ID: 'an id',
      PORT: 'a number',
      JCB_BOT_RATE_PER_MINUTE: 'a number',
      JCB_BOT_ALLOWED_USERS: 'a list of ids',
      JCB_BOT_ALLOWED_CHANNELS: 'a list of ids',
      JCB_ADMINS: 'a list of ids',
      JCB_CONFIRM_COST_USD: 'a number',
      JCB_CHAT_MODEL: 'a model alias',
      JCB_JUDGE_MODEL: 'a model alias',
      JCB_RELEASE_REF: 'a git ref',
      JCB_PACK_REF: 'a git ref',
      JCB_QUEUE_PREFIX: 'a key prefix',
      JCB_DEBUG: 'a switch',
      COLUMNS: 'a number',
    };
    const read = new Set<string>();
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
      );
    for (const file of [...files('src'), ...files('handlers')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)\b|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g))
        read.add(m[1] ?? m[2]);
      // The bot's settings are read as a zod object's keys (handlers/config.ts).
      if (file.endsWith(path.join('handlers', 'config.ts')))
        for (const m of text.matchAll(/^ {2}([A-Z][A-Z0-9_]+): z\./gm)) read.add(m[1]);
    }
    expect([...read]).toEqual(expect.arrayContaining(['JCB_DATA_DIR', 'JCB_CACHE_DIR', 'SLACK_API_URL', 'PORT']));
    const table = new Set(ENV_SETTINGS.map((s) => s.name));
    expect([...read].filter((n) => !table.has(n) && !(n in NO_PLACE)).sort()).toEqual([]);
  });

  it('HOME is not needed when JCB_HOME or XDG_DATA_HOME says where', () => {
    expect(refusal({ HOME: '', JCB_HOME: scratch })).toBe('(accepted)');
    expect(refusal({ HOME: '', XDG_DATA_HOME: scratch })).toBe('(accepted)');
  });
});

describe('every command checks the settings first', () => {
  const env = { ...FIXTURE_ENV, JCB_STORE: path.join(scratch, 'jcb.sqlite'), JCB_PACKS_TASKS: '/nonexistent' };
  it('status, runs, leaderboard, doctor and worker refuse in one line, exit 1; doctor and worker say NO and exit 1', async () => {
    const [status, home, mysql, manifest, doctor, worker] = await Promise.all([
      runJcb(['status'], { ...env, REDIS_URL: 'garbage' }),
      runJcb(['runs'], { ...env, JCB_STORE: undefined, JCB_HOME: undefined, XDG_DATA_HOME: undefined, HOME: '' }),
      runJcb(['runs'], { ...env, DATABASE_URL: 'mysql://x@127.0.0.1/jcb' }),
      runJcb(['leaderboard'], { ...env, JCB_RELEASE_MANIFEST: plain }),
      runJcb(['doctor'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' }),
      runJcb(['worker'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' }),
    ]);
    expect([status.code, status.err]).toEqual([1, expect.stringMatching(/^jcb: REDIS_URL must be a Redis URL.*\n$/)]);
    expect([home.code, home.err]).toEqual([1, expect.stringMatching(/^jcb: HOME must be an absolute path.*\n$/)]);
    expect(existsSync(path.join(process.cwd(), '.local'))).toBe(false);
    expect([mysql.code, mysql.err]).toEqual([
      1,
      // The right form survives the sanitizer that hides addresses (it was "[address]]/database").
      expect.stringMatching(
        /^jcb: DATABASE_URL must be postgres:\/\/, then \[user\[:password\]@\]host\[:port\]\/database.*\n$/,
      ),
    ]);
    expect([manifest.code, manifest.err]).toEqual([
      1,
      expect.stringMatching(/^jcb: JCB_RELEASE_MANIFEST must be a release manifest.*it is not JSON.*\n$/),
    ]);
    expect(doctor.code).toBe(1);
    expect(doctor.out).toMatch(/^NO {2}Redis/m);
    expect(worker.code).toBe(1);
    expect(worker.err).toMatch(
      /^jcb: The evaluation queue is unavailable \(Redis at \[address\]: nothing answers there \(connection refused\)\)\./,
    );
    for (const r of [status, home, mysql, manifest, worker]) expect(r.err.trim().split('\n')).toHaveLength(1);
  }, 240_000);
});

describe('an empty JCB_DATA_DIR', () => {
  // It read as unset: `score` and `run` fetched the release into the per-user folder, `doctor` looked there.
  it('is refused by score, run and doctor in one line, exit 1, nothing fetched', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'jcb-empty-'));
    const env = {
      ...FIXTURE_ENV,
      HOME: home,
      XDG_DATA_HOME: undefined,
      JCB_HOME: undefined,
      JCB_STORE: path.join(home, 'jcb.sqlite'),
      JCB_RELEASE_URL: path.join(home, 'no-mirror'),
    };
    const results = await Promise.all(
      [['score'], ['run', 'mr', 'baseline'], ['doctor']].flatMap((args) =>
        ['', '  '].map((value) => runJcb(args, { ...env, JCB_DATA_DIR: value })),
      ),
    );
    for (const r of results) {
      expect(r.code, r.err).toBe(1);
      expect(r.err).toMatch(
        /^jcb: JCB_DATA_DIR must be a folder holding a copy of the release.*\(it is (empty|blank)\)\.\n$/,
      );
      expect(r.out).toBe('');
    }
    expect(existsSync(path.join(home, '.local'))).toBe(false);
  }, 120_000);
});
