// Issue 24: Slack progress edits are coalesced (only on change, at most one per message every 3 s, the
// final state at once) and a 429 with Retry-After delays only that message's edit. Fake clock; the
// services and Slack are stand-ins that record what they are asked (the tracker only reads status).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '@slack/web-api';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressClient, trackProgress } from '../handlers/progress.js';
import { createServices, type RunProgress, type Services } from '../src/services/index.js';
import { modelsFile } from './fake-provider.js';
import {
  FIXTURE_ENV,
  freshStore,
  inThreadTokenizer,
  localChatServer,
  runRow,
  TEST_MODELS,
  type TestStore,
} from './helpers.js';
import { ownRedis, waitFor } from './own-redis.js';

interface FakeRun {
  done: number;
  status: string;
}

function progressOf(id: string, r: FakeRun, startedAt: number): RunProgress {
  return {
    run: {
      ...runRow(id, r.status),
      model: 'baseline',
      provider: 'baseline',
      engine: '{}',
      created_at: new Date(startedAt).toISOString(),
      updated_at: new Date(startedAt).toISOString(),
      planned: 100,
      started_by: null,
    },
    planned: 100,
    done: r.done,
    failed: 0,
    elapsedMs: Date.now() - startedAt,
    etaMs: r.done ? ((Date.now() - startedAt) / r.done) * (100 - r.done) : undefined,
    scores: [],
    usage: { input: 0, cachedInput: 0, output: 0, reasoning: 0, costUsd: null },
    previous: {},
    firstFailure: null,
  };
}

/** The audit's access scope of the services (src/services/access.ts), for the fakes: no private task here. */
const NO_AUDIT = {
  accessScope: (_who: unknown, _view: unknown, work: () => Promise<unknown>) => work(),
  noteShown: () => {},
};

describe('progress messages in Slack', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse('2026-12-03T00:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  /** Two runs watched; Slack answers 429 (Retry-After 10 s) to run B's edits while `limitB` is set. */
  function setup() {
    const start = Date.now();
    const runs: Record<string, FakeRun> = { A: { done: 0, status: 'running' }, B: { done: 0, status: 'running' } };
    /** The watches' message ids, as the store keeps them: the progress message's, or a claim's (moveWatch). */
    const watched = new Map([
      ['A', 'ts-A'],
      ['B', 'ts-B'],
    ]);
    let moves = 0;
    let limitB = false;
    const edits: { run: string; at: number; text: string }[] = [];
    const posts: { run: string; at: number }[] = [];
    const services = {
      watched: async (prefix: string) =>
        prefix === 'slack:'
          ? [...watched].map(([id, messageId]) => ({ run_id: id, target: 'slack:C1', message_id: messageId }))
          : [],
      moveWatch: async (id: string, from: { messageId?: string }, _to: string, at: number, mark?: string) => {
        if (watched.get(id) !== from.messageId) return;
        const messageId = `${at}:${++moves}${mark ? `:${mark}` : ''}`;
        watched.set(id, messageId);
        return messageId;
      },
      status: async (id: string) => [progressOf(id, runs[id], start)],
      runState: async (id: string) => runs[id].status,
      unwatch: async (id: string) => watched.delete(id),
      digest: async () => [],
      ...NO_AUDIT,
    } as unknown as Services;
    const client = {
      chat: {
        update: async (m: { ts: string; text: string }) => {
          const run = m.ts.slice(3);
          if (run === 'B' && limitB)
            throw Object.assign(new Error('rate limited'), { code: ErrorCode.RateLimitedError, retryAfter: 10 });
          edits.push({ run, at: Date.now() - start, text: m.text });
          return { ok: true };
        },
        postMessage: async (m: { thread_ts: string }) => {
          posts.push({ run: m.thread_ts.slice(3), at: Date.now() - start });
          return { ok: true };
        },
      },
    };
    const stop = trackProgress(services, client as never, (err) => {
      throw err;
    });
    return { runs, edits, posts, stop, watched, setLimitB: (v: boolean) => (limitB = v) };
  }

  it('edits only when what it says changes, at most once every 3 s, and the final state at once', async () => {
    const t = setup();
    // 20 s with nothing changing but the clock: the first edit only.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(t.edits.filter((e) => e.run === 'A')).toHaveLength(1);
    // A document every 200 ms for 12 s: coalesced to one edit per 3 s at most.
    for (let i = 0; i < 60; i++) {
      t.runs.A.done++;
      await vi.advanceTimersByTimeAsync(200);
    }
    const during = t.edits.filter((e) => e.run === 'A' && e.at > 20_000);
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(during.length).toBeLessThanOrEqual(5);
    const times = t.edits.filter((e) => e.run === 'A').map((e) => e.at);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(3000);
    // It finishes right after an edit: the final state is not held back by the 3 s.
    const before = t.edits.length;
    while (t.edits.length === before) {
      t.runs.A.done++;
      await vi.advanceTimersByTimeAsync(1000);
    }
    const lastEdit = t.edits[t.edits.length - 1].at;
    t.runs.A.done = 100;
    t.runs.A.status = 'finished';
    await vi.advanceTimersByTimeAsync(1000);
    const final = t.edits.filter((e) => e.run === 'A').pop()!;
    expect(final.text).toMatch(/100\/100 \(finished\)/);
    expect(final.at - lastEdit).toBeLessThanOrEqual(1000);
    expect(t.posts.filter((p) => p.run === 'A')).toHaveLength(1);
    t.stop();
  });

  it('a 429 with Retry-After delays only that message, and only as long as Slack says', async () => {
    const t = setup();
    await vi.advanceTimersByTimeAsync(1000);
    t.setLimitB(true);
    for (let i = 0; i < 40; i++) {
      t.runs.A.done++;
      t.runs.B.done++;
      await vi.advanceTimersByTimeAsync(500);
    }
    // 20 s: A goes on every 3 s; B was refused once and asked again only after 10 s.
    expect(t.edits.filter((e) => e.run === 'A').length).toBeGreaterThanOrEqual(6);
    t.setLimitB(false);
    const refusedAt = 1000;
    await vi.advanceTimersByTimeAsync(12_000);
    const b = t.edits.filter((e) => e.run === 'B');
    expect(b[0].at).toBeLessThanOrEqual(refusedAt);
    expect(b[1].at).toBeGreaterThanOrEqual(20_000);
    expect(b[b.length - 1].text).toMatch(/40\/100/);
    t.stop();
  });

  it('a run that ends while Slack refuses its edits has its final scores posted at once, its final edit when allowed', async () => {
    const t = setup();
    await vi.advanceTimersByTimeAsync(1000);
    t.setLimitB(true);
    t.runs.B.done = 50;
    await vi.advanceTimersByTimeAsync(3000); // refused: no edit before 3 + 10 s
    t.runs.B.done = 100;
    t.runs.B.status = 'finished';
    const endedAt = 4000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.posts.filter((p) => p.run === 'B').map((p) => p.at)).toEqual([expect.any(Number)]);
    expect(t.posts.find((p) => p.run === 'B')!.at - endedAt).toBeLessThanOrEqual(1000);
    expect(t.edits.filter((e) => e.run === 'B' && /finished/.test(e.text))).toEqual([]);
    t.setLimitB(false);
    await vi.advanceTimersByTimeAsync(12_000);
    const finals = t.edits.filter((e) => e.run === 'B' && /100\/100 \(finished\)/.test(e.text));
    expect(finals).toHaveLength(1);
    expect(finals[0].at).toBeGreaterThanOrEqual(13_000);
    // Posted once, and forgotten once shown.
    expect(t.posts.filter((p) => p.run === 'B')).toHaveLength(1);
    expect(t.watched.has('B')).toBe(false);
    t.stop();
  });
});

// Every other call of the tracker honours Retry-After too: the final scores' post and a schedule's digest
// are asked again after the time Slack named, not at the next tick (1 s), and only they wait.
describe('a 429 on the final post or a digest', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse('2026-12-03T00:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('is asked again after Retry-After (2 s) and not before, once; the other run is not held', async () => {
    const start = Date.now();
    const runs: Record<string, FakeRun> = { A: { done: 0, status: 'running' }, B: { done: 0, status: 'running' } };
    /** The store's watches (run_notifications): moved as the store moves them (compare-and-set). */
    const watched = new Map([
      ['A', { target: 'slack:C1', message_id: 'ts-A' }],
      ['B', { target: 'slack:C1', message_id: 'ts-B' }],
      ['D', { target: 'digest:nightly', message_id: 'D' }],
    ]);
    let moves = 0;
    const asked: { what: string; at: number; ok: boolean }[] = [];
    const digest = {
      schedule: 'nightly',
      channel: 'C9',
      shot: 'one',
      since: null,
      labels: 'paper',
      previousLabels: null,
      rows: [],
      failedRuns: [],
    };
    const services = {
      watched: async (prefix: string) =>
        [...watched].filter(([, w]) => w.target.startsWith(prefix)).map(([id, w]) => ({ run_id: id, ...w })),
      moveWatch: async (
        id: string,
        from: { target: string; messageId?: string },
        to: string,
        at: number,
        mark?: string,
      ) => {
        const w = watched.get(id);
        if (!w || w.target !== from.target || (from.messageId !== undefined && w.message_id !== from.messageId)) return;
        const messageId = `${at}:${++moves}${mark ? `:${mark}` : ''}`;
        watched.set(id, { target: to, message_id: messageId });
        return messageId;
      },
      recordDigest: async () => {},
      status: async (id: string) => [progressOf(id, runs[id], start)],
      runState: async (id: string) => (id === 'D' ? 'finished' : runs[id].status),
      unwatch: async (id: string) => watched.delete(id),
      digest: async () => [digest],
      ...NO_AUDIT,
    } as unknown as Services;
    /** Each of these is refused once, with Retry-After 2 s. */
    const refuseOnce = new Set(['final B', 'digest C9']);
    const client = {
      chat: {
        update: async () => ({ ok: true }),
        postMessage: async (m: { channel: string; thread_ts?: string }) => {
          const what = m.thread_ts ? `final ${m.thread_ts.slice(3)}` : `digest ${m.channel}`;
          const ok = !refuseOnce.delete(what);
          asked.push({ what, at: Date.now() - start, ok });
          if (!ok) throw Object.assign(new Error('rate limited'), { code: ErrorCode.RateLimitedError, retryAfter: 2 });
          return { ok: true };
        },
      },
    };
    const stop = trackProgress(services, client as never, (err) => {
      throw err;
    });
    try {
      await vi.advanceTimersByTimeAsync(1000);
      runs.B = { done: 100, status: 'finished' };
      await vi.advanceTimersByTimeAsync(1000);
      const refusedAt = asked.find((a) => a.what === 'final B')!.at;
      const digestRefusedAt = asked.find((a) => a.what === 'digest C9')!.at;
      // Run A goes on being shown meanwhile, and finishes with its final scores at once.
      runs.A = { done: 100, status: 'finished' };
      await vi.advanceTimersByTimeAsync(1000);
      expect(asked.filter((a) => a.what === 'final A')).toEqual([
        { what: 'final A', at: expect.any(Number), ok: true },
      ]);
      await vi.advanceTimersByTimeAsync(10_000);
      for (const [what, refused] of [
        ['final B', refusedAt],
        ['digest C9', digestRefusedAt],
      ] as const) {
        const calls = asked.filter((a) => a.what === what);
        expect(calls.map((c) => c.ok)).toEqual([false, true]);
        expect(calls[1].at - refused).toBeGreaterThanOrEqual(2000);
        expect(calls[1].at - refused).toBeLessThanOrEqual(3000);
      }
      // Posted once each, and forgotten once shown.
      expect(watched.size).toBe(0);
    } finally {
      await stop();
    }
  });
});

// The same with everything real but Slack: a queued run computed by a worker on a Redis of the test's own,
// its progress message followed by the bot's tracker through the Web API client it uses, against a stand-in
// of Slack that answers every chat.update 429 with Retry-After 30 s.
describe('evaluation throughput while Slack answers 429', () => {
  const redis = ownRedis();
  let store: TestStore;
  let model: Awaited<ReturnType<typeof localChatServer>>;
  let slack: Server;
  const calls: { method: string; at: number; body: string }[] = [];
  const open: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    await redis.start();
    store = await freshStore('sqlite');
    model = await localChatServer(() => '["W"]', 60);
    slack = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const method = (req.url ?? '').split('/').pop()!;
        calls.push({ method, at: performance.now(), body });
        if (method === 'chat.update') {
          res.writeHead(429, { 'retry-after': '30', 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: true, channel: 'C1', ts: '2.000100' }));
        }
      });
    });
    await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await Promise.all([redis.kill(), model.close(), new Promise((r) => slack.close(r))]);
    await store.drop();
  });

  /**
   * Services working one document a job, with \`slow\` (the stand-in model, one request at a time) in their
   * registry, on queue \`prefix\`; \`timed\` runs MR on it (watched in C1 under \`thread\` if given) to its end.
   */
  async function slowWorker(prefix: string) {
    const env = {
      ...FIXTURE_ENV,
      ...store.env,
      JCB_MODELS: modelsFile(
        `${TEST_MODELS}  slow:\n    provider: openai-compatible\n    model: m\n    baseUrl: ${model.url}\n    concurrency: 1\n    maxRetries: 0\n`,
      ),
      REDIS_URL: redis.url,
      JCB_QUEUE_PREFIX: `${prefix}-${process.pid}`,
      JCB_QUEUE_CHUNK: '1',
    };
    const s = createServices({ env, tokenizer: inThreadTokenizer() });
    open.push(s);
    await s.startWorker(1);
    const timed = async (thread?: string) => {
      const start = performance.now();
      const { run } = await s.enqueueEvaluation({ task: 'mr', model: 'slow', shot: 'zero', noCache: true });
      if (thread) await s.watch(run.id, 'slack:C1', thread);
      await waitFor(async () => (await s.runState(run.id)) === 'finished', 60_000);
      return { ms: performance.now() - start, endedAt: performance.now() };
    };
    return { s, timed };
  }

  it('leaves the time a run takes unchanged, edits at most once per Retry-After, and posts the final scores at once', async () => {
    const { s, timed } = await slowWorker('jcb429');
    const quiet = await timed();
    const address = slack.address() as AddressInfo;
    const logged: unknown[] = [];
    const stop = trackProgress(
      s,
      progressClient('xoxb-test', `http://127.0.0.1:${address.port}/api/`),
      (e) => logged.push(e),
      100,
    );
    try {
      const limited = await timed('1.000100');
      // A client that waited out the 429 inside its call would have held everything for 30 s.
      expect(limited.ms).toBeLessThan(quiet.ms * 1.5 + 1000);
      await waitFor(async () => calls.some((c) => c.method === 'chat.postMessage'), 5_000);
      const final = calls.find((c) => c.method === 'chat.postMessage')!;
      expect(final.at - limited.endedAt).toBeLessThan(1500);
      expect(decodeURIComponent(final.body)).toMatch(/thread_ts=1\.000100/);
      // Asked once, refused, not asked again before the 30 s Slack named.
      expect(calls.filter((c) => c.method === 'chat.update')).toHaveLength(1);
      expect(logged).toEqual([]);
    } finally {
      await stop();
    }
  });

  it('a 429 (Retry-After 2 s) on the final post: posted after 2 s and not before; the run takes as long as without Slack', async () => {
    const { s, timed } = await slowWorker('jcb429b');
    const quiet = await timed();
    // Slack's Web API, stood in by nock: edits answered, the first final post refused with Retry-After 2.
    const posts: { at: number; status: number }[] = [];
    nock('https://slack.test')
      .persist()
      .post('/api/chat.update')
      .reply(200, { ok: true, channel: 'C1', ts: '1.000100' })
      .post('/api/chat.postMessage')
      .reply((_uri, body) => {
        // The earlier test's run is still watched (its edits were all refused): its post is not this one's.
        if (!decodeURIComponent(String(body)).includes('thread_ts=3.000300'))
          return [200, { ok: true, channel: 'C1', ts: '2.000200' }];
        const status = posts.length === 0 ? 429 : 200;
        posts.push({ at: performance.now(), status });
        return status === 429
          ? [429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '2' }]
          : [200, { ok: true, channel: 'C1', ts: '2.000100' }];
      });
    const logged: unknown[] = [];
    const stop = trackProgress(s, progressClient('xoxb-test', 'https://slack.test/api/'), (e) => logged.push(e), 100);
    try {
      const limited = await timed('3.000300');
      expect(limited.ms).toBeLessThan(quiet.ms * 1.5 + 1000);
      await waitFor(async () => posts.length >= 2, 10_000);
      // Refused at once after the run ended; asked again only once Slack's 2 s were over, and then no more.
      expect(posts[0]).toMatchObject({ status: 429 });
      expect(posts[0].at - limited.endedAt).toBeLessThan(1500);
      expect(posts[1]).toMatchObject({ status: 200 });
      expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(2000);
      expect(posts[1].at - posts[0].at).toBeLessThan(3500);
      await new Promise((r) => setTimeout(r, 1000));
      expect(posts).toHaveLength(2);
      expect(logged).toEqual([]);
    } finally {
      await stop();
      nock.cleanAll();
    }
  });
});
