// Every door of the bot limited and checked (issue 25): the per-user limit at mentions, DMs, buttons, selects,
// modal submissions and the shortcut, with one notice a window and never a public post per request; forged
// and malformed payloads answered in one line without storing anything; other workspaces and apps refused;
// `--post` only into a channel the person is in.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { fakeUsersInfo } from './fake-slack.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../handlers/app.js';
import { OTHER_WORKSPACE } from '../handlers/doors.js';
import { outputHash } from '../src/ratings/ratings.js';
import { Store } from '../src/store/store.js';
import { createServices, type Services } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, testModelsFile, type TestStore } from './helpers.js';
import { formBody, HOOK, sendSigned, SIGNING_SECRET, SLACK } from './slack-requests.js';

interface Call {
  method: string;
  body: Record<string, unknown>;
}

const FORM = 'application/x-www-form-urlencoded';
const RATED = { t: 'irs', m: 'gpt-4o', d: '2', h: outputHash('内服薬の忘れ') };

describe('the doors of the bot', () => {
  let bot: Bot;
  let url: string;
  let store: TestStore;
  let services: Services;
  let calls: Call[];
  let members: () => object;
  let n = 0;

  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });

  const start = async (extra: Record<string, string> = {}) => {
    store = await freshStore('sqlite');
    calls = [];
    members = () => ({ ok: true, members: ['UMEMBER'] });
    fakeUsersInfo();
    nock(SLACK).persist().post('/api/auth.test').reply(200, { ok: true, user_id: 'UBOT', bot_id: 'B1', team_id: 'T1' });
    nock(SLACK)
      .persist()
      .post('/api/conversations.members')
      .reply(200, () => members());
    nock(SLACK)
      .persist()
      .post(/\/api\/.*/)
      .reply(200, (uri, b) => {
        calls.push({ method: uri.split('/').pop()!, body: formBody(b) });
        return { ok: true, channel: 'C1', ts: `${++n}.000100` };
      });
    nock(HOOK)
      .persist()
      .post(/.*/)
      .reply(200, (_u, b) => (calls.push({ method: 'response_url', body: b as Record<string, unknown> }), 'ok'));
    const env = {
      ...FIXTURE_ENV,
      JCB_MODELS: testModelsFile(),
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      JCB_QUEUE_PREFIX: `jcbdoors-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      ...store.env,
      ...extra,
    };
    services = createServices({ env, tokenizer: inThreadTokenizer() });
    bot = createBot(env, services);
    const server = (await bot.start()) as Server;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  };

  afterEach(async () => {
    await bot.stop();
    nock.cleanAll();
    await store.drop();
  });

  /**
   * Waits until `check` holds (a hang guard of 30 s, not a bound on speed: the personal-information check of a
   * comment took more than the 5 s it had on a loaded 2-core machine), then `ms` more for anything else to come.
   */
  const settle = async (check?: () => boolean, ms = 400) => {
    for (const end = Date.now() + 30_000; check && Date.now() < end && !check();)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, ms));
  };
  const slash = (text: string, user = 'U1', team = 'T1') =>
    sendSigned(
      url,
      new URLSearchParams({
        command: '/jcb',
        text,
        user_id: user,
        channel_id: 'C1',
        team_id: team,
        response_url: `${HOOK}/r/${++n}`,
        trigger_id: `t${++n}`,
      }).toString(),
      FORM,
    );
  const interaction = (payload: object) =>
    sendSigned(
      url,
      new URLSearchParams({ payload: JSON.stringify({ team: { id: 'T1' }, ...payload }) }).toString(),
      FORM,
    );
  const mention = (text: string, user = 'U1', extra: object = {}) =>
    sendSigned(
      url,
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T1',
        api_app_id: 'A1',
        event_id: `Ev${++n}`,
        event_time: 1,
        event: { type: 'app_mention', user, channel: 'C1', text: `<@UBOT> ${text}`, ts: `${n}.1` },
        ...extra,
      }),
      'application/json',
    );
  const select = (blockId: string, user = 'U1', value = '3', extra: object = {}) =>
    interaction({
      type: 'block_actions',
      user: { id: user },
      channel: { id: 'C1' },
      trigger_id: `t${++n}`,
      response_url: `${HOOK}/a/${n}`,
      container: { type: 'message', message_ts: '1.1', channel_id: 'C1' },
      actions: [
        {
          type: 'static_select',
          action_id: 'rate_fluency',
          block_id: blockId,
          action_ts: '1',
          selected_option: { value },
        },
      ],
      ...extra,
    });
  const submit = (view: object, user = 'U1') =>
    interaction({ type: 'view_submission', user: { id: user }, trigger_id: `t${++n}`, view: { id: 'V1', ...view } });
  const ratings = async () => (await services.ratings('irs')).rows.length;
  const publicPosts = () => calls.filter((c) => c.method === 'chat.postMessage');
  const notices = () => calls.filter((c) => c.method === 'chat.postEphemeral' || c.method === 'response_url');

  it('answers mentions up to the limit, then tells the person once, only to them, however many more come', async () => {
    await start({ JCB_BOT_RATE_PER_MINUTE: '3' });
    for (let i = 0; i < 8; i++) await mention('help');
    await settle(() => publicPosts().length >= 3 && notices().length >= 1);
    expect(publicPosts()).toHaveLength(3);
    expect(notices()).toHaveLength(1);
    expect(notices()[0].body).toMatchObject({
      user: 'U1',
      text: expect.stringMatching(/3 requests in the last minute; the limit is 3/),
    });
    // Another person is not held back.
    await mention('help', 'U2');
    await settle(() => publicPosts().length === 4);
    expect(publicPosts()).toHaveLength(4);
  });

  it('limits selects, buttons, modal submissions and the shortcut too, and stores nothing over the limit', async () => {
    await start({ JCB_BOT_RATE_PER_MINUTE: '1' });
    await select(`rate:${JSON.stringify(RATED)}`);
    await settle(() => calls.length >= 1);
    expect(await ratings()).toBe(1);
    await select(`rate:${JSON.stringify(RATED)}`, 'U1', '5');
    const comment = await submit({
      callback_id: 'rate_comment_modal',
      private_metadata: `rate:${JSON.stringify(RATED)}`,
      state: { values: { comment: { value: { type: 'plain_text_input', value: 'a comment' } } } },
    });
    await interaction({
      type: 'message_action',
      callback_id: 'run_task_on_message',
      trigger_id: `t${++n}`,
      user: { id: 'U1' },
      channel: { id: 'C1' },
      message: { ts: '3.1', text: '発熱' },
      response_url: `${HOOK}/s`,
    });
    await settle();
    expect(calls.filter((c) => c.method === 'views.open')).toEqual([]);
    // One notice (ephemeral), no second rating, no comment; the modal's submission answered in silence.
    expect(notices().filter((c) => /limit is 1/.test(JSON.stringify(c.body)))).toHaveLength(1);
    expect(comment.text).toBe('');
    const [row] = (await services.ratings('irs')).rows;
    expect(row).toMatchObject({ n: 1, means: { fluency: 3 } });
  });

  it.each([
    ['non-JSON private_metadata', { callback_id: 'run_task_modal', private_metadata: '{oops', state: { values: {} } }],
    [
      'no state',
      { callback_id: 'run_task_modal', private_metadata: JSON.stringify({ channel: 'C1', ts: '1.1', text: 'x' }) },
    ],
    [
      'a comment with no state',
      { callback_id: 'rate_comment_modal', private_metadata: `rate:${JSON.stringify(RATED)}` },
    ],
    [
      'a comment on a forged output',
      {
        callback_id: 'rate_comment_modal',
        private_metadata: 'rate:{"t":"irs","m":"x<!channel>","d":"2","h":"00000000"}',
        state: { values: { comment: { value: { type: 'plain_text_input', value: 'hi' } } } },
      },
    ],
  ])('answers a view submission with %s in one line, storing nothing', async (_name, view) => {
    await start();
    const res = await submit(view);
    await settle();
    expect(res.status).toBe(200);
    const errors = res.text ? (JSON.parse(res.text) as { errors?: Record<string, string> }).errors : undefined;
    for (const line of Object.values(errors ?? {})) expect(line).not.toMatch(/\n/);
    expect(publicPosts()).toEqual([]);
    expect(await ratings()).toBe(0);
  });

  it('stores a comment with personal information masked, and the modal says what was masked', async () => {
    await start();
    const res = await submit({
      id: 'V1',
      callback_id: 'rate_comment_modal',
      private_metadata: `rate:${JSON.stringify(RATED)}`,
      state: {
        values: {
          comment: { value: { type: 'plain_text_input', value: '山田太郎さん（電話 090-1234-5678）の件、要約が良い' } },
        },
      },
    });
    // Acknowledged at once with the modal updated (the check may outlast Slack's 3 s), then its outcome.
    expect(JSON.parse(res.text)).toMatchObject({ response_action: 'update' });
    await settle(() => calls.some((c) => c.method === 'views.update'), 0);
    const opened = await Store.open({ ...FIXTURE_ENV, ...store.env });
    const [stored] = await opened.ratings('irs');
    await opened.close();
    expect(stored.comment).not.toMatch(/山田|090/);
    expect(stored.comment).toMatch(/\[氏名\].*\[電話番号\].*要約が良い/);
    const update = calls.find((c) => c.method === 'views.update')!;
    expect(update.body.view_id).toBe('V1');
    expect(JSON.stringify(update.body.view)).toMatch(
      /Comment saved, with personal information masked \(1 氏名, 1 電話番号\)/,
    );
    expect(publicPosts()).toEqual([]);
  });

  it.each([
    ['a model that does not exist', { ...RATED, m: 'x<!channel>' }],
    ['a document that does not exist', { ...RATED, d: 'nope' }],
    ['an output the model never gave', { ...RATED, h: '0123456789abcdef' }],
    ['a task that is not rated', { ...RATED, t: 'mr' }],
    ['extra fields', { ...RATED, x: 1 }],
  ])('refuses a rating of %s in one line and stores nothing', async (_name, ref) => {
    await start();
    await select(`rate:${JSON.stringify(ref)}`);
    await settle(() => notices().length > 0);
    expect(notices()).toHaveLength(1);
    expect(notices()[0].body.text).toMatch(
      /^:warning: (That output is not one jcb showed|This rating control has lost its output)/,
    );
    expect(notices()[0].body.text).not.toMatch(/Saved/);
    expect(await ratings()).toBe(0);
  });

  it('refuses requests of another workspace (the person told in one line, nothing worked) or another app', async () => {
    await start({ SLACK_APP_ID: 'A1' });
    expect(JSON.parse((await slash('run mr gpt-4o A_p1', 'U1', 'TOTHER')).text)).toEqual({
      response_type: 'ephemeral',
      text: OTHER_WORKSPACE,
    });
    await mention('help', 'U1', { team_id: 'TOTHER' });
    await mention('help', 'U1', { api_app_id: 'AOTHER' });
    await settle();
    expect(calls).toEqual([]);
    // A person of another organisation in a Slack Connect channel: the payload's team is ours, theirs is not.
    await select(`rate:${JSON.stringify(RATED)}`, 'UEXT', '3', { user: { id: 'UEXT', team_id: 'TOTHER' } });
    await settle(() => notices().length === 1);
    expect(notices().map((c) => c.body.text)).toEqual([OTHER_WORKSPACE]);
    expect(await ratings()).toBe(0);
    const connect = {
      type: 'app_mention',
      user: 'UEXT',
      user_team: 'TOTHER',
      channel: 'C1',
      text: '<@UBOT> help',
      ts: '9.1',
    };
    await mention('help', 'UEXT', { event: connect });
    await settle(() => calls.length === 2);
    expect(calls[1]).toMatchObject({ method: 'chat.postEphemeral', body: { user: 'UEXT', text: OTHER_WORKSPACE } });
    expect(publicPosts()).toEqual([]);
    await mention('help');
    await settle(() => publicPosts().length === 1);
    expect(publicPosts()).toHaveLength(1);
  });

  it.each(['<!channel>', '<!here>', '<!everyone>', '<!subteam^S123|@oncall>', '<@U2>', '@channel', 'U0123ABCD'])(
    'never takes --post %s for a channel',
    async (target) => {
      await start();
      await slash(`leaderboard --post ${target}`);
      await settle(() => notices().length > 0);
      expect(notices()[0].body.text).toMatch(/is not a channel\. Name one: `--post #channel`\./);
      expect(publicPosts()).toEqual([]);
    },
  );

  it('posts into another channel only for its members or an admin; without the scope, for nobody', async () => {
    await start({ JCB_ADMINS: 'UADMIN' });
    await slash('leaderboard --post <#CSECRET|exec-private>', 'U1');
    await settle(() => notices().length > 0);
    expect(notices()[0].body.text).toMatch(
      /^:warning: Only members of that channel, or an admin, may post a leaderboard/,
    );
    expect(publicPosts()).toEqual([]);
    members = () => ({ ok: false, error: 'missing_scope', needed: 'groups:read' });
    await slash('leaderboard --post <#CSECRET|exec-private>', 'UMEMBER');
    await settle(() => notices().length > 1);
    expect(notices()[1].body.text).toMatch(
      /cannot check who is in that channel \(Slack says missing_scope\)\. Ask an admin to re-install/,
    );
    expect(publicPosts()).toEqual([]);
  });
});
