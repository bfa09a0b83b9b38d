// Every environment variable jcb reads with a rule of its own, checked at one place before any command runs:
// one line naming the variable and what would be right, never a default put in its place, never a raw error.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../base/errors.js';
import { operatorFixFor } from '../base/shown.js';
import { cutEcho, normalizeToken } from '../base/suggest.js';
import { aliasSchema, baseUrlSchema, OPENAI_BASE_URL_RIGHT } from '../models/registry.js';
import type { Service } from '../command/command-spec.js';
import {
  QUEUE_NUMBER_MIN,
  QUEUE_NUMBERS,
  QUEUE_PREFIX,
  QUEUE_PREFIX_RIGHT,
  queueNumberRight,
  redisUrl,
} from '../queue/settings.js';
import { loadManifest } from '../release/manifest.js';
import { OWNER_NUMBERS } from '../evaluation/owner.js';
import { taskFilesIn } from '../tasks/task-file/load.js';

/** A setting's rule: `schema` reads the value as set (unset variables are not checked). */
export interface EnvSetting {
  name: string;
  /** What a right value is, as the refusal says it: `NAME must be <right>`. */
  right: string;
  schema: z.ZodType<unknown>;
  /** Checked only when none of these is set (HOME matters only without JCB_HOME and XDG_DATA_HOME). */
  unless?: string[];
  /** Its value may hold a password: never echoed. */
  secret?: boolean;
  /**
   * It names a path, a file or a URL: set but empty or blank, it is refused, never read as unset (`JCB_DATA_DIR=$X`
   * with X unset fetched the release into the default folder; `JCB_STORE= ` named a file called " ").
   */
  place?: boolean;
  /** Read only by commands that speak to this service (the command table's `uses`): checked only for them. */
  service?: Service;
}

/** A zod rule from a function that throws (the queue's and the release's own checks), its message kept. */
const by = (check: (value: string) => unknown) =>
  z.string().superRefine((v, ctx) => {
    try {
      check(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

const absolute = z.string().refine((v) => path.isAbsolute(v));
/** Decimal digits only, from `min` (never `0x10`, `1e3`, ` 5`, which Number() would read). */
const whole = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^[0-9]+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
/** A file's path that, where something is there, is a file this process can read (a folder hung or threw EISDIR). */
const fileIfThere = by((v) => {
  const file = path.resolve(v);
  if (!existsSync(file)) return;
  if (statSync(file).isDirectory()) throw new Error('it is a folder');
  try {
    accessSync(file, constants.R_OK);
  } catch {
    throw new Error('it cannot be read');
  }
});
/** A folder's path that, where something is there, is a folder (a file there failed later: ENOTDIR, exit 2). */
const folderIfThere = by((v) => {
  const at = path.resolve(v);
  if (existsSync(at) && !statSync(at).isDirectory()) throw new Error('it is a file');
});
/** Empty is unset for these settings (numbers, choices), as every reader treats it; never for a place (`place`). */
const orEmpty = (schema: z.ZodType<unknown>) => z.union([z.literal(''), schema]);
/** A place whose only rule is not to be empty (checkEnv's); what it names is checked where it is used. */
const anyPlace = z.string();
/** Slack ids (`U0123ABCD`, `C0123ABCD`) separated by commas; blanks around them are allowed, names are not. */
const slackIds = z.string().refine((v) =>
  v
    .split(',')
    .map((id) => id.trim())
    .every((id) => /^[A-Z0-9_]*$/.test(id)),
);
/** A model alias as a command reads one (any width or case): whether it names a model is said where it is used. */
const aliasWord = z.string().refine((v) => aliasSchema.safeParse(normalizeToken(v).toLowerCase()).success);
/** A git branch, tag or commit: never a word git would read as an option, nor blanks or `..` (git refuses them). */
const gitRef = z.string().regex(/^(?!-)(?!.*\.\.)[^\s~^:?*[\\\x00-\x1f\x7f]+$/);

export const ENV_SETTINGS: readonly EnvSetting[] = [
  {
    name: 'HOME',
    right: 'an absolute path (your home folder), or set JCB_HOME: the store and the release are kept under it',
    schema: absolute,
    unless: ['JCB_HOME', 'XDG_DATA_HOME'],
    place: true,
  },
  // The XDG spec reads an empty XDG_DATA_HOME as unset; jcb refuses it as it refuses every empty place.
  { name: 'XDG_DATA_HOME', right: 'an absolute path, or unset', schema: absolute, place: true },
  {
    name: 'JCB_HOME',
    right:
      'an absolute path of a folder (jcb’s per-user folder: the store, the release, the packs), or unset for $XDG_DATA_HOME/jcb',
    schema: absolute.pipe(folderIfThere),
    place: true,
  },
  {
    name: 'JCB_DATA_DIR',
    right: 'a folder holding a copy of the release, or unset for the one `jcb data pull` fetches into jcb’s folder',
    schema: folderIfThere,
    place: true,
  },
  {
    name: 'JCB_PACKS_DIR',
    right: 'a folder holding the pulled packs, or unset for the packs folder in jcb’s folder',
    schema: folderIfThere,
    place: true,
  },
  {
    name: 'JCB_PACKS_TASKS',
    right: 'a folder of packs’ task files (<name>/), or unset for jcb’s own',
    schema: folderIfThere,
    place: true,
  },
  {
    name: 'JCB_STORE',
    right: 'an SQLite file, or unset for jcb.sqlite in jcb’s folder',
    schema: anyPlace,
    place: true,
  },
  {
    name: 'JCB_CACHE_DIR',
    right: 'a folder for the tokenizer’s built tables, or unset for ~/.cache/jcb',
    schema: folderIfThere,
    place: true,
  },
  {
    name: 'JCB_RELEASE_URL',
    right: 'a git URL or folder of a copy of the release, or unset for the published one',
    schema: anyPlace,
    place: true,
  },
  {
    name: 'JCB_PACK_URL',
    right: 'a git URL or folder of a copy of the pack, or unset for the published one',
    schema: anyPlace,
    place: true,
  },
  {
    name: 'DATABASE_URL',
    right: 'postgres://, then [user[:password]@]host[:port]/database, or unset for SQLite',
    schema: z
      .string()
      .refine((v) => URL.canParse(v) && /^postgres(ql)?:$/.test(new URL(v).protocol) && new URL(v).hostname !== ''),
    secret: true,
    place: true,
  },
  {
    name: 'REDIS_URL',
    right:
      'a Redis URL: redis://, then [user:password@]host[:port][/db] (rediss:// for TLS), or unset for Redis on 127.0.0.1:6379',
    schema: by((v) => redisUrl({ REDIS_URL: v })),
    secret: true,
    place: true,
    service: 'Redis',
  },
  // The registry's rule for baseUrl: an env-given key in a query string would be printed and stored too.
  { name: 'OPENAI_BASE_URL', right: OPENAI_BASE_URL_RIGHT, schema: baseUrlSchema, secret: true, place: true },
  // The bot's (handlers/config.ts reads it with the same rule).
  {
    name: 'SLACK_API_URL',
    right: 'the URL of a Slack Web API (https://…/api/), or unset for slack.com',
    schema: z.url({ protocol: /^https?$/ }),
    place: true,
  },
  ...(Object.keys(QUEUE_NUMBERS) as (keyof typeof QUEUE_NUMBERS)[]).map((name) => ({
    name,
    right: `${queueNumberRight(name)} in decimal digits, or unset for ${QUEUE_NUMBERS[name]}`,
    schema: orEmpty(whole(QUEUE_NUMBER_MIN[name])),
    service: 'Redis' as const,
  })),
  {
    name: 'JCB_THREADS',
    right: 'a whole number from 0 to 64 (0: no threads), or unset',
    schema: orEmpty(whole(0, 64)),
  },
  {
    name: 'JCB_CHECK_TIMEOUT_MS',
    right: 'a whole number of milliseconds above 0, or unset for 30000',
    schema: orEmpty(whole(1)),
  },
  {
    name: 'JCB_STORE_RETRY_MS',
    right: 'a whole number of milliseconds (0: no retry), or unset for 30000',
    schema: orEmpty(whole(0)),
  },
  ...(Object.keys(OWNER_NUMBERS) as (keyof typeof OWNER_NUMBERS)[]).map((name) => ({
    name,
    right: `a whole number of milliseconds above 0, or unset for ${OWNER_NUMBERS[name]}`,
    schema: orEmpty(whole(1)),
  })),
  {
    name: 'JCB_LOOP_REPORT_MS',
    right: 'a whole number of milliseconds above 0, or unset for 60000',
    schema: orEmpty(whole(1)),
  },
  {
    name: 'JCB_QUEUE_PREFIX',
    right: `a prefix of Redis keys: ${QUEUE_PREFIX_RIGHT}; or unset for jcb`,
    schema: z.string().regex(QUEUE_PREFIX),
    // It names a queue: empty is refused, never read as jcb.
    place: true,
    service: 'Redis',
  },
  ...(['JCB_RELEASE_REF', 'JCB_PACK_REF'] as const).map((name) => ({
    name,
    right: 'a git branch, tag or commit, or unset for the pinned commit',
    schema: orEmpty(gitRef),
  })),
  ...(['JCB_CHAT_MODEL', 'JCB_JUDGE_MODEL'] as const).map((name) => ({
    name,
    right: `a model alias of the registry (lower-case letters, digits, . _ -), or unset${name === 'JCB_CHAT_MODEL' ? ' for the first model allowed free text' : ''}`,
    schema: orEmpty(aliasWord),
  })),
  // Any value turns the debug log on; it has no wrong value.
  { name: 'JCB_DEBUG', right: 'any value (the debug log), or unset', schema: z.string() },
  // The bot's (handlers/config.ts checks them by this table too).
  {
    name: 'PORT',
    right: 'a port number from 0 (any free one) to 65535 in decimal digits, or unset for 3000',
    schema: orEmpty(whole(0, 65535)),
  },
  {
    name: 'SLACK_APP_ID',
    right: "the app's id (A…, Basic Information → App ID), or unset",
    schema: orEmpty(z.string().regex(/^A[A-Z0-9]+$/)),
  },
  {
    name: 'JCB_BOT_RATE_PER_MINUTE',
    right: 'a whole number above 0 in decimal digits, or unset for 20',
    schema: orEmpty(whole(1)),
  },
  {
    name: 'JCB_SLACK_LOOKUP_MS',
    right: 'a whole number of milliseconds from 100 to 60000, or unset for 1500',
    schema: orEmpty(whole(100, 60_000)),
  },
  {
    name: 'JCB_CONFIRM_COST_USD',
    right: 'an amount of US dollars in decimal digits (1, 0.50), or unset for 1',
    schema: orEmpty(z.string().regex(/^[0-9]+(\.[0-9]+)?$/)),
  },
  ...(['JCB_BOT_ALLOWED_USERS', 'JCB_BOT_ALLOWED_CHANNELS', 'JCB_ADMINS'] as const).map((name) => ({
    name,
    right: `Slack ${name.endsWith('CHANNELS') ? 'channel ids (C…)' : 'user ids (U…)'} separated by commas, or unset`,
    schema: slackIds,
  })),
  {
    name: 'JCB_TOKENIZER',
    right: 'js (the TypeScript lattice, not the native one), or unset for the native one where it is built',
    schema: z.enum(['', 'js']),
  },
  { name: 'JCB_FREE_TEXT_POLICY', right: 'mask-always, or unset', schema: z.enum(['', 'mask-always']) },
  { name: 'JCB_KEEP_FREE_TEXT', right: '1 (keep the texts), 0 or unset', schema: z.enum(['', '0', '1']) },
  {
    name: 'JCB_RELEASE_MANIFEST',
    right: 'a release manifest (JSON, as data/release-manifest.json), or unset for jcb’s own',
    schema: by((v) => loadManifest({ JCB_RELEASE_MANIFEST: v })),
    place: true,
  },
  ...(['JCB_MODELS', 'JCB_SCHEDULES', 'JCB_FACILITIES'] as const).map((name) => ({
    name,
    right: 'a file jcb can read (where it is missing, the command that needs it says so), or unset',
    schema: fileIfThere,
    place: true,
  })),
  {
    name: 'JCB_TASKS',
    right: `folders of task files (*.yml) or task files, separated by "${path.delimiter}", or unset`,
    schema: by((v) => {
      const entries = v.split(path.delimiter).filter(Boolean);
      // A relative entry is read from the folder jcb runs in: the absolute form says which one was looked for.
      const missing = entries.find((p) => !existsSync(path.resolve(p)));
      if (missing !== undefined)
        throw new Error(`${cutEcho(missing)} does not exist; looked for ${cutEcho(path.resolve(missing))}`);
      const none = entries.find((p) => taskFilesIn(path.resolve(p)).length === 0);
      if (none !== undefined) throw new Error(`${cutEcho(none)} holds no task file`);
    }),
    place: true,
  },
];

/** Whether `value` names nothing: empty or blanks, or for JCB_TASKS only separators and blanks. */
const blank = (name: string, value: string): boolean =>
  (name === 'JCB_TASKS' ? value.split(path.delimiter) : [value]).every((part) => part.trim() === '');

/**
 * Checks every setting of ENV_SETTINGS that `env` sets (of `names` only, when given; of a service only when `uses`
 * names it, every service when `uses` is not given), in the table's order.
 * @throws UserError for the first bad one (envProblems).
 */
export function checkEnv(env: NodeJS.ProcessEnv, names?: readonly string[], uses?: readonly Service[]): void {
  const [first] = envProblems(env, names, uses);
  if (first) throw first.error;
}

/**
 * Every bad setting of ENV_SETTINGS that `env` sets, as checkEnv chooses them, in the table's order (`jcb doctor`
 * lists each): its name, and `NAME must be <right> (<why>).` as a UserError, the value never echoed when secret.
 */
export function envProblems(
  env: NodeJS.ProcessEnv,
  names?: readonly string[],
  uses?: readonly Service[],
): { name: string; error: UserError }[] {
  const problems: { name: string; error: UserError }[] = [];
  const bad = (name: string, message: string) => problems.push({ name, error: new UserError(message) });
  for (const s of ENV_SETTINGS) {
    if (names && !names.includes(s.name)) continue;
    if (uses && s.service && !uses.includes(s.service)) continue;
    const value = env[s.name];
    if (value === undefined || s.unless?.some((n) => env[n])) continue;
    // A place left empty (`JCB_DATA_DIR=$UNSET_VARIABLE`) is a mistake, never the default (a 40 MB fetch).
    if (s.place && blank(s.name, value)) {
      bad(s.name, `${s.name} must be ${s.right} (it is ${value === '' ? 'empty' : 'blank'}).`);
      continue;
    }
    const parsed = s.schema.safeParse(value);
    if (parsed.success) continue;
    // A check's own words (redisUrl's "…: REDIS_URL is not a Redis URL (why)." gives its why), never zod's; its
    // operator's fix as a terminal says it (this is the operator's own check).
    const own = parsed.error.issues.find((i) => i.code === 'custom' && i.message && !/^Invalid/.test(i.message));
    const said = own && operatorFixFor(own.message, 'terminal').replace(/\.$/, '');
    const why = said
      ? (new RegExp(`\\b${s.name} [^(]*\\((.*)\\)$`).exec(said)?.[1] ?? said)
      : s.secret
        ? ''
        : `it is "${cutEcho(value)}"`;
    bad(s.name, `${s.name} must be ${s.right}${why ? ` (${why})` : ''}.`);
  }
  return problems;
}
