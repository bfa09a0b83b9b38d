// Private tasks in Slack (issue 33), generated from the command table (src/command/commands.ts) and the listener
// registry with its acts (handlers/index.ts, src/policy/acts.ts): every `/jcb` command Slack is offered and every
// (listener, act) pair is tried on the private fixture task with an external model and with an on-premises one,
// as an admin (the data policy binds admins too). Nothing the bot sends to Slack holds the task's text (every
// note and gold item of the fixture holds 秘匿, and so does the on-premises model's answer), nothing reaches the
// external model, and what would send to it or answer free text is refused in one line. A new command or a new
// (listener, act) pair without a request here fails the test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../handlers/app.js';
import type { BotContext } from '../handlers/context.js';
import { listenerRegistry } from '../handlers/index.js';
import { COMMANDS, offeredOn, type CommandSpec } from '../src/command/commands.js';
import { ACTS, type Act } from '../src/policy/acts.js';
import { actsView, commandView } from '../src/policy/access-audit.js';
import { outputHash } from '../src/ratings/ratings.js';
import { createServices, type Services } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, localChatServer, type TestStore } from './helpers.js';
import { PRIVATE_MARK, PRIVATE_TASKS, privateModels } from './private-fixture.js';
import { fakeSlackApi } from './fake-slack.js';
import { HOOK, SIGNING_SECRET, slackRequests, type SlackSend } from './slack-requests.js';

const ADMIN = 'UADMIN';
const TASK = 'ward-meds';
/** The private task as Slack shows it: its id, or its label in boards. */
const SHOWN = /ward-meds|Ward meds/;
const EXTERNAL = 'openai-test';
const ON_PREMISES = 'ward-llm';
const REFUSED = /ward-meds is private: (its documents go only to on-premises models|an answer to free text on it)/;

describe('a private task in Slack: every command and every act', () => {
  let bot: Bot;
  let url: string;
  let store: TestStore;
  let services: Services;
  let server: Awaited<ReturnType<typeof localChatServer>>;
  let runId: string;
  const said: string[] = [];
  const external: string[] = [];
  let n = 0;

  beforeAll(async () => {
    store = await freshStore('sqlite');
    // A schedule of the private task: its digest (`/jcb digest`) shows the private task's row.
    const schedules = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-private-schedules-')), 'schedules.yml');
    const ward = `{ cron: "0 3 1 1 *", models: [${ON_PREMISES}], tasks: [${TASK}], shot: zero, channel: C1 }`;
    writeFileSync(schedules, `schedules:\n  ward-nightly: ${ward}\n`);
    server = await localChatServer(() => "['秘匿薬ベータ']", 0, true);
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    fakeSlackApi(said, () => ({ ok: true, members: [ADMIN] }));
    nock('https://api.openai.com')
      .persist()
      .post(/.*/)
      .reply(200, (_u, b) => (external.push(JSON.stringify(b)), {}));
    const env = {
      ...FIXTURE_ENV,
      ...store.env,
      JCB_MODELS: privateModels(server.url),
      JCB_TASKS: PRIVATE_TASKS,
      JCB_PACKS_TASKS: '/nonexistent',
      JCB_SCHEDULES: schedules,
      JCB_JUDGE_MODEL: EXTERNAL,
      TEST_OPENAI_KEY: 'sk-test',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      JCB_ADMINS: ADMIN,
      JCB_BOT_RATE_PER_MINUTE: '100000',
      JCB_CONFIRM_COST_USD: '1000000',
      JCB_QUEUE_PREFIX: `jcbprivate-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    };
    services = createServices({ env, tokenizer: inThreadTokenizer(), retryBaseDelayMs: 1 });
    // A finished run of the private task on the on-premises model: its outputs hold the mark too.
    const done = await services.evaluate({ task: TASK, model: ON_PREMISES, shot: 'zero', startedBy: ADMIN });
    runId = done.run.id;
    await services
      .run({ task: TASK, model: ON_PREMISES, doc: 'w2', shot: 'zero' })
      .then((r) => services.recordRequest(ADMIN, 'slack:C1', r));
    bot = createBot(env, services);
    const started = (await bot.start()) as Server;
    url = `http://127.0.0.1:${(started.address() as AddressInfo).port}/slack/events`;
  }, 60_000);

  afterAll(async () => {
    await bot.stop();
    await server.close();
    nock.cleanAll();
    nock.enableNetConnect();
    await store.drop();
  });

  type Send = (tag: string) => Promise<{ text: string }>;
  const requests = slackRequests(() => url);
  /** Every request is the admin's. */
  const asAdmin =
    (send: SlackSend): Send =>
    (tag) =>
      send(ADMIN, tag);
  const slash = (text: string) => asAdmin(requests.slash(text));
  const button = (action: object) => asAdmin(requests.button(action));
  const interaction = (payload: (tag: string) => object) => asAdmin(requests.interaction((_, tag) => payload(tag)));
  const event = (ev: (tag: string) => object) => asAdmin(requests.event((_, tag) => ev(tag)));
  const ref = (m: string) => `run:${JSON.stringify({ t: TASK, m, d: 'w2', s: 'zero' })}`;
  const rated = `rate:${JSON.stringify({ t: TASK, m: ON_PREMISES, d: 'w2', h: outputHash("['秘匿薬ベータ']") })}`;
  const carried = (m: string) =>
    JSON.stringify({
      cmd: { kind: 'eval', task: TASK, model: m, shot: 'zero', limit: 1, noCache: false },
      offer: `offer:${'0'.repeat(24)}`,
    });

  /** One request per (listener, act) pair on the private task, with `model` where the act names one. */
  const ACT_REQUESTS: Record<string, (model: string) => Send> = {
    'action:run_random_document': (m) => button({ type: 'button', action_id: 'run_random_document', block_id: ref(m) }),
    'action:run_other_model': (m) =>
      button({
        type: 'static_select',
        action_id: 'run_other_model',
        block_id: ref('baseline'),
        selected_option: { value: m },
      }),
    'action:run_other_shot': (m) => button({ type: 'button', action_id: 'run_other_shot', block_id: ref(m) }),
    'action:run_every_document': (m) => button({ type: 'button', action_id: 'run_every_document', block_id: ref(m) }),
    'action:rate_consistency': () =>
      button({
        type: 'static_select',
        action_id: 'rate_consistency',
        block_id: rated,
        selected_option: { value: '4' },
      }),
    'action:rate_saliency': () =>
      button({ type: 'static_select', action_id: 'rate_saliency', block_id: rated, selected_option: { value: '4' } }),
    'action:rate_fluency': () =>
      button({ type: 'static_select', action_id: 'rate_fluency', block_id: rated, selected_option: { value: '4' } }),
    'action:rate_definitions': () => button({ type: 'button', action_id: 'rate_definitions', block_id: rated }),
    'action:rate_comment': () => button({ type: 'button', action_id: 'rate_comment', block_id: rated }),
    'action:jcb_cost_confirm': (m) =>
      button({ type: 'button', action_id: 'jcb_cost_confirm', block_id: 'b', value: carried(m) }),
    'action:jcb_cost_cancel': () =>
      button({ type: 'button', action_id: 'jcb_cost_cancel', block_id: 'b', value: carried(EXTERNAL) }),
    'action:free_text_send_masked': () =>
      button({ type: 'button', action_id: 'free_text_send_masked', block_id: 'b', value: 'p' }),
    'action:free_text_cancel': () =>
      button({ type: 'button', action_id: 'free_text_cancel', block_id: 'b', value: 'p' }),
    'event:app_mention': (m) =>
      event((tag) => ({
        type: 'app_mention',
        user: ADMIN,
        channel: 'C1',
        text: `<@UBOT> ${TASK} 処方を確認 --model ${m}`,
        ts: tag,
      })),
    'message:im': (m) =>
      event((tag) => ({
        type: 'message',
        channel_type: 'im',
        user: ADMIN,
        channel: 'D1',
        text: `run ${TASK} ${m} w2`,
        ts: tag,
      })),
    'event:app_home_opened': () => event(() => ({ type: 'app_home_opened', user: ADMIN, channel: 'D1', tab: 'home' })),
    'shortcut:run_task_on_message': () =>
      interaction((tag) => ({
        type: 'message_action',
        callback_id: 'run_task_on_message',
        trigger_id: tag,
        user: { id: ADMIN },
        channel: { id: 'C1' },
        team: { id: 'T1' },
        message: { ts: tag, text: '処方を確認' },
        response_url: `${HOOK}/r/${tag}`,
      })),
    'view:rate_comment_modal': () =>
      asAdmin(
        requests.submit('rate_comment_modal', () => rated, {
          comment: { value: { type: 'plain_text_input', value: 'ok' } },
        }),
      ),
    'view:run_task_modal': (m) =>
      asAdmin(
        requests.submit('run_task_modal', (tag) => JSON.stringify({ channel: 'C1', ts: tag, text: '処方を確認' }), {
          task: { value: { type: 'static_select', selected_option: { value: TASK } } },
          model: { value: { type: 'static_select', selected_option: { value: m } } },
        }),
      ),
  };

  /**
   * `/jcb <command>` with the private task, `model`, the private run and a document id in its positionals; the
   * private run's shot, and our runs rather than the paper's where a command offers both (the private task is
   * in our runs only).
   */
  function commandText(c: CommandSpec, model: string): string {
    const models = [model, model === ON_PREMISES ? 'baseline' : ON_PREMISES];
    const words = c.positionals.flatMap((p) => {
      if (/run/.test(p.shown)) return [runId];
      if (p.kind === 'model') return [models.shift()!];
      if (p.kind === 'task' || /task/.test(p.shown)) return [TASK];
      if (/doc-id/.test(p.shown)) return ['w2'];
      return [];
    });
    const has = (name: string) => c.options.some((o) => o.name === name && offeredOn(o.faces, 'slack'));
    const options = [...(has('shot') ? ['--shot', 'zero'] : []), ...(has('source') ? ['--source', 'runs'] : [])];
    return [c.name, ...words, ...options].join(' ');
  }
  const slackCommands = COMMANDS.filter((c) => offeredOn(c.faces, 'slack'));
  /** A command that sends the task's text to a model says so in the command table (`privateData`). */
  const sends = (c: CommandSpec) => c.privateData === 'sends';

  const registry = listenerRegistry({} as BotContext);
  const pairs = registry.flatMap((l) => l.acts.map((act) => ({ key: `${l.kind}:${l.id}`, act, acts: l.acts })));

  it('has a request for every listener of the registry (commands: from the command table)', () => {
    const keys = [...new Set(pairs.map((p) => p.key))].filter((k) => !k.startsWith('command:'));
    expect(keys.sort()).toEqual(Object.keys(ACT_REQUESTS).sort());
  });

  /** What Slack shows of a message sent (JSON): the ids the bot keeps in it for itself left out. */
  const visible = (sent: string): string => {
    try {
      return JSON.stringify(JSON.parse(sent), (k, v) => (HIDDEN.includes(k) ? undefined : (v as unknown)));
    } catch {
      return sent; // an acknowledgement's plain text
    }
  };
  const HIDDEN = ['private_metadata', 'block_id', 'value', 'action_id', 'trigger_id', 'uri'];

  /** Sends, waits for an answer carrying the tag (or the time a thread takes), returns the answers to it. */
  async function ask(send: Send): Promise<string[]> {
    const tag = `${9000 + ++n}.${Date.now() % 1e6}`;
    const ack = (await send(tag)).text;
    const mine = () => said.filter((s) => s.includes(tag));
    for (let i = 0; i < 120 && mine().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 400));
    return [ack, ...mine()];
  }

  const cases = [EXTERNAL, ON_PREMISES].flatMap((model) => [
    ...slackCommands.map((c) => ({
      name: `/jcb ${c.name} with ${model}`,
      model,
      // The text is built when sent: the private run exists only once beforeAll has run.
      send: ((tag: string) => slash(commandText(c, model))(tag)) as Send,
      refuse: sends(c) && model === EXTERNAL,
      view: commandView(c.privateData, 'slack'),
    })),
    ...pairs
      .filter((p) => !p.key.startsWith('command:'))
      .map((p) => ({
        name: `${p.key} (${p.act}) with ${model}`,
        model,
        send: ACT_REQUESTS[p.key]?.(model),
        // Acts that send refuse an external model; free text on a private task is refused whatever the model.
        refuse:
          (ACTS[p.act as Act].text === 'sends' && model === EXTERNAL && /run_|cost_confirm|im$/.test(p.key)) ||
          (ACTS[p.act as Act].text === 'answers' && /app_mention|run_task_modal/.test(p.key)),
        view: actsView(p.acts),
      })),
  ]);

  const shownIn: string[] = [];
  it.each(cases)(
    '$name: refused or ids only with the private line, nothing reaches the external model, every view recorded',
    async ({ name, send, refuse, view }) => {
      expect(send, 'no request for this listener').toBeDefined();
      const before = said.length;
      const seen = new Set((await services.privateAccess(10_000)).map((r) => r.at + r.act + r.place));
      const answers = await ask(send!);
      const sent = said.slice(before);
      expect(sent.filter((s) => PRIVATE_MARK.test(s))).toEqual([]);
      expect(answers.filter((s) => PRIVATE_MARK.test(s))).toEqual([]);
      expect(external).toEqual([]);
      if (refuse) expect(answers.some((s) => REFUSED.test(s))).toBe(true);
      // What a view shows of the private task (a refusal aside) says its text is private and where to read it...
      const showing = (xs: string[]) => xs.filter((s) => SHOWN.test(visible(s)) && !REFUSED.test(s));
      if (view) for (const s of showing(sent)) expect(s, name).toContain(`The text of ${TASK} is private`);
      // ...and this request's answers (App Home's is published untagged) are recorded in the audit, who and where,
      // as the tables say (a text row where text was sent to a model); what reaches no task's data records nothing.
      await new Promise((r) => setTimeout(r, 300)); // the scope records once the request's work has ended
      const rows = (await services.privateAccess(10_000)).filter((r) => !seen.has(r.at + r.act + r.place));
      if (!view)
        expect(
          rows.filter((r) => r.view === 'scores'),
          name,
        ).toEqual([]);
      const mine = [...answers, ...sent.filter((s) => s.includes('/api/views.publish'))];
      if (showing(mine).length === 0) return;
      shownIn.push(name);
      if (!view) return; // a list of task ids (`/jcb tasks`), not a view of a task's data
      expect(rows, name).toContainEqual(
        expect.objectContaining({ task: TASK, user: ADMIN, place: expect.stringMatching(/^slack:/) }),
      );
      expect(
        rows.some((r) => r.view === view || (r.view === 'text' && /^(run|eval --queue)$/.test(r.act))),
        name,
      ).toBe(true);
    },
  );

  it('found the private task shown by the boards, comparisons, digests, status and App Home it sweeps', async () => {
    for (const what of ['/jcb leaderboard', '/jcb compare', '/jcb status', 'event:app_home_opened'])
      expect(
        shownIn.some((n) => n.startsWith(what)),
        what,
      ).toBe(true);
    // The digest goes to the schedule's channel (not an answer to the command): posted with the line, recorded.
    const digest = said.filter((s) => s.includes('Digest: ward-nightly'));
    expect(digest.length).toBeGreaterThan(0);
    for (const d of digest) expect(d).toContain(`The text of ${TASK} is private`);
    expect(await services.privateAccess(10_000)).toContainEqual(
      expect.objectContaining({ act: '/jcb digest', task: TASK, view: 'scores', user: ADMIN, place: 'slack:C1' }),
    );
  });

  it('shows a run of the private task on the on-premises model with ids, scores and the terminal command', async () => {
    const before = said.length;
    await ask(slash(`run ${TASK} ${ON_PREMISES} w2 --shot zero`));
    const thread = said.slice(before).join('\n');
    expect(thread).toContain('w2');
    expect(thread).toContain(`jcb run ${TASK} ${ON_PREMISES} w2 --shot zero`);
    expect(thread).not.toMatch(PRIVATE_MARK);
  });
});
