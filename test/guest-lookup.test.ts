// Slack's answer about a guest (users.info) never holds an acknowledgement, yet decides the same request; a
// failure (no users:read) is kept a while and told to the operator once. The real Bolt app over HTTP (the shared
// fixture), nock for Slack's Web API.
import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NEEDS_USERS_READ } from '../handlers/guests.js';
import { fakeUsersInfo } from './fake-slack.js';
import { slackBot } from './slack-bot-fixture.js';
import { HOOK, SLACK, slackRequests } from './slack-requests.js';

describe('guests looked up without holding the ack', () => {
  let stop: (() => Promise<void>) | undefined;
  let said: string[];
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    vi.restoreAllMocks();
  });

  /** A bot whose Slack answers users.info as `how` says; the response_url answers recorded in `said`. */
  const start = async (how: Parameters<typeof fakeUsersInfo>[1], warn = (_: string) => {}) => {
    said = [];
    const fx = slackBot({
      fakes: () => {
        fakeUsersInfo({ UGUEST: 'multi' }, how);
        nock(SLACK)
          .persist()
          .post('/api/auth.test')
          .reply(200, { ok: true, user_id: 'UBOT', bot_id: 'B1', team_id: 'T1' });
        nock(HOOK)
          .persist()
          .post(/.*/)
          .reply(200, (_u, b) => (said.push((b as { text: string }).text), 'ok'));
      },
      env: { TEST_OPENAI_KEY: 'sk-test' },
    });
    // The bot's log (handlers/app.ts, privateLogger) writes with console.warn.
    vi.spyOn(console, 'warn').mockImplementation((...m: unknown[]) => warn(m.map(String).join(' ')));
    await fx.start();
    stop = () => fx.stop();
    const requests = slackRequests(() => fx.url);
    let n = 0;
    return (text: string, user: string) => requests.slash(text)(user, `g${++n}-${Math.random()}`);
  };

  const until = async (n: number) => {
    for (const end = Date.now() + 20_000; Date.now() < end && said.length < n;)
      await new Promise((r) => setTimeout(r, 25));
    return said;
  };

  it("acknowledges a person's first request before Slack says who they are, and still refuses a guest a live run", async () => {
    const command = await start({ delayMs: 1000 });
    const sent = performance.now();
    const res = await command('run mr openai-test B_p1', 'UGUEST');
    expect(res.status).toBe(200);
    // The ack does not wait for users.info's second (loaded 2-core machine: generous, yet well under it).
    expect(res.at - sent).toBeLessThan(600);
    const [answer] = await until(1);
    expect(answer).toContain('Guests of this workspace may not run one document on a live model');
  });

  it('asks once for a bot without users:read, treats everyone as a guest, and tells the operator once', async () => {
    const calls = { n: 0 };
    const warned: string[] = [];
    const command = await start({ calls, scopes: ['chat:write', 'commands'] }, (m) => warned.push(m));
    for (const user of ['U1', 'U1', 'U2']) {
      const before = said.length;
      await command('run mr openai-test B_p1', user);
      const answers = await until(before + 1);
      expect(answers.at(-1)).toContain('Slack did not say whether you are a guest of this workspace');
    }
    // One call a person (failures kept a minute), one operator line for the process.
    expect(calls.n).toBe(2);
    expect(warned.filter((w) => w.includes(NEEDS_USERS_READ))).toHaveLength(1);
    expect(warned.filter((w) => w.includes('users.info'))).toHaveLength(1);
  });
});
