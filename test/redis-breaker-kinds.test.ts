// What the breaker found of Redis settings and refusals (breaker-today K1–K6, K12), each kind from its table against
// redis-servers of the test's own: parts of REDIS_URL jcb does not read, queue prefixes and numbers out of bounds, an
// ACL user lacking each command the queue sends (QUEUE_COMMANDS), cancel with the queue unavailable, status naming
// the refusal, doctor's Redis line with a bad queue number, and rediss:// to a plain Redis with no stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/base/errors.js';
import { forPeople } from '../src/base/shown.js';
import { QUEUE_COMMANDS, REDIS_REPLY_KINDS, probeRedis, RedisRefused } from '../src/queue/redis-probe.js';
import { redisUrl } from '../src/queue/settings.js';
import { envProblems } from '../src/services/env.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, runJcb } from './helpers.js';
import { freePort, ownRedis } from './own-redis.js';

const SECRET = 'pw-s3cret';
const open = ownRedis();
const acl = ownRedis();
const hostOf = (r: { url: string }) => new URL(r.url).host;
beforeAll(async () => {
  await Promise.all([open.start(), acl.start()]);
  // A user for each command of the queue, allowed everything but it.
  for (const { command } of QUEUE_COMMANDS)
    acl.cli('acl', 'setuser', `no-${command.toLowerCase()}`, 'on', `>${SECRET}`, '~*', '&*', '+@all', `-${command}`);
});
afterAll(() => Promise.all([open.kill(), acl.kill()]));

describe('REDIS_URL: what jcb does not read is refused in one line (K3)', () => {
  it.each([
    'redis://127.0.0.1:6390?db=3',
    'redis://127.0.0.1:6390/3?db=2',
    'redis://127.0.0.1:6390?',
    'redis://127.0.0.1:6390#frag',
    'redis://user@127.0.0.1:6390',
    'redis://127.0.0.1:6390/99999999999999999999',
  ])('%s', (url) => {
    expect(() => redisUrl({ REDIS_URL: url })).toThrow(UserError);
    const [p] = envProblems({ REDIS_URL: url }, ['REDIS_URL']);
    expect(p.error.message).not.toMatch(/\n/);
  });
});

describe('queue prefix and numbers out of bounds (K12)', () => {
  it.each([
    ['JCB_QUEUE_PREFIX', ''],
    ['JCB_QUEUE_PREFIX', 'jcb:'],
    ['JCB_QUEUE_PREFIX', ':'],
    ['JCB_QUEUE_PREFIX', 'a::b'],
    ['JCB_RECONCILE_MS', '1'],
    ['JCB_QUEUE_LOCK_MS', '1'],
  ])('%s=%j is refused in one line', (name, value) => {
    const [p] = envProblems({ [name]: value }, [name]);
    expect(p?.name).toBe(name);
    expect(p.error.message).not.toMatch(/\n/);
  });
  it.each([
    ['JCB_QUEUE_PREFIX', 'jcb:a'],
    ['JCB_RECONCILE_MS', '100'],
  ])('%s=%j is fine', (name, value) => expect(envProblems({ [name]: value }, [name])).toEqual([]));
});

describe('an ACL user without a command the queue sends (K2)', () => {
  it.each(QUEUE_COMMANDS.map((c) => c.command))('without %s: refused as no permission, naming it', async (command) => {
    const env = { REDIS_URL: `redis://no-${command.toLowerCase()}:${SECRET}@${hostOf(acl)}` };
    const err = await probeRedis(env).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisRefused);
    expect((err as RedisRefused).kind).toBe('no permission');
    expect((err as Error).message).toContain(`the command ${command.toLowerCase()}`);
  });
  it('a user with every command passes, and the probe leaves no key behind past a second', async () => {
    await probeRedis({ REDIS_URL: open.url });
    await new Promise((r) => setTimeout(r, 1100));
    expect(open.cli('dbsize')).toBe('0');
  });
});

describe('words (K5)', () => {
  it('NOAUTH advice survives the masker', () => {
    const noauth = REDIS_REPLY_KINDS.find((k) => k.kind === 'password missing')!;
    const said = forPeople(noauth.words({ options: { host: 'h', port: 1, db: 0 }, reply: 'NOAUTH' }), 'terminal');
    expect(said).not.toContain('[address]');
  });
  it('a db index past Redis integers is the table’s no such database', async () => {
    const err = await probeRedis({ REDIS_URL: `${open.url}/9999999999` }).catch((e: unknown) => e);
    expect((err as RedisRefused).kind).toBe('no such database');
  });
});

describe('services with the queue refused (K2, K4, K5)', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });
  const servicesOf = async (url: string, store: NodeJS.ProcessEnv) => {
    const env = { ...process.env, ...FIXTURE_ENV, ...store, REDIS_URL: url, JCB_QUEUE_PREFIX: 'jcbkinds' };
    const s = createServices({ env, tokenizer: inThreadTokenizer() });
    closers.push(() => s.close());
    return s;
  };

  it('eval --queue by a user without SET stores no run; cancel refused changes nothing, and a retry cancels', async () => {
    const fresh = await freshStore('sqlite');
    const limited = await servicesOf(`redis://no-set:${SECRET}@${hostOf(acl)}`, fresh.env);
    await expect(limited.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one' })).rejects.toThrow(/NOPERM/);
    const good = await servicesOf(`${open.url}/2`, fresh.env);
    expect(await good.runs()).toHaveLength(0);
    const queued = await good.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one', limit: 2 });

    const down = await servicesOf(`redis://127.0.0.1:${await freePort()}/2`, fresh.env);
    await expect(down.cancel(queued.run.id)).rejects.toThrow(UserError);
    const [seen] = await down.status(queued.run.id);
    expect(seen.run.status).toBe('queued');
    expect(seen.cause).toMatch(/connection refused/);
    const wrong = await servicesOf(`redis://no-info:${SECRET}@${hostOf(acl)}/2`, fresh.env);
    expect((await wrong.status(queued.run.id))[0].cause).toMatch(/NOPERM/);

    const retried = await good.cancel(queued.run.id);
    expect(retried.removedJobs).toBe(1);
  }, 60_000);
});

describe('the program (K1, K6)', () => {
  it('worker on rediss:// to a plain Redis: one line, no stack', async () => {
    const r = await runJcb(['worker'], { ...FIXTURE_ENV, REDIS_URL: `rediss://${hostOf(open)}`, JCB_HOME: '/tmp' });
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/Unhandled|\n\s+at /);
  }, 30_000);
  it('doctor with a bad queue number says it once, and no Redis line', async () => {
    const r = await runJcb(['doctor'], { ...FIXTURE_ENV, REDIS_URL: open.url, JCB_QUEUE_CHUNK: '0', JCB_HOME: '/tmp' });
    expect(r.out).toMatch(/JCB_QUEUE_CHUNK/);
    expect(r.out).not.toMatch(/Redis:/);
    expect(r.out.match(/^NO /gm)).toHaveLength(1);
  }, 30_000);
});
