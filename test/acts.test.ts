// The authorization table walked: for every listener of the registry (handlers/index.ts) and every act it can
// lead to (src/policy/acts.ts), one signed request per kind of user through the real HTTP receiver; each is
// refused with the table's one line exactly when the table says so. A listener or act without a request here,
// or an act no listener leads to, fails the test: a new act is covered as soon as it is added. Slack answers
// users.info late, and each request has an admin of its own Slack was never asked about: a listener deciding before
// that answer is in (the bot asks without holding the ack) would refuse them as a person Slack did not tell of.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../handlers/app.js';
import type { BotContext } from '../handlers/context.js';
import { listenerRegistry } from '../handlers/index.js';
import { ACTS, ACT_IDS, actsTable, guestMay, may, type Act } from '../src/policy/acts.js';
import { outputHash } from '../src/ratings/ratings.js';
import { createServices, type Services } from '../src/services/index.js';
import { detectPersonalInformation } from '../src/privacy/detect.js';
import {
  chatCompletion,
  FIXTURE_ENV,
  freshStore,
  inThreadTokenizer,
  testModelsFile,
  type TestStore,
} from './helpers.js';
import { fakeSlackApi, type GuestKind } from './fake-slack.js';
import { HOOK, SIGNING_SECRET, slackRequests, type SlackSend } from './slack-requests.js';

const USERS = {
  stranger: 'USTRANGER',
  allowed: 'UALLOWED',
  owner: 'UOWNER',
  member: 'UMEMBER',
  admin: 'UADMIN',
  // A multi-channel guest listed as admin and allowed, a single-channel guest who is a member of the target channel:
  // whatever the lists say, a guest may do only what `guestMay` says.
  guest: 'UGUEST',
  single: 'USINGLE',
};
const GUESTS: Record<string, GuestKind> = { [USERS.guest]: 'multi', [USERS.single]: 'single' };
const POLICY = {
  admins: [USERS.admin, USERS.guest],
  allowedUsers: [USERS.allowed, USERS.guest],
  allowedChannels: [],
  guest: (user: string) => user in GUESTS,
};
/** The table's refusals, and nothing else the bot says. */
const REFUSED =
  /Only (some users|members of that channel|an admin|the person who started run)|Guests of this workspace/;
const TARGET = 'CTARGET';
/** Admins Slack is asked about once each: one a request, asked with the request itself. */
const FRESH_ADMINS = Array.from({ length: 100 }, (_, i) => `UFRESH${i}`);
/** Refused because Slack had not said whether the person is a guest (src/policy/acts.ts UNKNOWN). */
const UNTOLD = /Slack did not say whether you are a guest/;

describe('the acts table, walked by every listener and every kind of user', () => {
  let bot: Bot;
  let url: string;
  let store: TestStore;
  let services: Services;
  let runId: string;
  /** Everything the bot sent (Web API, response_url, acks), as JSON strings. */
  const said: string[] = [];
  let n = 0;
  let freshUsed = 0;

  beforeAll(async () => {
    await detectPersonalInformation('');
    store = await freshStore('sqlite');
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    fakeSlackApi(
      said,
      (b) =>
        b.channel === TARGET
          ? { ok: true, members: [USERS.member, USERS.single] }
          : { ok: false, error: 'channel_not_found' },
      GUESTS,
      { delayMs: 300 },
    );
    nock('https://api.openai.com')
      .persist()
      .post('/v1/chat/completions')
      .reply(200, chatCompletion('["ワルファリン"]'));
    const env = {
      ...FIXTURE_ENV,
      JCB_MODELS: testModelsFile(),
      TEST_OPENAI_KEY: 'sk-test',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      JCB_ADMINS: [...POLICY.admins, ...FRESH_ADMINS].join(','),
      JCB_BOT_ALLOWED_USERS: POLICY.allowedUsers.join(','),
      JCB_BOT_RATE_PER_MINUTE: '100000',
      // users.info is answered 300 ms late on purpose; on a loaded machine more than the default 1.5 s can pass.
      JCB_SLACK_LOOKUP_MS: '20000',
      JCB_CONFIRM_COST_USD: '1000000',
      JCB_QUEUE_PREFIX: `jcbacts-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      ...store.env,
    };
    services = createServices({ env, tokenizer: inThreadTokenizer(), retryBaseDelayMs: 1 });
    bot = createBot(env, services);
    const server = (await bot.start()) as Server;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    const queued = await services.enqueueEvaluation({
      task: 'mr',
      model: 'gpt-4o',
      shot: 'one',
      limit: 1,
      noCache: false,
      startedBy: USERS.owner,
    });
    runId = queued.run.id;
  }, 60_000);

  afterAll(async () => {
    await bot.stop();
    nock.cleanAll();
    nock.enableNetConnect();
    await store.drop();
  });

  // One request a (listener, act): `tag` is unique to the request and appears in whatever answers it
  // (its response_url, its thread, its trigger id), so answers to users asked at once are told apart.
  const { slash, interaction, button, event, submit } = slackRequests(() => url);
  const ref = (m: string) => `run:${JSON.stringify({ t: 'mr', m, d: 'B_p1', s: 'one' })}`;
  const rated = `rate:${JSON.stringify({ t: 'irs', m: 'gpt-4o', d: '2', h: outputHash('内服薬の忘れ') })}`;
  const mention = (text: string) =>
    event((user, tag) => ({ type: 'app_mention', user, channel: 'C1', text: `<@UBOT> ${text}`, ts: tag }));
  const dm = (text: string) =>
    event((user, tag) => ({ type: 'message', channel_type: 'im', user, channel: 'D1', text, ts: tag }));
  const carried = JSON.stringify({ task: 'mr', model: 'openai-test', shot: 'one', limit: 1, noCache: false });
  const select = (v: string) => ({ value: { type: 'static_select', selected_option: { value: v } } });

  const REQUESTS: Record<string, SlackSend> = {
    'command:/jcb:read': slash('models'),
    'command:/jcb:run-replay': slash('run mr gpt-4o B_p1'),
    'command:/jcb:run-live': slash('run mr openai-test B_p1'),
    'command:/jcb:eval-replay': slash('eval mr gpt-4o --limit 1'),
    'command:/jcb:eval-live': slash('eval mr openai-test --limit 1'),
    'command:/jcb:requeue': async (u, t) => slash(`eval mr gpt-4o --run ${runId}`)(u, t),
    'command:/jcb:judge': async (u, t) => slash(`judge ${runId}`)(u, t),
    'command:/jcb:cancel': async (u, t) => slash(`cancel ${runId}`)(u, t),
    'command:/jcb:rate': slash('ratings irs --batch'),
    'command:/jcb:post-leaderboard': slash(`leaderboard --post <#${TARGET}|target>`),
    'command:/jcb:digest': slash('digest'),
    'command:/jcb:audit': slash('audit'),
    'action:run_random_document:run-replay': button({
      type: 'button',
      action_id: 'run_random_document',
      block_id: ref('gpt-4o'),
    }),
    'action:run_random_document:run-live': button({
      type: 'button',
      action_id: 'run_random_document',
      block_id: ref('openai-test'),
    }),
    'action:run_other_model:run-replay': button({
      type: 'static_select',
      action_id: 'run_other_model',
      block_id: ref('openai-test'),
      selected_option: { value: 'gpt-4o' },
    }),
    'action:run_other_model:run-live': button({
      type: 'static_select',
      action_id: 'run_other_model',
      block_id: ref('gpt-4o'),
      selected_option: { value: 'openai-test' },
    }),
    'action:run_other_shot:run-replay': button({
      type: 'button',
      action_id: 'run_other_shot',
      block_id: ref('gpt-4o'),
    }),
    'action:run_other_shot:run-live': button({
      type: 'button',
      action_id: 'run_other_shot',
      block_id: ref('openai-test'),
    }),
    'action:run_every_document:eval-replay': button({
      type: 'button',
      action_id: 'run_every_document',
      block_id: ref('gpt-4o'),
    }),
    'action:run_every_document:eval-live': button({
      type: 'button',
      action_id: 'run_every_document',
      block_id: ref('openai-test'),
    }),
    'action:rate_consistency:rate': button({
      type: 'static_select',
      action_id: 'rate_consistency',
      block_id: rated,
      selected_option: { value: '4' },
    }),
    'action:rate_saliency:rate': button({
      type: 'static_select',
      action_id: 'rate_saliency',
      block_id: rated,
      selected_option: { value: '4' },
    }),
    'action:rate_fluency:rate': button({
      type: 'static_select',
      action_id: 'rate_fluency',
      block_id: rated,
      selected_option: { value: '4' },
    }),
    'action:rate_definitions:read': button({ type: 'button', action_id: 'rate_definitions', block_id: rated }),
    'action:rate_comment:comment': button({ type: 'button', action_id: 'rate_comment', block_id: rated }),
    'action:jcb_cost_confirm:eval-live': button({
      type: 'button',
      action_id: 'jcb_cost_confirm',
      block_id: 'b',
      value: carried,
    }),
    'action:jcb_cost_cancel:eval-live': button({
      type: 'button',
      action_id: 'jcb_cost_cancel',
      block_id: 'b',
      value: 'cancel',
    }),
    'action:free_text_send_masked:free-text': button({
      type: 'button',
      action_id: 'free_text_send_masked',
      block_id: 'b',
      value: 'p',
    }),
    'action:free_text_cancel:free-text': button({
      type: 'button',
      action_id: 'free_text_cancel',
      block_id: 'b',
      value: 'p',
    }),
    'event:app_mention:read': mention('models'),
    'event:app_mention:run-replay': mention('run mr gpt-4o B_p1'),
    'event:app_mention:run-live': mention('run mr openai-test B_p1'),
    'event:app_mention:free-text': mention('drugs: ワルファリン内服中 --model openai-test'),
    'message:im:read': dm('help'),
    'message:im:run-replay': dm('run mr gpt-4o B_p1'),
    'message:im:run-live': dm('run mr openai-test B_p1'),
    'message:im:free-text': dm('drugs: ワルファリン内服中'),
    'event:app_home_opened:home': event((user) => ({ type: 'app_home_opened', user, channel: 'D1', tab: 'home' })),
    'shortcut:run_task_on_message:free-text': interaction((user, tag) => ({
      type: 'message_action',
      callback_id: 'run_task_on_message',
      trigger_id: tag,
      user: { id: user },
      channel: { id: 'C1' },
      team: { id: 'T1' },
      message: { ts: tag, text: 'ワルファリン内服中' },
      response_url: `${HOOK}/r/${tag}`,
    })),
    'view:rate_comment_modal:comment': submit('rate_comment_modal', () => rated, {
      comment: { value: { type: 'plain_text_input', value: 'clear' } },
    }),
    'view:run_task_modal:free-text': submit(
      'run_task_modal',
      (tag) => JSON.stringify({ channel: 'C1', ts: tag, text: 'ワルファリン内服中' }),
      { task: select('mr'), model: select('openai-test') },
    ),
  };

  /** The kind of user each id stands for, as the table sees them. */
  const asker = (user: string) => ({
    user,
    channel: 'C1',
    run: { id: runId, started_by: USERS.owner },
    member: user === USERS.member || user === USERS.single,
  });

  const registry = listenerRegistry({} as BotContext);
  const pairs = registry.flatMap((l) => l.acts.map((act) => ({ key: `${l.kind}:${l.id}:${act}`, act })));

  it('has a request for every listener and act, and every act is led to by some listener', () => {
    expect(pairs.map((p) => p.key).sort()).toEqual(Object.keys(REQUESTS).sort());
    expect([...new Set(pairs.map((p) => p.act))].sort()).toEqual([...ACT_IDS].sort());
  });

  it('lets a guest, whatever the lists say, do only what anyone may and cancel their own run', () => {
    for (const act of ACT_IDS)
      for (const user of [USERS.guest, USERS.single]) {
        const own = { ...asker(user), run: { id: runId, started_by: user } };
        const { who, text } = ACTS[act];
        expect(may(act, own, POLICY), `${act} by ${user}`).toBe(guestMay(act));
        // Listed as an admin, still not one: another's run is not theirs to cancel.
        if (who === 'owner') expect(may(act, asker(user), POLICY), `${act} of another's run`).toBe(false);
        if (who !== 'anyone' && !(who === 'owner' && text === 'none')) expect(may(act, own, POLICY)).toBe(false);
        if (text === 'sends' || text === 'answers') expect(guestMay(act), act).toBe(false);
      }
    // When Slack did not say, a guest for that request; with no guests at all (no face tells), the lists decide.
    expect(may('eval-live', asker(USERS.guest), { ...POLICY, guest: () => undefined })).toBe(false);
    expect(may('eval-live', asker(USERS.guest), { ...POLICY, guest: undefined })).toBe(true);
  });

  it("is the README's table", () => {
    expect(readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8')).toContain(actsTable());
  });

  // The shortcut refuses nothing: it offers only what may be sent (the next test).
  it.each(pairs.filter((p) => !p.key.startsWith('shortcut:')))(
    '$key: refused exactly for the users the table refuses',
    async ({ key, act }) => {
      const send = REQUESTS[key];
      expect(send, `no request for ${key}`).toBeDefined();
      const fresh = FRESH_ADMINS[freshUsed++];
      const users = [...Object.values(USERS), fresh];
      const asked = users.map((user) => ({ user, tag: `${1000 + ++n}.${Date.now() % 1e6}` }));
      const acks = await Promise.all(asked.map(async (a) => ({ ...a, ack: (await send(a.user, a.tag)).text })));
      const answers = (tag: string) => [acks.find((a) => a.tag === tag)!.ack, ...said.filter((s) => s.includes(tag))];
      const refused = (tag: string) => answers(tag).some((s) => REFUSED.test(s) || UNTOLD.test(s));
      const policy = { ...POLICY, admins: [...POLICY.admins, fresh] };
      const expected = acks.map((a) => ({ user: a.user, refused: !may(act as Act, asker(a.user), policy) }));
      for (let i = 0; i < 200 && !expected.every((e, k) => !e.refused || refused(acks[k].tag)); i++)
        await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 300));
      expect(acks.map((a) => ({ user: a.user, refused: refused(a.tag) }))).toEqual(expected);
      // Each refusal is one line.
      for (const a of acks) for (const s of answers(a.tag).filter((x) => REFUSED.test(x))) expect(s).not.toMatch(/\\n/);
    },
  );

  it('offers in the shortcut only the models the person may send text to', async () => {
    for (const [user, offered] of [
      [USERS.stranger, false],
      [USERS.allowed, true],
    ] as const) {
      const tag = `${1000 + ++n}.5`;
      await REQUESTS['shortcut:run_task_on_message:free-text'](user, tag);
      for (let i = 0; i < 200 && !said.some((s) => s.includes(tag)); i++) await new Promise((r) => setTimeout(r, 25));
      const view = said.find((s) => s.includes(tag) && s.includes('views.open'))!;
      expect(view).toContain('baseline');
      expect(view.includes('openai-test')).toBe(offered);
    }
  });
});
