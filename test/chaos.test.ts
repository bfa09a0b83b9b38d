// A foreground run, two workers taking a queued run and the bot, all through a proxy that cuts every PostgreSQL
// connection at seeded random moments (issue 23): every score equals an uninterrupted run's, no
// process exits, and no document is computed twice beyond those in flight at a cut.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { chaosProxy } from './chaos-proxy.js';
import { chatCompletion, freshStore, inThreadTokenizer, JCB_BIN, releaseDir, TEST_MODELS } from './helpers.js';

const SEED = Number(process.env.JCB_CHAOS_SEED ?? 23);
const release = releaseDir();
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A local model: answers after `latencyMs`, the same answer for the same request; counts requests by body. */
async function countingModel(latencyMs: number) {
  const calls = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const key = createHash('sha256').update(body).digest('hex');
      calls.set(key, (calls.get(key) ?? 0) + 1);
      const answer = Number.parseInt(key.slice(0, 2), 16) % 2 ? 'はい' : 'いいえ';
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(chatCompletion(answer)));
      }, latencyMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function modelsFile(url: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-chaos-')), 'models.yml');
  const live = (name: string) =>
    `  ${name}:\n    provider: openai-compatible\n    model: ${name}\n    baseUrl: ${url}\n    concurrency: 2\n    maxRetries: 0\n    timeoutMs: 60000\n    dataPolicy: on-premises\n`;
  writeFileSync(file, TEST_MODELS + live('live-a') + live('live-b'));
  return file;
}

/** Slack's Web API as the bot needs it at start and for messages: every method answers ok. */
async function fakeSlack() {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', ts: '1.1', channel: 'C1' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function jcbProcess(args: string[], env: Record<string, string>) {
  const child = fork(JCB_BIN, args, {
    execArgv: [],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  cleanups.push(() => void child.kill('SIGKILL'));
  return { child, out, exited };
}

const waitFor = async (check: () => boolean | Promise<boolean>, ms: number) => {
  for (const start = Date.now(); Date.now() - start < ms; await new Promise((r) => setTimeout(r, 200)))
    if (await check()) return;
  throw new Error('timed out waiting');
};

const scoresOf = async (store: Store, runId: string) =>
  Object.fromEntries((await store.scores(runId)).map((s) => [s.task, [s.n, s.failed, s.score]]));

describe.skipIf(!release)(`a chaos proxy cutting every PostgreSQL connection (seed ${SEED})`, () => {
  it('a foreground run and two workers finish with the scores of an uninterrupted run; the bot lives on', async () => {
    const store = await freshStore('postgres');
    cleanups.push(store.drop);
    const model = await countingModel(60);
    cleanups.push(model.close);
    const url = new URL(store.env.DATABASE_URL);
    const proxy = await chaosProxy({ host: url.hostname, port: Number(url.port || 5432) }, SEED);
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    const env = {
      JCB_DATA_DIR: release!,
      JCB_MODELS: modelsFile(model.url),
      DATABASE_URL: viaProxy.toString(),
      JCB_STORE_RETRY_MS: '20000',
      JCB_QUEUE_PREFIX: `jcbchaos-${process.pid}-${SEED}`,
      JCB_RECONCILE_MS: '2000',
    };
    // The store exists (migrated) before the cuts: what is drilled is work, not a first start.
    await (await Store.open(store.env)).close();
    const workers = [0, 1].map(() => jcbProcess(['worker', '--concurrency', '2'], env));
    // The bot, over HTTP, with a stand-in for Slack's Web API on this machine: it reconciles and
    // follows the runs through the cuts.
    const slack = await fakeSlack();
    cleanups.push(slack.close);
    const bot = jcbProcess(['bot'], {
      ...env,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'test-signing-secret',
      SLACK_API_URL: slack.url,
      PORT: '0',
    });
    await waitFor(
      () =>
        workers.every((w) => w.out.stderr.includes('taking evaluation jobs')) && bot.out.stderr.includes('listening'),
      120_000,
    );

    proxy.startCutting(300, 2500);
    const queue = jcbProcess(
      ['eval', 'mr,re-time', 'live-a', '--shot', 'zero', '--limit', '60', '--no-cache', '--queue'],
      env,
    );
    const foreground = jcbProcess(['eval', 're-time', 'live-b', '--shot', 'zero', '--limit', '150', '--no-cache'], env);
    expect(await queue.exited, queue.out.stderr).toBe(0);
    const queuedId = /Run (\S+) queued/.exec(queue.out.stdout)![1]!;
    const observer = await Store.open(store.env); // directly, not through the proxy
    cleanups.push(() => observer.close());
    await waitFor(async () => (await observer.getRun(queuedId))?.status === 'finished', 240_000);
    const foregroundCode = await foreground.exited;
    proxy.stopCutting();

    expect(foregroundCode, foreground.out.stderr.slice(-500)).toBe(0);
    expect(proxy.cuts()).toBeGreaterThan(5);
    for (const w of [...workers, bot]) {
      expect(w.child.exitCode, w.out.stderr).toBeNull();
      expect(w.out.stderr).not.toMatch(/Unhandled|error event|\n\s+at /);
    }
    // In flight at a cut: at most the foreground's 2 and each worker's 2 documents.
    const twice = [...model.calls.values()].reduce((n, c) => n + c - 1, 0);
    expect(twice).toBeLessThanOrEqual(6);

    // The same runs, uninterrupted, on a store of their own.
    const quiet = await freshStore('sqlite');
    const reference = createServices({
      env: { ...env, ...quiet.env, DATABASE_URL: '' },
      tokenizer: inThreadTokenizer(),
    });
    cleanups.push(() => reference.close());
    const a = await reference.evaluate({
      task: 'mr,re-time',
      model: 'live-a',
      shot: 'zero',
      limit: 60,
      noCache: true,
    });
    const b = await reference.evaluate({ task: 're-time', model: 'live-b', shot: 'zero', limit: 150, noCache: true });
    const refStore = await Store.open(quiet.env);
    cleanups.push(() => refStore.close());
    const foregroundId = (await observer.listRuns()).find((r) => r.model === 'live-b')!.id;
    expect(await scoresOf(observer, queuedId)).toEqual(await scoresOf(refStore, a.run.id));
    expect(await scoresOf(observer, foregroundId)).toEqual(await scoresOf(refStore, b.run.id));
    expect(Object.keys(await scoresOf(observer, queuedId))).toHaveLength(2);
  }, 360_000); // five processes start on a shared 2-core machine before the drill itself
});
