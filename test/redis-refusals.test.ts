// Every reply Redis refuses a connection with (src/queue/redis-probe.ts REDIS_REPLY_KINDS) and every connection
// failure (redisFailure) said in one line by doctor, by ensureReachable and before a queue opens, against real
// redis-servers of the test's own: a password Redis has none for, a wrong or missing one, a user of its ACL, a
// database it lacks (ioredis went on in database 0: a queued job landed there).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureReachable, openRedisCheck } from '../src/queue/eval-queue.js';
import { REDIS_REPLY_KINDS, RedisRefused } from '../src/queue/redis-probe.js';
import { createContext } from '../src/services/context.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, inThreadTokenizer } from './helpers.js';
import { freePort, ownRedis } from './own-redis.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-redis-refusals-'));
const SECRET = 'pw-s3cret';

const open = ownRedis(['--databases', '16']);
const locked = ownRedis(['--requirepass', SECRET], SECRET);
// An ACL user who may do anything but PING.
const acl = ownRedis(['--user', 'limited', 'on', `>${SECRET}`, '~*', '&*', '+@all', '-ping']);
const hostOf = (r: { url: string }) => new URL(r.url).host;

/** For each kind of the table, the URLs that provoke it and what the line says. */
const PROVOKED: Record<string, { url: () => string; said: RegExp }[]> = {
  'wrong password or user': [
    { url: () => `redis://:wrong-${SECRET}@${hostOf(locked)}`, said: /^Redis refused the password of REDIS_URL/ },
    { url: () => `redis://nobody:${SECRET}@${hostOf(acl)}`, said: /^Redis refused the user name or password/ },
  ],
  'password missing': [{ url: () => `redis://${hostOf(locked)}/3`, said: /^Redis asks for a password .*NOAUTH/ }],
  'password not wanted': [
    {
      url: () => `redis://:${SECRET}@${hostOf(open)}`,
      said: /^REDIS_URL gives a password but this Redis asks for none/,
    },
  ],
  'no such database': [
    { url: () => `redis://${hostOf(open)}/99`, said: /^REDIS_URL names database 99; this server has 16 \(0–15\)/ },
  ],
  'no permission': [{ url: () => `redis://limited:${SECRET}@${hostOf(acl)}`, said: /NOPERM/ }],
};

beforeAll(() => Promise.all([open.start(), locked.start(), acl.start()]));
afterAll(() => Promise.all([open.kill(), locked.kill(), acl.kill()]));

const envOf = (url: string, name: string) => ({
  ...FIXTURE_ENV,
  JCB_STORE: path.join(scratch, `${name}.sqlite`),
  JCB_HOME: scratch,
  REDIS_URL: url,
  JCB_QUEUE_PREFIX: 'jcbrefusals',
});

const redisItem = async (env: NodeJS.ProcessEnv) => {
  const services = createServices({ env, tokenizer: inThreadTokenizer() });
  try {
    return (await services.doctor()).find((i) => i.what === 'Redis')!;
  } finally {
    await services.close();
  }
};

/** One line, never the URL, its host and port, or the password. */
const oneLine = (text: string, url: string) => {
  expect(text).not.toMatch(/\n|rediss?:\/\/\w/);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(new URL(url).port);
};

describe('a refused connection, by the table of reply kinds', () => {
  it('every kind of the table is provoked here', () => {
    expect(Object.keys(PROVOKED).sort()).toEqual(REDIS_REPLY_KINDS.map((k) => k.kind).sort());
  });

  const cases = Object.entries(PROVOKED).flatMap(([kind, rows]) => rows.map((r, n) => [`${kind} #${n + 1}`, kind, r]));
  it.each(cases as [string, string, { url: () => string; said: RegExp }][])(
    '%s: doctor fails it in one line; ensureReachable and a queue refuse it',
    async (name, kind, { url, said }) => {
      const env = envOf(url(), name.replace(/\W/g, '-'));
      const item = await redisItem(env);
      expect(item.ok, item.detail).toBe(false);
      expect(item.detail).toMatch(said);
      oneLine(item.detail, env.REDIS_URL);

      const check = openRedisCheck(env);
      try {
        const err = await ensureReachable(check, env).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RedisRefused);
        expect((err as RedisRefused).kind).toBe(kind);
      } finally {
        check.close();
      }

      const ctx = createContext({ env, tokenizer: inThreadTokenizer() });
      try {
        const queue = await ctx.queue().catch((e: unknown) => e);
        expect((queue as RedisRefused).kind).toBe(kind);
      } finally {
        await ctx.close();
      }
    },
  );

  it('a database the server has is used: nothing is written to database 0', async () => {
    const env = envOf(`redis://${hostOf(open)}/7`, 'db7');
    expect((await redisItem(env)).ok).toBe(true);
    const ctx = createContext({ env, tokenizer: inThreadTokenizer() });
    try {
      await (await ctx.queue()).add({ runId: 'r' } as never);
      expect(open.cli('-n', '7', 'dbsize')).not.toBe('0');
      expect(open.cli('-n', '0', 'dbsize')).toBe('0');
    } finally {
      await ctx.close();
    }
  });
});

describe('a connection that fails, in words', () => {
  it.each([
    ['nothing listening', async () => `redis://127.0.0.1:${await freePort()}`, /connection refused/],
    ['TLS asked of a plain Redis', async () => `rediss://${hostOf(open)}`, /TLS handshake|TLS answers/],
  ])('%s', async (_, url, said) => {
    const env = envOf(await url(), 'failing');
    const item = await redisItem(env);
    expect(item.ok).toBe(false);
    expect(item.detail).toMatch(said);
    oneLine(item.detail, env.REDIS_URL);
  });
});
