// A nightly digest that Slack rate-limits (429, Retry-After) waits in the store, not in the bot's memory: a bot
// restarted during the wait posts it once the wait is over, once, and records it as the last digest then. Slack
// is nock (the Web API at https://slack.com), the bots are the real tracker on a real SQLite store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  /** Slack answering chat.postMessage with `status` and `body` first, then 200: what it answered (status, when, form). */
  function slackAnswers(status: number, body: object, headers?: Record<string, string>) {
    const asked: { status: number; at: number; body: Record<string, unknown> }[] = [];
    const answer = (code: number, reply: object) => (_u: string, b: nock.Body) => (
      asked.push({ status: code, at: Date.now(), body: formBody(b) }),
      reply
    );
    nock(SLACK).post('/api/chat.postMessage').reply(status, answer(status, body), headers);
    nock(SLACK)
      .post('/api/chat.postMessage')
      .reply(200, answer(200, { ok: true, channel: 'C9', ts: '1.0001' }));
    return asked;
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
      expect(errors).toEqual([]);
    } finally {
      await stopSecond();
      await second.close();
    }
  }, 60_000);

  /** A bot following the store's watches (the real tracker, polling every 50 ms): its services and logged errors. */
  function startBot() {
    const errors: unknown[] = [];
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    const stopTracking = trackProgress(
      services,
      progressClient('xoxb-test', `${SLACK}/api/`),
      (e) => errors.push(e),
      50,
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
    return { services, errors, night, stop };
  }

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
    ['a 503 from Slack, tried again a while later', 503, 'service_unavailable', [503, 200]],
    ['a channel the bot is not in, dropped at once', 200, 'not_in_channel', [200]],
  ] as const)(
    '%s',
    async (_name, status, error, expected) => {
      const asked = slackAnswers(status, { ok: false, error });
      const { services, errors, night, stop } = startBot();
      try {
        await night();
        await waitFor(async () => asked.length === expected.length);
        await waitFor(async () => (await services.watched('digest-due:')).length === 0);
        await new Promise((r) => setTimeout(r, 300)); // another post would come meanwhile
        expect(asked.map((a) => a.status)).toEqual(expected);
        expect(errors).toHaveLength(1); // the failure, logged once
      } finally {
        await stop();
      }
    },
    60_000,
  );
});
