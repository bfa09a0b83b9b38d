// Every environment variable with a rule of its own is checked at one place (ENV_SETTINGS): one line naming the
// variable and what is right, never zod's words, never a default in its place (break1, kind 2). Generated from
// the table: a setting added without refused values here fails the first test.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/base/errors.js';
import { checkEnv, ENV_SETTINGS } from '../src/services/env.js';
import { botConfig } from '../handlers/config.js';
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
  JCB_HEARTBEAT_MS: ['0', '15s'],
  JCB_ORPHAN_AFTER_MS: ['-1', '1e5'],
  JCB_LOOP_REPORT_MS: ['0', '1e3'],
  JCB_TOKENIZER: ['native', 'JS', 'ts'],
  JCB_FREE_TEXT_POLICY: ['mask', 'always'],
  JCB_KEEP_FREE_TEXT: ['yes', 'true'],
  JCB_RELEASE_MANIFEST: [plain, path.join(scratch, 'none.json'), scratch],
  JCB_TASKS: ['/proc/self', plain, path.join(scratch, 'none')],
  JCB_MODELS: [scratch],
  JCB_SCHEDULES: [scratch],
  JCB_FACILITIES: [scratch],
  // The bot's and the rest of jcb's: a number in another notation was read by Number() (1e3, 0x10) or as NaN
  // (JCB_CONFIRM_COST_USD=abc asked for no confirmation at all); a name where an id is meant never matched.
  JCB_QUEUE_PREFIX: ['jcb queue', 'a/b'],
  JCB_RELEASE_REF: ['--upload-pack=x', 'a..b', 'main branch'],
  JCB_PACK_REF: ['-x', 'a b'],
  JCB_CHAT_MODEL: ['gpt 4o', '@gpt'],
  JCB_JUDGE_MODEL: ['a/b', '-x'],
  JCB_DEBUG: [],
  PORT: ['eighty', '65536', '-1', '0x50', '8e3'],
  SLACK_APP_ID: ['my-app', 'B123'],
  JCB_BOT_RATE_PER_MINUTE: ['0', 'abc', '1e3', '2.5'],
  JCB_SLACK_LOOKUP_MS: ['99', '60001', 'soon', '1.5'],
  JCB_CONFIRM_COST_USD: ['abc', '-1', '1e3', '0x10', '$5', ' 5'],
  JCB_BOT_ALLOWED_USERS: ['@alice', 'alice,bob'],
  JCB_BOT_ALLOWED_CHANNELS: ['#general'],
  JCB_ADMINS: ['U1;U2', 'u123'],
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
  JCB_HEARTBEAT_MS: '15000',
  JCB_ORPHAN_AFTER_MS: '120000',
  JCB_LOOP_REPORT_MS: '60000',
  JCB_TOKENIZER: 'js',
  JCB_FREE_TEXT_POLICY: 'mask-always',
  JCB_KEEP_FREE_TEXT: '1',
  JCB_RELEASE_MANIFEST: FIXTURE_ENV.JCB_RELEASE_MANIFEST,
  JCB_TASKS: path.join(FIXTURES, 'task-files', 'own'),
  JCB_MODELS: plain,
  JCB_SCHEDULES: path.join(scratch, 'not-yet.yml'),
  JCB_FACILITIES: plain,
  JCB_QUEUE_PREFIX: 'jcbtest-1:a',
  JCB_RELEASE_REF: 'release/v1.2',
  JCB_PACK_REF: '0123abcd',
  JCB_CHAT_MODEL: 'ＧＰＴ-4o',
  JCB_JUDGE_MODEL: 'ext-llm',
  JCB_DEBUG: 'yes',
  PORT: '0',
  SLACK_APP_ID: 'A0123ABCD',
  JCB_BOT_RATE_PER_MINUTE: '20',
  JCB_SLACK_LOOKUP_MS: '1500',
  JCB_CONFIRM_COST_USD: '0.50',
  JCB_BOT_ALLOWED_USERS: 'U0123, W0456',
  JCB_BOT_ALLOWED_CHANNELS: 'C0123,G0456,',
  JCB_ADMINS: 'U_ADMIN, U_OTHER_ADMIN',
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

  it('a JCB_TASKS entry that does not exist is said so, with the absolute path looked for', () => {
    expect(() => checkEnv({ ...FIXTURE_ENV, JCB_TASKS: 'no-such-tasks.yml' })).toThrow(
      `no-such-tasks.yml does not exist; looked for ${path.resolve('no-such-tasks.yml')}`,
    );
  });

  it('every setting naming a path, a file or a URL is a place; numbers and choices are not', () => {
    expect(ENV_SETTINGS.filter((s) => s.place).map((s) => s.name)).toEqual(
      ENV_SETTINGS.filter(
        (s) =>
          !/^(JCB_(QUEUE_CHUNK|QUEUE_LOCK_MS|RECONCILE_MS|STALLED_MS|SHUTDOWN_GRACE_MS|THREADS|CHECK_TIMEOUT_MS|STORE_RETRY_MS|HEARTBEAT_MS|ORPHAN_AFTER_MS|LOOP_REPORT_MS|TOKENIZER|FREE_TEXT_POLICY|KEEP_FREE_TEXT|RELEASE_REF|PACK_REF|CHAT_MODEL|JUDGE_MODEL|DEBUG|BOT_RATE_PER_MINUTE|SLACK_LOOKUP_MS|CONFIRM_COST_USD|BOT_ALLOWED_USERS|BOT_ALLOWED_CHANNELS|ADMINS)|PORT|SLACK_APP_ID)$/.test(
            s.name,
          ),
      ).map((s) => s.name),
    );
    for (const s of ENV_SETTINGS.filter((s) => !s.place)) expect(refusal({ [s.name]: '' }), s.name).toBe('(accepted)');
  });

  // A variable the code reads but the table lacks is checked by nobody before the work (JCB_CONFIRM_COST_USD=abc
  // was read as NaN by the bot): every one read in src/ and handlers/ is in the table, or here with why not. No
  // JCB_ variable may be here: every JCB_ name jcb's code mentions at all is in the table.
  it('every variable the code reads is in the table (every JCB_ one), or named here with why not', () => {
    const NOT_IN_TABLE: Record<string, string> = {
      SLACK_BOT_TOKEN: 'a secret, needed by the bot only: the bot says when it is missing or empty',
      SLACK_APP_TOKEN: 'a secret, needed by the bot only: the bot says when it is missing or empty',
      SLACK_SIGNING_SECRET: 'a secret, needed by the bot only: the bot says when it is missing or empty',
      COLUMNS: "the terminal's width, set by the shell: a wrong one is ignored",
    };
    const read = new Set<string>();
    const mentioned = new Set<string>();
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : /\.[jt]s$/.test(e.name) ? [path.join(dir, e.name)] : [],
      );
    for (const file of [...files('src'), ...files('handlers'), ...files('bin')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)\b|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g))
        read.add(m[1] ?? m[2]);
      for (const m of text.matchAll(/\bJCB_[A-Z0-9_]+/g)) mentioned.add(m[0]);
      // The bot's settings are read as a zod object's keys (handlers/config.ts).
      if (file.endsWith(path.join('handlers', 'config.ts')))
        for (const m of text.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)) read.add(m[1]);
    }
    expect([...read]).toEqual(
      expect.arrayContaining(['JCB_DATA_DIR', 'JCB_CACHE_DIR', 'SLACK_API_URL', 'PORT', 'JCB_CONFIRM_COST_USD']),
    );
    const table = new Set(ENV_SETTINGS.map((s) => s.name));
    expect(Object.keys(NOT_IN_TABLE).filter((n) => n.startsWith('JCB_'))).toEqual([]);
    expect([...read].filter((n) => !table.has(n) && !(n in NOT_IN_TABLE)).sort()).toEqual([]);
    expect([...mentioned].filter((n) => !table.has(n)).sort()).toEqual([]);
  });

  // The bot reads its settings by the same table (handlers/config.ts): the same refusal, and empty is unset
  // (PORT= was port 0, a random one; JCB_CONFIRM_COST_USD= was $0, a confirmation for every eval).
  it("the bot's settings are refused by the table's words; empty is their default", () => {
    const bot = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    const said = (env: NodeJS.ProcessEnv) => {
      try {
        botConfig(env);
        return '(accepted)';
      } catch (err) {
        return (err as Error).message;
      }
    };
    for (const name of [
      'PORT',
      'SLACK_APP_ID',
      'JCB_BOT_RATE_PER_MINUTE',
      'JCB_SLACK_LOOKUP_MS',
      'JCB_CONFIRM_COST_USD',
      'JCB_ADMINS',
    ]) {
      expect(said({ ...bot, [name]: REFUSED[name][0] }), name).toMatch(new RegExp(`^${name} must be `));
      expect(said({ ...bot, [name]: TAKEN[name] }), name).toBe('(accepted)');
    }
    expect(botConfig({ ...bot, PORT: '', JCB_CONFIRM_COST_USD: '', JCB_BOT_RATE_PER_MINUTE: '' })).toMatchObject({
      port: 3000,
      confirmCostUsd: 1,
      ratePerMinute: 20,
    });
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
      /^jcb: The evaluation queue is unavailable \(Redis at [\w.]+:\d+\/\d+ \(REDIS_URL\): nothing answers there \(connection refused\)\)\./,
    );
    for (const r of [status, home, mysql, manifest, worker]) expect(r.err.trim().split('\n')).toHaveLength(1);
  }, 240_000);
});

describe('an empty JCB_DATA_DIR', () => {
  // It read as unset: `score` and `run` fetched the release into the per-user folder, `doctor` looked there.
  it('is refused by score and run in one line and listed by doctor, exit 1, nothing fetched', async () => {
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
    const said = /JCB_DATA_DIR must be a folder holding a copy of the release.*\(it is (empty|blank)\)\./;
    for (const r of results.slice(0, 4)) {
      expect(r.code, r.err).toBe(1);
      expect(r.err).toMatch(new RegExp(`^jcb: ${said.source}\\n$`));
      expect(r.out).toBe('');
    }
    // doctor lists it with any other bad setting, and does not look for the release as if it were unset.
    for (const r of results.slice(4)) {
      expect(r.code, r.err).toBe(1);
      expect(r.out.replace(/\n {4}/g, ' ')).toMatch(new RegExp(`^NO {2}setting: JCB_DATA_DIR ${said.source}$`, 'm'));
      expect(r.out).not.toMatch(/release:|is not set/);
    }
    expect(existsSync(path.join(home, '.local'))).toBe(false);
  }, 120_000);
});
