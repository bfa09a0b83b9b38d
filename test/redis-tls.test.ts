// `rediss://` is TLS at every place jcb opens a connection to Redis (src/queue/settings.ts redisOptions): the bare
// client of the bot's checks, Bull's queues (which read a URL without its TLS), and doctor's PING. A real TLS
// redis-server, with a certificate of the test's own, answers doctor end to end where this redis-server has TLS.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvalQueue, openRedisCheck } from '../src/queue/eval-queue.js';
import { redisOptions } from '../src/queue/settings.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, inThreadTokenizer, runJcb } from './helpers.js';
import { freePort, ownRedis } from './own-redis.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-redis-tls-'));
const PASSWORD = 'tls-s3cret';

/** Every place that opens a connection to Redis, with the options its client was given. */
const PLACES: Record<string, (env: NodeJS.ProcessEnv) => { tls?: unknown; close: () => Promise<void> | void }> = {
  openRedisCheck: (env) => {
    const r = openRedisCheck(env);
    return { tls: (r.client as unknown as { options: { tls?: unknown } }).options.tls, close: r.close };
  },
  'openEvalQueue (Bull)': (env) => {
    const q = openEvalQueue(env, 'tls-test');
    return { tls: (q.client as unknown as { options: { tls?: unknown } }).options.tls, close: () => q.close() };
  },
};

describe('rediss:// at every connection', () => {
  it('redisOptions: TLS for rediss:// only, the password and user decoded, never a URL left to another parser', () => {
    expect(redisOptions({ REDIS_URL: 'rediss://u:p%40ss@cache.example:6380/2' })).toEqual({
      host: 'cache.example',
      port: 6380,
      db: 2,
      username: 'u',
      password: 'p@ss',
      tls: {},
    });
    expect(redisOptions({ REDIS_URL: 'redis://127.0.0.1' })).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(redisOptions({})).not.toHaveProperty('tls');
  });

  it.each(Object.keys(PLACES))('%s: a TLS client for rediss://, a plain one for redis://', async (place) => {
    const port = await freePort(); // nothing listens: only the options are read
    for (const [scheme, tls] of [
      ['rediss', true],
      ['redis', false],
    ] as const) {
      const opened = PLACES[place]({ REDIS_URL: `${scheme}://127.0.0.1:${port}`, JCB_QUEUE_PREFIX: 'jcbtls' });
      try {
        expect(Boolean(opened.tls), scheme).toBe(tls);
      } finally {
        await opened.close();
      }
    }
  });
});

describe('jcb doctor and a TLS Redis', () => {
  const plain = ownRedis();
  beforeAll(() => plain.start());
  afterAll(() => plain.kill());

  const redisItem = async (url: string) => {
    const env = { ...FIXTURE_ENV, JCB_STORE: path.join(scratch, 'jcb.sqlite'), JCB_HOME: scratch, REDIS_URL: url };
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    try {
      return (await services.doctor()).find((i) => i.what === 'Redis')!;
    } finally {
      await services.close();
    }
  };

  it.each([
    [
      'a plain Redis asked for TLS',
      () => `rediss://jcb:${PASSWORD}@${new URL(plain.url).host}`,
      /^no answer within 1500 ms to the TLS handshake \(is it a plain Redis\? redis:\/\/ is plain\)/,
    ],
    ['nothing listening', async () => `rediss://jcb:${PASSWORD}@127.0.0.1:${await freePort()}`, /connection refused/],
  ])('%s: one line, without the URL or its password', async (_, url, said) => {
    const item = await redisItem(await url());
    expect(item.ok).toBe(false);
    expect(item.where).toMatch(/over TLS/);
    expect(item.detail).toMatch(said);
    for (const text of [item.detail, item.where]) {
      expect(text).not.toMatch(/\n|tls-s3cret|jcb:|127\.0\.0\.1:\d+\/?$/);
      expect(text).not.toContain('rediss://');
    }
  });
});

/** A redis-server listening with TLS only, its certificate self-signed for 127.0.0.1; undefined without TLS support. */
async function tlsRedis(): Promise<{ port: number; ca: string; kill: () => void } | undefined> {
  const cert = path.join(scratch, 'redis.crt');
  const key = path.join(scratch, 'redis.key');
  const made = spawnSync('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
  ]);
  if (made.status !== 0) return undefined;
  const port = await freePort();
  const server: ChildProcess = spawn(
    'redis-server',
    [
      ...['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ...['--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', cert, '--tls-auth-clients', 'no'],
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && server.exitCode === null; i++) {
    const ping = spawnSync('redis-cli', ['--tls', '--cacert', cert, '-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout.trim() === 'PONG') return { port, ca: cert, kill: () => server.kill('SIGKILL') };
    await new Promise((r) => setTimeout(r, 50));
  }
  server.kill('SIGKILL');
  return undefined;
}

describe('jcb doctor against a redis-server with TLS', () => {
  let server: Awaited<ReturnType<typeof tlsRedis>>;
  beforeAll(async () => void (server = await tlsRedis()));
  afterAll(() => server?.kill());

  it('answers PING over TLS when its CA is trusted; a certificate not trusted is said in one line', async (t) => {
    if (!server) return t.skip(); // this redis-server was built without TLS
    const env = {
      ...FIXTURE_ENV,
      JCB_STORE: path.join(scratch, 'cli.sqlite'),
      JCB_HOME: scratch,
      REDIS_URL: `rediss://127.0.0.1:${server.port}`,
      JCB_QUEUE_PREFIX: 'jcbtls',
    };
    const trusted = await runJcb(['doctor', '--json'], { ...env, NODE_EXTRA_CA_CERTS: server.ca });
    const redis = (JSON.parse(trusted.out) as { what: string; ok: boolean; detail: string }[]).find(
      (i) => i.what === 'Redis',
    );
    expect(redis, trusted.err).toMatchObject({ ok: true, detail: expect.stringMatching(/^answers PING/) });
    const untrusted = await runJcb(['doctor', '--json'], env);
    const refused = (JSON.parse(untrusted.out) as { what: string; detail: string }[]).find((i) => i.what === 'Redis');
    expect(refused?.detail).toMatch(/^its TLS certificate is self-signed, not trusted/);
  });
});
