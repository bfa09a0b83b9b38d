// A nightly digest that Slack rate-limits (429, Retry-After) waits in the store, not in the bot's memory: a bot
// restarted during the wait posts it once the wait is over, once, and records it as the last digest then. Slack
// is nock (the Web API at https://slack.com), the bots are the real tracker on a real SQLite store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { progressClient, trackProgress } from '../handlers/progress.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, TEST_MODELS } from './helpers.js';
import { waitFor } from './own-redis.js';
import { formBody, SLACK } from './slack-requests.js';

describe('a digest Slack answers 429, and a bot restart during the wait', () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    const store = await freshStore('sqlite');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-digest-'));
    env = {
      ...FIXTURE_ENV,
      ...store.env,
      JCB_MODELS: path.join(dir, 'models.yml'),
      JCB_SCHEDULES: path.join(dir, 'schedules.yml'),
    };
    writeFileSync(env.JCB_MODELS, TEST_MODELS);
    writeFileSync(
      env.JCB_SCHEDULES,
      'schedules:\n  nightly:\n    cron: "0 2 * * *"\n    models: [baseline]\n    tasks: [irs]\n    channel: C9\n',
    );
    nock.disableNetConnect();
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  afterEach(() => void nock.cleanAll());

  /** How Slack answers conversations.history: the channel's messages, or refused as it refuses it. */
  type History = 'ok' | 'missing_scope' | 'not_in_channel';

  /**
   * Slack's side of channel C9: chat.postMessage answering `status` and `body` first, then 200 to every post
   * (each kept, with its metadata), and conversations.history of the posts kept, newest first, since `oldest`,
   * their metadata only when include_all_metadata is asked, or refused as `history` says (a token without
   * channels:history, a channel the bot is not in). What it was asked: posts (status, when, form) and reads.
   */
  function slackAnswers(status: number, body: object, headers?: Record<string, string>, history: History = 'ok') {
    // Registered first: nock answers with the first interceptor that matches.
    nock(SLACK)
      .post('/api/chat.postMessage')
      .reply(
        status,
        (_u: string, b: nock.Body) => (asked.push({ status, at: Date.now(), body: formBody(b) }), body),
        headers,
      );
    const asked = slackChannel(history);
    return asked;
  }

  /**
   * Slack's channel C9 alone: every post answered 200 and kept (slackAnswers), edits answered 200; read back with
   * conversations.history (the channel's own messages) and conversations.replies (a thread's), both refused alike.
   */
  function slackChannel(history: History = 'ok') {
    const asked: { status: number; at: number; body: Record<string, unknown> }[] = [];
    const reads: Record<string, unknown>[] = [];
    const kept: { ts: string; thread_ts?: string; text: unknown; metadata?: unknown }[] = [];
    nock(SLACK)
      .post('/api/chat.postMessage')
      .reply(200, (_u: string, b: nock.Body) => {
        const form = formBody(b);
        asked.push({ status: 200, at: Date.now(), body: form });
        const ts = `${Math.floor(Date.now() / 1000)}.${String(kept.length + 1).padStart(6, '0')}`;
        const metadata = typeof form.metadata === 'string' ? JSON.parse(form.metadata) : undefined;
        kept.push({ ts, thread_ts: form.thread_ts as string | undefined, text: form.text, metadata });
        return { ok: true, channel: 'C9', ts };
      })
      .persist();
    nock(SLACK).post('/api/chat.update').reply(200, { ok: true, channel: 'C9' }).persist();
    const read = (thread: (form: Record<string, unknown>) => string | undefined) => (_u: string, b: nock.Body) => {
      const form = formBody(b);
      reads.push(form);
      if (history === 'missing_scope')
        return { ok: false, error: 'missing_scope', needed: 'channels:history', provided: 'chat:write' };
      if (history !== 'ok') return { ok: false, error: history };
      if (form.channel !== 'C9') return { ok: false, error: 'channel_not_found' };
      const messages = kept
        .filter((m) => m.thread_ts === thread(form) && Number(m.ts) > Number(form.oldest ?? 0))
        .reverse()
        .map((m) => ({
          type: 'message',
          ts: m.ts,
          thread_ts: m.thread_ts,
          text: m.text,
          ...(form.include_all_metadata === 'true' && m.metadata ? { metadata: m.metadata } : {}),
        }));
      return { ok: true, messages, has_more: false };
    };
    nock(SLACK)
      .post('/api/conversations.history')
      .reply(
        200,
        read(() => undefined),
      )
      .persist();
    nock(SLACK)
      .post('/api/conversations.replies')
      .reply(
        200,
        read((form) => String(form.ts)),
      )
      .persist();
    return Object.assign(asked, { reads, kept });
  }

  it('is posted by the restarted bot after Retry-After, once, and recorded as the last digest only then', async () => {
    // First 429 with Retry-After 2 s, then 200.
    const asked = slackAnswers(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '2' });
    const errors: unknown[] = [];

    const first = createServices({ env, tokenizer: inThreadTokenizer() });
    const { run } = await first.evaluate({ task: 'irs', model: 'baseline', shot: 'one' });
    await first.watch(run.id, 'digest:nightly', run.id);
    const stopFirst = trackProgress(first, progressClient('xoxb-test', `${SLACK}/api/`), (e) => errors.push(e), 50);
    await waitFor(async () => asked.length === 1);
    // The bot dies while the digest waits for its Retry-After: what it held in memory is gone.
    await stopFirst();
    const [pending] = await first.watched('digest-due:');
    // Not posted, so not recorded: the digest the restarted bot makes is the same one.
    expect((await first.digest('nightly', undefined, { record: false }))[0].since).toBeNull();
    await first.close();
    expect(pending).toMatchObject({ run_id: run.id, target: 'digest-due:nightly' });
    expect(Number.parseInt(pending.message_id, 10)).toBeGreaterThanOrEqual(asked[0].at + 2000 - 50);

    const second = createServices({ env, tokenizer: inThreadTokenizer() });
    const stopSecond = trackProgress(second, progressClient('xoxb-test', `${SLACK}/api/`), (e) => errors.push(e), 50);
    try {
      await waitFor(async () => asked.length === 2);
      expect(asked.map((a) => a.status)).toEqual([429, 200]);
      expect(asked[1].at - asked[0].at).toBeGreaterThanOrEqual(2000 - 50);
      expect(asked[1].body).toMatchObject({ channel: 'C9' });
      expect(String(asked[1].body.text)).toMatch(/^Digest nightly: /);
      await waitFor(async () => (await second.watched('digest-due:')).length === 0);
      // Recorded as the last digest once posted: the next one reports the change since.
      const [next] = await second.digest('nightly');
      expect(next.since).not.toBeNull();
      await new Promise((r) => setTimeout(r, 300)); // a second post would come meanwhile
      expect(asked).toHaveLength(2);
      // A first try Slack answered 429 posted nothing: the channel is not read for it.
      expect(asked.reads).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await stopSecond();
      await second.close();
    }
  }, 60_000);

  /** A bot following the store's watches (the real tracker, polling every 50 ms): its services and logged errors. */
  function startBot(opts: { diesAt?: 'digest' | 'recordDigest' | 'accessScope' | 'unwatch'; leaseMs?: number } = {}) {
    const errors: unknown[] = [];
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    // A bot killed at `diesAt`: that call never returns, so nothing after it happens (the row is not closed).
    let dead = false;
    const dying = opts.diesAt
      ? new Proxy(services, {
          get: (t, k) => (k === opts.diesAt ? () => ((dead = true), new Promise<never>(() => {})) : Reflect.get(t, k)),
        })
      : services;
    const stopTracking = trackProgress(
      dying,
      progressClient('xoxb-test', `${SLACK}/api/`),
      (e) => errors.push(e),
      50,
      3000,
      opts.leaseMs,
    );
    const night = async () => {
      const { run } = await services.evaluate({ task: 'irs', model: 'baseline', shot: 'one' });
      await services.watch(run.id, 'digest:nightly', run.id);
      return run.id;
    };
    const stop = async () => {
      await stopTracking();
      await services.close();
      nock.cleanAll();
    };
    /** The bot dies: its tracker stops at once (its pass stays where it died), its store is closed. */
    const kill = async () => {
      void stopTracking();
      await services.close();
    };
    return { services, errors, night, stop, kill, dead: () => dead };
  }

  /** The first bot, killed at `diesAt` once the digest is due; the next one, started after its lease (300 ms). */
  async function killedThenRestarted(diesAt: 'digest' | 'recordDigest', until: () => boolean) {
    const first = startBot({ diesAt, leaseMs: 300 });
    await first.night();
    // Taken by the first bot: its row is leased (due again only once the lease has run out).
    await waitFor(
      async () => Number.parseInt((await first.services.watched('digest-due:'))[0]?.message_id, 10) > Date.now(),
    );
    await waitFor(async () => until());
    await first.kill();
    await new Promise((r) => setTimeout(r, 400)); // its lease runs out
    const second = startBot({ leaseMs: 300 });
    await waitFor(async () => (await second.services.watched('digest-due:')).length === 0);
    await new Promise((r) => setTimeout(r, 300)); // another post would come meanwhile
    return { first, second };
  }

  it('taken by Slack from a bot killed before it closed the row: found in the channel, never posted again', async () => {
    const channel = slackChannel();
    const { first, second } = await killedThenRestarted('recordDigest', () => channel.length === 1);
    try {
      expect(channel.map((a) => a.status)).toEqual([200]);
      expect(channel.kept).toHaveLength(1);
      const posted = channel.kept[0].metadata as { event_type: string; event_payload: { marker: string } };
      expect(posted.event_type).toBe('jcb_digest');
      expect(posted.event_payload.marker).toMatch(/^posting-\d+-[0-9a-f-]{36}$/);
      // The restarted bot read the channel for that marker, with the metadata.
      expect(channel.reads).toHaveLength(1);
      expect(channel.reads[0]).toMatchObject({ channel: 'C9', include_all_metadata: 'true' });
      // Recorded as the last digest by the restarted bot.
      expect((await second.services.digest('nightly'))[0].since).not.toBeNull();
      expect([...first.errors, ...second.errors]).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('marked by a bot killed before its post reached Slack: not in the channel, so posted once', async () => {
    const channel = slackChannel();
    const { first, second } = await killedThenRestarted('digest', () => true);
    try {
      expect(channel.reads).toHaveLength(1);
      expect(channel.kept).toHaveLength(1);
      expect(channel.length).toBe(1);
      expect([...first.errors, ...second.errors]).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it.each(['missing_scope', 'not_in_channel'] as const)(
    'whose channel cannot be read (%s) is posted again, and the refusal logged',
    async (history) => {
      const channel = slackChannel(history);
      const { first, second } = await killedThenRestarted('recordDigest', () => channel.length === 1);
      try {
        // Posted by the dead bot and again by the restarted one, which could not tell: the fallback.
        expect(channel.kept).toHaveLength(2);
        expect(channel.reads).toHaveLength(1);
        expect(first.errors).toEqual([]);
        expect(second.errors).toEqual([expect.objectContaining({ data: expect.objectContaining({ error: history }) })]);
      } finally {
        await second.stop();
      }
    },
    60_000,
  );

  it("is posted once when the next night's runs end while it waits", async () => {
    const asked = slackAnswers(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '2' });
    const { services, errors, night, stop } = startBot();
    try {
      await night();
      await waitFor(async () => asked.length === 1);
      const second = await night();
      // The second night's watch is let go, not made a second pending digest.
      await waitFor(async () => (await services.watched('digest:')).length === 0);
      const due = await services.watched('digest-due:');
      expect(due).toHaveLength(1);
      expect(due[0].run_id).not.toBe(second);
      await waitFor(async () => asked.length === 2);
      await waitFor(async () => (await services.watched('digest-due:')).length === 0);
      await new Promise((r) => setTimeout(r, 300)); // a second post would come meanwhile
      expect(asked.map((a) => a.status)).toEqual([429, 200]);
      expect(errors).toEqual([]);
    } finally {
      await stop();
    }
  }, 60_000);

  it.each([
    // The 503's retry reads the channel first: a post whose answer was lost may have been taken.
    ['a 503 from Slack, tried again a while later', 503, 'service_unavailable', [503, 200], 1],
    ['a channel the bot is not in, dropped at once', 200, 'not_in_channel', [200], 0],
  ] as const)(
    '%s',
    async (_name, status, error, expected, reads) => {
      const asked = slackAnswers(status, { ok: false, error });
      const { services, errors, night, stop } = startBot();
      try {
        await night();
        await waitFor(async () => asked.length === expected.length);
        await waitFor(async () => (await services.watched('digest-due:')).length === 0);
        await new Promise((r) => setTimeout(r, 300)); // another post would come meanwhile
        expect(asked.map((a) => a.status)).toEqual(expected);
        expect(asked.reads).toHaveLength(reads);
        expect(errors).toHaveLength(1); // the failure, logged once
      } finally {
        await stop();
      }
    },
    60_000,
  );
  /** The progress message of a run, in C9, in whose thread its final scores go. */
  const PARENT = '1700000000.000100';

  /** A finished run watched by a bot killed at `diesAt` (after `until`); the next bot, started after its hold. */
  async function finalKilledThenRestarted(diesAt: 'accessScope' | 'unwatch', until: () => boolean) {
    const first = startBot({ diesAt, leaseMs: 300 });
    const { run } = await first.services.evaluate({ task: 'irs', model: 'baseline', shot: 'one' });
    await first.services.watch(run.id, 'slack:C9', PARENT);
    await waitFor(async () => first.dead() && until());
    await first.kill();
    await new Promise((r) => setTimeout(r, 400)); // its hold runs out
    const second = startBot({ leaseMs: 300 });
    await waitFor(async () => (await second.services.watched('slack:')).length === 0);
    await new Promise((r) => setTimeout(r, 300)); // another post would come meanwhile
    return { run: run.id, first, second };
  }

  // The same kind as the digest: a run's final scores, posted in its thread, by a bot killed before it let go
  // of the run's watch.
  it("a run's final scores taken by Slack from a bot killed before it let go of the run: never posted again", async () => {
    const channel = slackChannel();
    const { run, first, second } = await finalKilledThenRestarted('unwatch', () => channel.kept.length === 1);
    try {
      expect(channel.kept).toHaveLength(1);
      expect(channel.kept[0]).toMatchObject({
        thread_ts: PARENT,
        metadata: { event_type: 'jcb_final_scores', event_payload: { run } },
      });
      expect(channel.reads).toEqual([
        expect.objectContaining({ channel: 'C9', ts: PARENT, include_all_metadata: 'true' }),
      ]);
      expect([...first.errors, ...second.errors]).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it("a run's final scores a bot was killed before posting: posted once, in the thread", async () => {
    const channel = slackChannel();
    const { first, second } = await finalKilledThenRestarted('accessScope', () => true);
    try {
      expect(channel.kept.map((m) => m.thread_ts)).toEqual([PARENT]);
      expect(channel.reads).toHaveLength(1);
      expect([...first.errors, ...second.errors]).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 60_000);
  it("a run's final scores, with two bots sharing the store: posted once", async () => {
    const channel = slackChannel();
    const [a, b] = [startBot(), startBot()];
    try {
      const { run } = await a.services.evaluate({ task: 'irs', model: 'baseline', shot: 'one' });
      await a.services.watch(run.id, 'slack:C9', PARENT);
      await waitFor(async () => (await a.services.watched('slack:')).length === 0);
      await new Promise((r) => setTimeout(r, 300)); // another post would come meanwhile
      expect(channel.kept.map((m) => m.thread_ts)).toEqual([PARENT]);
      expect([...a.errors, ...b.errors]).toEqual([]);
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 60_000);
});
