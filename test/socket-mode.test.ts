// The real Bolt app in Socket Mode against a stand-in of Slack's Socket Mode service on loopback
// (bench/socket-stand-in.ts): envelopes for a slash command, a button and an event are acknowledged by
// envelope id and answered as over HTTP; a refresh reconnects; after a dropped connection nothing is
// lost and nothing is done twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSocketStandIn, type SocketStandIn } from '../bench/socket-stand-in.js';
import { createBot, type Bot } from '../handlers/app.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, testModelsFile, type TestStore } from './helpers.js';

const APP_TOKEN = 'xapp-1-test';

describe('the bot in Socket Mode', () => {
  let slack: SocketStandIn;
  let bot: Bot;
  let store: TestStore;
  const models = testModelsFile();

  const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage');
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(check()).toBe(true);
  };
  const acked = (id: string) => slack.acks.filter((a) => a.envelope_id === id);
  let trigger = 0;
  const slashCommand = (text: string, user = 'U1') =>
    slack.send('slash_commands', {
      token: 'legacy',
      team_id: 'T1',
      channel_id: 'C1',
      user_id: user,
      command: '/jcb',
      text,
      api_app_id: 'A1',
      response_url: slack.responseUrl,
      trigger_id: `trigger-${++trigger}`,
    });

  /** U1 presses a button of the run message 1.000100 in C1: the envelope's id. */
  const pressButton = (trigger: string, actionId: string, blockId: string) =>
    slack.send('interactive', {
      type: 'block_actions',
      user: { id: 'U1' },
      team: { id: 'T1' },
      api_app_id: 'A1',
      trigger_id: trigger,
      channel: { id: 'C1' },
      container: { type: 'message', message_ts: '1.000100', channel_id: 'C1' },
      response_url: slack.responseUrl,
      actions: [{ type: 'button', action_id: actionId, block_id: blockId, action_ts: '1.2' }],
    });
  /** An events_api envelope of `event`: its id. */
  const sendEvent = (eventId: string, event: object) =>
    slack.send('events_api', {
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A1',
      event_id: eventId,
      event_time: 1,
      event,
    });

  const startBot = async (extra: Record<string, string> = {}) => {
    const env = {
      ...FIXTURE_ENV,
      JCB_MODELS: models,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      JCB_QUEUE_PREFIX: `jcbsocket-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      ...store.env,
      ...extra,
    };
    bot = createBot(env, createServices({ env, tokenizer: inThreadTokenizer() }));
    await bot.start();
  };

  beforeEach(async () => {
    store = await freshStore('sqlite');
    slack = await startSocketStandIn(APP_TOKEN);
    await startBot();
    await slack.connected(1);
  });

  afterEach(async () => {
    await bot.stop();
    await slack.close();
  });

  it('acks a slash command envelope by its id and posts the run in a thread', async () => {
    const id = slashCommand('run mr gpt-4o A_p1');
    await until(() => posts().length === 2);
    expect(acked(id)).toHaveLength(1);
    const [parent, ...replies] = posts();
    expect(parent.body.text).toContain('MR · gpt-4o (replay of the released generation)');
    expect(replies.map((r) => r.body.thread_ts)).toEqual(['1.000100']);
    // The connection was opened with the app-level token, once.
    expect(slack.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(1);
  });

  it('answers a bad command in the ack of its envelope', async () => {
    const id = slashCommand('frobnicate');
    await until(() => acked(id).length === 1);
    expect(acked(id)[0].payload).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Unknown command "frobnicate"/),
    });
  });

  it('acks an interactive envelope (a button) and an events_api envelope (a mention), and answers both', async () => {
    const button = pressButton('trigger-button', 'run_other_shot', 'run:{"t":"mr","m":"gpt-4o","d":"A_p1","s":"zero"}');
    await until(() => posts().length === 2);
    expect(acked(button)).toHaveLength(1);
    expect(posts()[0].body.text).toContain('one-shot');
    const mention = sendEvent('Ev-socket-1', {
      type: 'app_mention',
      user: 'U1',
      channel: 'C1',
      text: '<@UBOT> help',
      ts: '9.1',
    });
    await until(() => posts().length === 3);
    expect(acked(mention)).toHaveLength(1);
    expect(posts()[2].body).toMatchObject({ thread_ts: '9.1' });
  });

  it('reconnects when Slack asks for a refresh, and goes on working', async () => {
    slack.refresh();
    await slack.connected(2);
    expect(slack.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(2);
    const id = slashCommand('run mr gpt-4o A_p1');
    await until(() => posts().length === 2);
    expect(acked(id)).toHaveLength(1);
  });

  it('answers a re-sent envelope with the payload of the ack that was lost, and works it once', async () => {
    slack.loseAnswers = true;
    const id = slashCommand('frobnicate');
    await until(() => slack.lost.some((l) => l.envelope_id === id));
    slack.loseAnswers = false;
    slack.drop();
    await slack.connected(2);
    await until(() => acked(id).length === 1);
    expect(acked(id)[0].payload).toEqual(slack.lost[0].payload);
    expect(acked(id)[0].payload).toMatchObject({ text: expect.stringMatching(/Unknown command "frobnicate"/) });
  });

  it('answers a re-sent view submission with the errors its lost ack carried, and works a re-sent button once', async () => {
    // A modal whose submission is answered in its ack (its errors, shown under the first input).
    slack.loseAnswers = true;
    const view = slack.send('interactive', {
      type: 'view_submission',
      user: { id: 'U1' },
      team: { id: 'T1' },
      api_app_id: 'A1',
      trigger_id: 'trigger-view-lost',
      view: {
        id: 'V1',
        callback_id: 'run_task_modal',
        private_metadata: 'not a form of ours',
        state: { values: { task: { value: {} }, model: { value: {} } } },
      },
    });
    await until(() => slack.lost.some((l) => l.envelope_id === view));
    slack.loseAnswers = false;
    // A button press worked, its (empty) ack lost with the connection.
    slack.loseAcks = true;
    const button = pressButton(
      'trigger-button-lost',
      'run_other_shot',
      'run:{"t":"mr","m":"gpt-4o","d":"A_p1","s":"zero"}',
    );
    await until(() => posts().length === 2);
    slack.drop();
    slack.loseAcks = false;
    await slack.connected(2);
    await until(() => acked(view).length === 1 && acked(button).length === 1);
    const lost = slack.lost.find((l) => l.envelope_id === view)!.payload;
    expect(lost).toMatchObject({
      response_action: 'errors',
      errors: { task: expect.stringMatching(/lost what it was/) },
    });
    expect(acked(view)[0].payload).toEqual(lost);
    expect(acked(button)[0].payload ?? {}).toEqual({}); // as its first ack: no answer
    await new Promise((r) => setTimeout(r, 300));
    expect(posts()).toHaveLength(2);
  });

  it.each(['refresh_requested', 'warning', 'too_many_websockets'])(
    'survives a disconnect (%s) and answers a command after it',
    async (reason) => {
      slack.refresh(reason);
      await slack.connected(2);
      const id = slashCommand('run mr gpt-4o A_p1');
      await until(() => posts().length === 2);
      expect(acked(id)).toHaveLength(1);
    },
  );

  it('refuses by the acts table at each kind of door, in one line', async () => {
    await bot.stop();
    await startBot({ JCB_ADMINS: 'UADMIN', JCB_BOT_ALLOWED_USERS: 'UOK', TEST_OPENAI_KEY: 'sk-test' });
    await slack.connected(2);
    const refusals = () =>
      slack.calls.filter((c) => /Only (some users|an admin)/.test(String(c.body.text))).map((c) => String(c.body.text));
    const live = 'run:{"t":"mr","m":"openai-test","d":"B_p1","s":"one"}';
    slashCommand('audit');
    pressButton('trigger-live', 'run_random_document', live);
    for (const [i, event] of [
      { type: 'app_mention', user: 'U1', channel: 'C1', text: '<@UBOT> run mr openai-test B_p1', ts: '9.1' },
      { type: 'message', channel_type: 'im', user: 'U1', channel: 'D1', text: 'cts 発熱', ts: '9.2' },
    ].entries())
      sendEvent(`Ev-kind-${i}`, event);
    slack.send('interactive', {
      type: 'view_submission',
      user: { id: 'U1' },
      team: { id: 'T1' },
      view: {
        id: 'V1',
        callback_id: 'run_task_modal',
        private_metadata: JSON.stringify({ channel: 'C1', ts: '3.1', text: '発熱' }),
        state: {
          values: {
            task: { value: { type: 'static_select', selected_option: { value: 'cts' } } },
            model: { value: { type: 'static_select', selected_option: { value: 'openai-test' } } },
          },
        },
      },
    });
    await until(() => refusals().length === 5);
    expect(refusals().every((t) => !t.includes('\n'))).toBe(true);
    slack.send('interactive', {
      type: 'message_action',
      callback_id: 'run_task_on_message',
      trigger_id: 'trigger-shortcut',
      user: { id: 'U1' },
      team: { id: 'T1' },
      channel: { id: 'C1' },
      message: { ts: '4.1', text: '発熱' },
      response_url: slack.responseUrl,
    });
    await until(() => slack.calls.some((c) => c.method === 'views.open'));
    const view = String(slack.calls.find((c) => c.method === 'views.open')!.body.view);
    expect(view).toContain('baseline');
    expect(view).not.toContain('openai-test');
  });

  it('after a dropped connection, loses no envelope and works none twice', async () => {
    // Handled, but its ack lost with the connection: Slack sends it again on the next one.
    slack.loseAcks = true;
    const handled = slashCommand('run mr gpt-4o A_p1');
    await until(() => posts().length === 2);
    slack.drop();
    slack.loseAcks = false;
    // Sent while no connection is open: delivered on the next one.
    const meanwhile = slashCommand('run mr gpt-4o B_p1');
    await slack.connected(2);
    await until(() => acked(handled).length === 1 && acked(meanwhile).length === 1);
    await until(() => posts().length === 4);
    await new Promise((r) => setTimeout(r, 300));
    expect(posts()).toHaveLength(4);
    expect(
      posts()
        .filter((p) => !p.body.thread_ts)
        .map((p) => String(p.body.text).match(/document (\S+):/)?.[1]),
    ).toEqual(['A_p1', 'B_p1']);
  });
});
