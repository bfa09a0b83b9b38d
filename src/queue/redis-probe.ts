// What Redis says when jcb connects (AUTH, SELECT, PING over the options every connection shares, redisOptions), and
// a refusal in one line by a table: ioredis only warns of a password Redis does not want and, when SELECT fails,
// goes on in database 0 (a job queued into another database: breaker K1).
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';
import { queuePrefix, redisOptions, type RedisOptions } from './settings.js';

/** What the refusal is said with: the options (their database) and, where Redis says it, its count of databases. */
interface ReplyContext {
  options: RedisOptions;
  databases?: number;
  /** The refusal as Redis gave it (NOPERM names the command). */
  reply: string;
}

/**
 * The commands the queue sends (Bull: its Lua scripts by EVALSHA, else EVAL; INFO at start; BRPOPLPUSH to take a
 * job; SUBSCRIBE and PSUBSCRIBE for its events; jcb's run lock: SET), each in a harmless form on a key or channel of
 * the probe's own (`<prefix>:probe`, gone after 1 s), sent by probeRedis after PING: a user of REDIS_URL whose ACL
 * forbids one passed doctor and failed at the first job (NOPERM, breaker K2). Subscriptions last (after them, Redis
 * answers only pub/sub commands).
 */
export const QUEUE_COMMANDS: readonly { command: string; args: (key: string) => string[] }[] = [
  { command: 'INFO', args: () => ['server'] },
  { command: 'EVALSHA', args: () => ['0'.repeat(40), '0'] },
  { command: 'EVAL', args: () => ['return 1', '0'] },
  { command: 'SET', args: (key) => [key, '1', 'PX', '1000'] },
  { command: 'BRPOPLPUSH', args: (key) => [`${key}:from`, `${key}:to`, '0.01'] },
  { command: 'SUBSCRIBE', args: (key) => [key] },
  { command: 'PSUBSCRIBE', args: (key) => [`${key}:*`] },
];

/** A reply error Redis gives at connect time, its kind and its words (one line, never the URL or password). */
export interface RedisReplyKind {
  kind: string;
  /** Matched against the reply's text (`WRONGPASS invalid username-password pair…`). */
  reply: RegExp;
  words: (c: ReplyContext) => string;
}

export const REDIS_REPLY_KINDS: readonly RedisReplyKind[] = [
  {
    kind: 'wrong password or user',
    reply: /^WRONGPASS/,
    words: (c) =>
      `Redis refused the ${c.options.username ? 'user name or password' : 'password'} of REDIS_URL (WRONGPASS)` +
      operatorFix(': set the right ones in REDIS_URL'),
  },
  {
    kind: 'password missing',
    reply: /^NOAUTH/,
    words: () =>
      'Redis asks for a password and REDIS_URL gives none (NOAUTH)' +
      operatorFix(': put it in REDIS_URL after a colon, before the @ that precedes the host'),
  },
  {
    // Redis 6+: "ERR AUTH <password> called without any password configured for the default user"; older ones:
    // "ERR Client sent AUTH, but no password is set".
    kind: 'password not wanted',
    reply: /without any password configured|no password is set/,
    words: () =>
      'REDIS_URL gives a password but this Redis asks for none (its AUTH was refused)' +
      operatorFix(': take the password out of REDIS_URL, or set requirepass on the server'),
  },
  {
    kind: 'no such database',
    // A number past Redis's integers (2^63) is not an integer to SELECT.
    reply: /DB index is out of range|invalid DB index|value is (not an integer or )?out of range/i,
    words: (c) => {
      const has = c.databases ? `this server has ${c.databases} (0–${c.databases - 1})` : 'this server has fewer';
      return (
        `REDIS_URL names database ${c.options.db}; ${has}` + operatorFix(': name one of them, or raise `databases`')
      );
    },
  },
  {
    kind: 'no permission',
    reply: /^NOPERM/,
    words: (c) => {
      const command = /'(\w+)' command/.exec(c.reply)?.[1];
      const what = command ? `the command ${command}` : /channel/.test(c.reply) ? 'its channels' : 'a command';
      return (
        `Redis refused the user of REDIS_URL${c.options.username ? ` (${c.options.username})` : ''} ${what}, which the queue needs (NOPERM)` +
        operatorFix(': grant it +@all and &* (all channels) in its ACL')
      );
    },
  },
];

/**
 * Replies as RESP gives them (text read as latin1: one character a byte), parsed just enough for the probe's
 * commands (a bulk string by its length: INFO's runs over lines): `null` until whole.
 */
function parseReplies(text: string): (string | string[] | Error)[] | null {
  const out: (string | string[] | Error)[] = [];
  let at = 0;
  const line = (): string | undefined => {
    const end = text.indexOf('\r\n', at);
    if (end < 0) return undefined;
    const l = text.slice(at, end);
    at = end + 2;
    return l;
  };
  const one = (): string | string[] | Error | undefined => {
    const l = line();
    if (l === undefined) return undefined;
    const rest = l.slice(1);
    if (l[0] === '-') return new Error(rest);
    if (l[0] === '$') {
      const n = Number(rest);
      if (n < 0) return '';
      if (text.length < at + n + 2) return undefined;
      at += n + 2;
      return text.slice(at - n - 2, at - 2);
    }
    if (l[0] === '*') {
      const items: string[] = [];
      for (let n = Number(rest); n > 0; n--) {
        const item = one();
        if (item === undefined) return undefined;
        items.push(String(item));
      }
      return items;
    }
    return rest;
  };
  while (at < text.length) {
    const r = one();
    if (r === undefined) return null;
    out.push(r);
  }
  return out;
}

/**
 * Connects as every connection of jcb does (redisOptions: TLS for `rediss://`, the user and password, the database),
 * sends AUTH (when a password is given), SELECT (a database other than 0), CONFIG GET databases and PING, and reads
 * the replies. Resolves when PING is answered with nothing refused before it.
 * @throws RedisRefused for a reply of REDIS_REPLY_KINDS (or another error reply); a connection error as Node gives
 *   it (ECONNREFUSED, a TLS code) or `no answer within <timeoutMs> ms`, for redisFailure to say.
 */
export function probeRedis(env: NodeJS.ProcessEnv, timeoutMs = 1500): Promise<void> {
  const o = redisOptions(env);
  const connecting = [
    ...(o.password ? [['AUTH', ...(o.username ? [o.username] : []), o.password]] : []),
    ...(o.db ? [['SELECT', String(o.db)]] : []),
    ['CONFIG', 'GET', 'databases'],
    ['PING'],
  ];
  // Sent only once the connection is accepted: after a refused SELECT they would run in database 0.
  const queueing = QUEUE_COMMANDS.map((c) => [c.command, ...c.args(`${queuePrefix(env)}:probe`)]);
  const commands = [...connecting, ...queueing];
  const resp = (batch: string[][]) =>
    batch.map((c) => `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join('');
  return new Promise((resolve, reject) => {
    const hello = () => socket.write(resp(connecting));
    const socket = o.tls
      ? tlsConnect({ ...o.tls, host: o.host, port: o.port }, hello)
      : netConnect({ host: o.host, port: o.port }, hello);
    const done = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    // A plain Redis asked for TLS waits for a command and never answers the handshake: said as that.
    let secured = false;
    socket.once('secureConnect', () => (secured = true));
    const handshake = () => (o.tls && !secured ? ' to the TLS handshake (is it a plain Redis? redis:// is plain)' : '');
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer within ${timeoutMs} ms${handshake()}`)));
    socket.once('error', (e) => done(e));
    // A TLS Redis that closes on a plain hello, or a plain one that closes on TLS: said, not waited out.
    socket.once('close', () => done(new Error('the connection was closed before an answer')));
    let text = '';
    let databases: number | undefined;
    // The first refusal is the cause (a wrong password makes every later command NOAUTH); a refused CONFIG (a
    // managed Redis) is no refusal of the connection; of the queue's commands only a NOPERM is (EVALSHA: NOSCRIPT).
    const refusal = (replies: (string | string[] | Error)[]) =>
      replies.find(
        (r, n) =>
          r instanceof Error && commands[n][0] !== 'CONFIG' && (n < connecting.length || /^NOPERM/.test(r.message)),
      ) as Error | undefined;
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const replies = parseReplies(text);
      if (!replies || (replies.length !== connecting.length && replies.length < commands.length)) return;
      const config = replies.find((_, n) => commands[n][0] === 'CONFIG');
      databases ??= Array.isArray(config) && config[1] ? Number(config[1]) : undefined;
      const refused = refusal(replies);
      if (refused) return done(new RedisRefused(refused.message, { options: o, databases, reply: refused.message }));
      if (replies.length === connecting.length) socket.write(resp(queueing));
      else done();
    });
  });
}

/** A reply error of Redis at connect time, its words by REDIS_REPLY_KINDS (`kind` undefined for another reply). */
export class RedisRefused extends UserError {
  readonly kind?: string;
  constructor(reply: string, context: ReplyContext) {
    const known = REDIS_REPLY_KINDS.find((k) => k.reply.test(reply));
    // Another reply: its first words, never more (a reply may quote what was sent).
    super(
      `${known ? known.words(context) : `Redis refused the connection: ${reply.split(/[\r\n]/)[0].slice(0, 80)}`}.`,
    );
    this.kind = known?.kind;
  }
}

/**
 * What every queue's opening awaits (src/services/context.ts): Redis's refusal of the password or database
 * (RedisRefused) thrown before a client exists, so nothing is queued into database 0; a connection error is left to
 * the client, which retries, and to ensureReachable, which says it.
 */
export async function refuseRefused(env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await probeRedis(env);
  } catch (err) {
    if (err instanceof RedisRefused) throw err;
  }
}
