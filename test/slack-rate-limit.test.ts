// Finding 4 of breaker-slack: an answer to a channel Slack rate-limits (HTTP 429, Retry-After) is posted again after
// the Retry-After Slack gave, not after growing gaps; and the person is told, once, when it waits over a few seconds.
// Only that call waits: the Web API client alone paused every channel's calls behind one 429.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitNotice } from '../handlers/rate-limits.js';
import { RATE_LIMIT_SPENT } from '../handlers/blocks/answers.js';
import { fakeSlackApi } from './fake-slack.js';
import { slackBot } from './slack-bot-fixture.js';
import { formBody, SLACK, slackRequests } from './slack-requests.js';

describe("Slack's rate limit on an answer", () => {
  const said: string[] = [];
  /** When each chat.postMessage to CRATE came, and what Slack answered. */
  const attempts: { at: number; status: number }[] = [];
  /** When each post to CRATE2 came. */
  const spent: number[] = [];
  /** When the post to CBUSY was refused. */
  let busyRefused = 0;

  /** Slack's Web API, with the channels below refusing posts. */
  function fakes() {
    // Slack refuses the first two posts to CRATE with 429 and Retry-After: 2, as it does for a busy channel.
    nock(SLACK)
      .post('/api/chat.postMessage', (b: unknown) => formBody(b).channel === 'CRATE')
      .times(2)
      .reply(() => {
        attempts.push({ at: Date.now(), status: 429 });
        return [429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '2' }];
      });
    nock(SLACK)
      .post('/api/chat.postMessage', (b: unknown) => formBody(b).channel === 'CRATE')
      .reply(() => {
        attempts.push({ at: Date.now(), status: 200 });
        return [200, { ok: true, channel: 'CRATE', ts: '9.000100' }];
      });
    // CRATE2 refuses every post: the client gives up after its five retries.
    nock(SLACK)
      .post('/api/chat.postMessage', (b: unknown) => formBody(b).channel === 'CRATE2')
      .times(6)
      .reply(() => {
        spent.push(Date.now());
        return [429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '1' }];
      });
    // CBUSY refuses its first post for 4 s.
    nock(SLACK)
      .post('/api/chat.postMessage', (b: unknown) => formBody(b).channel === 'CBUSY')
      .reply(() => {
        busyRefused = Date.now();
        return [429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '4' }];
      });
    fakeSlackApi(said, () => ({ ok: true, members: [] }));
  }
  const fx = slackBot({ fakes });
  beforeAll(fx.start, 60_000);
  afterAll(fx.stop);
  const run = slackRequests(() => fx.url).slash('run mr gpt-4o A_p1');

  it('posts again after Retry-After each time, and tells the person once that the answer is delayed', async () => {
    expect((await run('U1', 'rate1', { channel: 'CRATE' })).status).toBe(200);
    for (let i = 0; i < 400 && !attempts.some((a) => a.status === 200); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(attempts.map((a) => a.status)).toEqual([429, 429, 200]);
    // Each retry 2 s after the refusal (Retry-After), plus at most the client's tenth of a second and some slack.
    for (const gap of [attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at]) {
      expect(gap).toBeGreaterThanOrEqual(1_950);
      expect(gap).toBeLessThan(2_800);
    }
    await new Promise((r) => setTimeout(r, 200));
    const notices = said.filter((s) => s.includes('/r/rate1') && s.includes('hourglass'));
    expect(notices).toHaveLength(1);
    expect(JSON.parse(notices[0]).body).toMatchObject({ response_type: 'ephemeral', text: rateLimitNotice(2) });
  }, 20_000);

  it('says in one line, once its retries are spent, that Slack kept refusing, and tries no more', async () => {
    expect((await run('U1', 'rate2', { channel: 'CRATE2' })).status).toBe(200);
    const answers = () =>
      said.filter((s) => s.includes('/r/rate2')).map((s) => (JSON.parse(s) as { body: { text: string } }).body.text);
    for (let i = 0; i < 600 && !answers().includes(RATE_LIMIT_SPENT); i++) await new Promise((r) => setTimeout(r, 25));
    expect(answers()).toEqual([rateLimitNotice(1), RATE_LIMIT_SPENT]);
    expect(spent).toHaveLength(6);
    expect(spent.at(-1)! - spent[0]).toBeLessThan(8_000);
  }, 20_000);

  it("answers in another channel at once while one channel's post waits out its Retry-After", async () => {
    expect((await run('U1', 'rate3', { channel: 'CBUSY' })).status).toBe(200);
    for (let i = 0; i < 400 && !busyRefused; i++) await new Promise((r) => setTimeout(r, 25));
    expect(busyRefused).toBeGreaterThan(0);
    const asked = Date.now();
    expect((await run('U2', 'rate4', { channel: 'CFREE' })).status).toBe(200);
    const postedIn = (ch: string) =>
      said.some(
        (s) =>
          (JSON.parse(s) as { method?: string; channel?: string }).method === '/api/chat.postMessage' &&
          JSON.parse(s).channel === ch,
      );
    for (let i = 0; i < 400 && !postedIn('CFREE'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(postedIn('CFREE')).toBe(true);
    // Within the 4 s CBUSY waits (a /jcb run thread takes a fraction of a second), and CBUSY's post is still to come.
    expect(Date.now() - asked).toBeLessThan(2_500);
    expect(postedIn('CBUSY')).toBe(false);
    for (let i = 0; i < 400 && !postedIn('CBUSY'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(Date.now() - busyRefused).toBeGreaterThanOrEqual(3_950);
  }, 20_000);
});
