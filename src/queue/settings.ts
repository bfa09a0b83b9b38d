// The queue's settings from the environment, checked: a malformed REDIS_URL or a number that is no
// number is refused in one line, never replaced by a default (which would queue into another Redis,
// or lock jobs for a time nobody chose).
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * REDIS_URL (default redis://127.0.0.1:6379), checked: `redis://` or `rediss://`, a host, a port of
 * 1–65535 if given, a database number if given. Errors: UserError naming the variable and the form,
 * without echoing the value (it may hold a password).
 */
export function redisUrl(env: NodeJS.ProcessEnv): string {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return DEFAULT_REDIS_URL;
  const refuse = (why: string) =>
    new UserError(
      `The queue's Redis setting is not valid${operatorFix(`: REDIS_URL is not a Redis URL (${why})`)}.`,
      operatorFix(
        'Set it as redis://[user:password@]host[:port][/db] (rediss:// for TLS), or unset it for redis://127.0.0.1:6379.',
      ),
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('it does not parse as a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw refuse(`its scheme is ${url.protocol.slice(0, 12)}`);
  if (!url.hostname) throw refuse('it names no host');
  if (url.port && !(Number(url.port) >= 1 && Number(url.port) <= 65535)) throw refuse('its port is out of range');
  if (url.pathname && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname))
    throw refuse('its path is no database number');
  if (!Number.isSafeInteger(Number(url.pathname.slice(1) || 0))) throw refuse('its database number is too big');
  // What jcb does not read is refused, never dropped: `?db=3` went to database 0 (breaker K3).
  if (url.search || raw.includes('?')) throw refuse('it has a query (?…): the database is its path, /db');
  if (url.hash || raw.includes('#')) throw refuse('it has a fragment (#…)');
  // ioredis sent AUTH with the user and no password, refused as a wrong password on a later connection.
  if (url.username && !url.password) throw refuse('it names a user and no password');
  return raw;
}

/** How every connection of jcb reaches Redis (ioredis options): a bare client, Bull's queues, doctor's PING. */
export interface RedisOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** Present for `rediss://`: TLS, Node's defaults (the certificate checked against `host`, its SNI name). */
  tls?: Record<string, never>;
}

/**
 * REDIS_URL (redisUrl) as connection options, the one reading of it. Bull given the URL kept host, port, db and
 * password but dropped `rediss://` (its redisOptsFromUrl): a TLS Redis was spoken to in plain text.
 */
export function redisOptions(env: NodeJS.ProcessEnv): RedisOptions {
  const url = new URL(redisUrl(env));
  const db = Number(url.pathname.replace(/^\//, '') || 0);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || 6379),
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Where REDIS_URL points as `jcb doctor` shows the store's PostgreSQL (describeStore): `host:port/db`, user and
 * password left out, never the URL; and whether it is the setting or the default.
 */
export function redisPlace(env: NodeJS.ProcessEnv): string {
  const url = new URL(redisUrl(env));
  const tls = url.protocol === 'rediss:' ? ' over TLS' : '';
  const place = `${url.hostname}:${url.port || '6379'}/${url.pathname.replace(/^\//, '') || '0'}${tls}`;
  return env.REDIS_URL ? `${place} (REDIS_URL)` : `${place}, the default (REDIS_URL unset)`;
}

/**
 * The queue's key prefix (JCB_QUEUE_PREFIX, default `jcb`): words of letters, digits, `.`, `_`, `-` joined by single
 * `:` (Bull adds its own `:`; `jcb:` named another queue, `jcb::…`). Set but empty is refused, never read as `jcb`.
 * Errors: UserError naming the variable.
 */
export function queuePrefix(env: NodeJS.ProcessEnv): string {
  const raw = env.JCB_QUEUE_PREFIX;
  if (raw === undefined) return 'jcb';
  if (!QUEUE_PREFIX.test(raw))
    throw new UserError(
      `A queue setting is not valid${operatorFix(`: JCB_QUEUE_PREFIX must be ${QUEUE_PREFIX_RIGHT}`)}.`,
      operatorFix('Unset it for jcb.'),
    );
  return raw;
}
export const QUEUE_PREFIX = /^[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*$/;
export const QUEUE_PREFIX_RIGHT =
  'words of letters, digits, . _ - joined by single colons (not starting or ending with one, not empty)';

/** The numeric settings of the queue, each an environment variable with its default. */
export const QUEUE_NUMBERS = {
  /** Documents a job covers: small enough that a stalled job costs little to redo. */
  JCB_QUEUE_CHUNK: 25,
  /** A dead worker's job is taken again after this lock expires (ms). */
  JCB_QUEUE_LOCK_MS: 8_000,
  /** How often queued runs are checked for documents with no job (ms). */
  JCB_RECONCILE_MS: 60_000,
  /** A run that stored nothing for this long is shown as stalled, and stopped as stalled if every worker declines it (ms). */
  JCB_STALLED_MS: 600_000,
  /** How long a stopped worker lets the documents in flight finish (ms). */
  JCB_SHUTDOWN_GRACE_MS: 30_000,
} as const;

/** The least each queue number may be: a lock of 1 ms, or reconciliation every millisecond, is no setting. */
export const QUEUE_NUMBER_MIN: Record<keyof typeof QUEUE_NUMBERS, number> = {
  JCB_QUEUE_CHUNK: 1,
  JCB_QUEUE_LOCK_MS: 1000,
  JCB_RECONCILE_MS: 100,
  JCB_STALLED_MS: 1,
  JCB_SHUTDOWN_GRACE_MS: 1,
};

/** How a queue number's rule is said: `a whole number from 100`, `a whole number above 0`. */
export const queueNumberRight = (name: keyof typeof QUEUE_NUMBERS) =>
  QUEUE_NUMBER_MIN[name] === 1 ? 'a whole number above 0' : `a whole number from ${QUEUE_NUMBER_MIN[name]}`;

/**
 * A numeric queue setting: its default when unset or empty, else an integer of at least QUEUE_NUMBER_MIN. Errors:
 * UserError naming the variable, when it is anything else.
 */
export function queueNumber(env: NodeJS.ProcessEnv, name: keyof typeof QUEUE_NUMBERS): number {
  const raw = env[name]?.trim();
  if (!raw) return QUEUE_NUMBERS[name];
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < QUEUE_NUMBER_MIN[name])
    throw new UserError(
      `A queue setting is not valid${operatorFix(`: ${name} must be ${queueNumberRight(name)} (it is "${raw.slice(0, 20)}")`)}.`,
      operatorFix(`Unset it for the default, ${QUEUE_NUMBERS[name]}.`),
    );
  return n;
}

/**
 * Checks every queue setting at once, so that a worker or the bot refuses a bad one at start rather
 * than at its first job. Errors: the first bad setting's UserError.
 */
export function checkQueueSettings(env: NodeJS.ProcessEnv): void {
  redisUrl(env);
  queuePrefix(env);
  for (const name of Object.keys(QUEUE_NUMBERS) as (keyof typeof QUEUE_NUMBERS)[]) queueNumber(env, name);
}
