// Slack's refusals for good (handlers/refusals.ts) and requests no listener has (handlers/unknown.ts), through the
// real HTTP receiver. The fake Web API (nock) refuses as Slack does — HTTP 200, `ok: false` and the error code —
// by channel: every code of SLACK_REFUSALS has a channel of its own, and every path that posts there (a slash
// command, leaderboard --post, a run button, a mention, the message shortcut and its form) is walked with each.
// The person must hear the table's line for that code, by a way that works, and never "on our side".
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { fakeUsersInfo } from './fake-slack.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotContext } from '../handlers/context.js';
import { listenerRegistry } from '../handlers/index.js';
import { SLACK_REFUSALS, slackFailedText } from '../handlers/refusals.js';
import { OLDER } from '../handlers/unknown.js';
import { outputHash } from '../src/ratings/ratings.js';
import { detectPersonalInformation } from '../src/privacy/detect.js';
import { chatCompletion } from './helpers.js';
import { queuePrefix, slackBot } from './slack-bot-fixture.js';
import { formBody, HOOK, SLACK, slackRequests } from './slack-requests.js';

const ADMIN = 'UADMIN';
/** The codes a channel can answer with (the trigger ids' are views.open's). */
const CHANNEL_CODES = Object.keys(SLACK_REFUSALS).filter((c) => !c.includes('trigger'));
const channelOf = (code: string) => `CX${code.toUpperCase().replace(/_/g, '')}`;
const codeOf = new Map(CHANNEL_CODES.map((c) => [channelOf(c), c]));
/** Channels that conversations.info shows the bot cannot answer in (a private channel it is not in, archived). */
const INVISIBLE = new Set(['not_in_channel', 'channel_not_found']);
const UNREACHABLE = new Set([...INVISIBLE, 'is_archived']);
const OUR_SIDE = /on our side/;
/** A channel where Slack fails on its side: every post there answers HTTP 500. */
const FAILING = 'CXHTTP500';
/** `text` as it appears inside a JSON string. */
const json = (text: string) => JSON.stringify(text).slice(1, -1);

interface Call {
  method: string;
  body: Record<string, unknown>;
  refused?: string;
}

describe("Slack's refusals, said as what to do, by a way that works", () => {
  const calls: Call[] = [];
  let modelCalls = 0;
  let n = 0;

  /** The fake Web API: refuses by channel (CX<CODE>) and by trigger id (EXPIRED…), as Slack does. */
  function fakeSlack() {
    let ts = 0;
    nock('https://files.slack.com').persist().post(/.*/).reply(200, 'OK');
    fakeUsersInfo();
    nock(SLACK)
      .persist()
      .post(/\/api\/.*/)
      .reply((uri, raw) => {
        const method = uri.replace('/api/', '');
        const body = formBody(raw);
        const channel = String(body.channel ?? body.channel_id ?? '');
        // Slack failing on its side (HTTP 500) for whatever posts or uploads there (its retries spent).
        if (channel === FAILING && /^(chat\.|files\.complete)/.test(method))
          return (calls.push({ method, body, refused: 'HTTP 500' }), [500, 'Internal Server Error']);
        return [200, answer(method, body, channel)];
      });
    const answer = (method: string, body: Record<string, unknown>, channel: string) => {
      const code = codeOf.get(channel);
      const refuse = (error: string) => (calls.push({ method, body, refused: error }), { ok: false, error });
      switch (method) {
        case 'auth.test':
          return { ok: true, user_id: 'UBOT', bot_id: 'B1', team_id: 'T1' };
        case 'conversations.info':
          // Slack hides a private channel or DM the bot is not in; an archived one is shown as such.
          if (code && INVISIBLE.has(code)) return refuse('channel_not_found');
          return { ok: true, channel: { id: channel, is_member: true, is_archived: code === 'is_archived' } };
        case 'conversations.members':
          return code ? refuse(code) : { ok: true, members: [ADMIN] };
        case 'views.open':
          if (String(body.trigger_id).startsWith('EXPIRED')) return refuse('expired_trigger_id');
          break;
        case 'files.getUploadURLExternal':
          return { ok: true, upload_url: 'https://files.slack.com/upload/v1/x', file_id: 'F1' };
        case 'files.completeUploadExternal':
          return code ? refuse(code) : { ok: true, files: [{ id: 'F1' }] };
        default:
          if (code) return refuse(code);
      }
      calls.push({ method, body });
      return { ok: true, channel: channel || 'C1', ts: `${++ts}.000100` };
    };
    nock(HOOK)
      .persist()
      .post(/.*/)
      .reply(200, (uri, raw) => {
        calls.push({ method: 'response_url', body: { uri, ...(raw as object) } });
        return 'ok';
      });
  }

  const fx = slackBot({
    fakes: () => {
      fakeSlack();
      nock('https://api.openai.com')
        .persist()
        .post('/v1/chat/completions')
        .reply(200, () => (modelCalls++, chatCompletion('["ワルファリン"]')));
    },
    env: {
      TEST_OPENAI_KEY: 'sk-test',
      JCB_ADMINS: ADMIN,
      JCB_BOT_RATE_PER_MINUTE: '100000',
      JCB_QUEUE_PREFIX: queuePrefix('jcbrefusals'),
    },
  });
  beforeAll(() => detectPersonalInformation(''), 60_000);
  beforeAll(fx.start, 60_000);
  afterAll(fx.stop);

  const requests = slackRequests(() => fx.url);
  const slash = (text: string, user: string, channel: string, tag: string) =>
    requests.slash(text)(user, tag, { channel });
  const button = (user: string, channel: string, tag: string, action: object, trigger = tag) =>
    requests.button(action)(user, tag, { channel, trigger });
  const shortcut = (user: string, channel: string, tag: string, trigger = tag) =>
    requests.shortcut('run_task_on_message', (t) => ({ ts: t, text: 'ワルファリン内服中' }))(user, tag, {
      channel,
      trigger,
    });
  const picked = (v: string) => ({ value: { type: 'static_select', selected_option: { value: v } } });
  const submit = (user: string, tag: string, callback: string, metadata: string, values: object) =>
    requests.submit(callback, () => metadata, values)(user, tag);
  const mention = (user: string, channel: string, tag: string, text: string) =>
    requests.event((u, t, at) => ({
      type: 'app_mention',
      user: u,
      channel: at.channel,
      text: `<@UBOT> ${text}`,
      ts: t,
    }))(user, tag, { channel });
  const ref = `run:${JSON.stringify({ t: 'mr', m: 'gpt-4o', d: 'B_p1', s: 'one' })}`;

  /** What reached `user` (asked with `tag`): response_url answers, ephemerals to them, DMs to them, views opened by `tag`. */
  const heard = (user: string, tag: string) =>
    calls
      .filter((c) => !c.refused)
      .filter(
        (c) =>
          (c.method === 'response_url' && String(c.body.uri).endsWith(`/${tag}`)) ||
          (c.method === 'chat.postEphemeral' && c.body.user === user) ||
          (c.method === 'chat.postMessage' && c.body.channel === user) ||
          (c.method === 'views.open' && c.body.trigger_id === tag),
      )
      .map((c) => JSON.stringify(c.body));

  /** Waits until `user` has heard something containing `text` (or 5 s), then a little more for anything else. */
  async function hear(user: string, tag: string, text: string): Promise<string[]> {
    for (let i = 0; i < 200 && !heard(user, tag).some((h) => h.includes(json(text))); i++)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 100));
    return heard(user, tag);
  }
  const fresh = () => {
    const k = ++n;
    return { user: `UP${k}`, tag: `${1000 + k}.000${k}` };
  };

  /** Every path that posts into the channel where it was asked, or names one. */
  const PATHS: Record<string, (user: string, channel: string, tag: string) => Promise<unknown>> = {
    'slash command run': (u, c, t) => slash('run mr gpt-4o B_p1', u, c, t),
    'slash command leaderboard --post (an admin)': (_u, c, t) => slash(`leaderboard --post <#${c}|x>`, ADMIN, 'C1', t),
    'run button': (u, c, t) => button(u, c, t, { type: 'button', action_id: 'run_random_document', block_id: ref }),
    'evaluate-all button': (u, c, t) =>
      button(u, c, t, { type: 'button', action_id: 'run_every_document', block_id: ref }),
    mention: (u, c, t) => mention(u, c, t, 'run mr gpt-4o B_p1'),
    'message shortcut form': (u, c, t) =>
      submit(u, t, 'run_task_modal', JSON.stringify({ channel: c, ts: t, text: 'ワルファリン内服中' }), {
        task: picked('mr'),
        model: picked('openai-test'),
      }),
  };

  const cases = CHANNEL_CODES.flatMap((code) => Object.keys(PATHS).map((path) => ({ code, path })));

  it.each(cases)(
    '$path into a channel refusing $code: the table line, never "on our side"',
    async ({ code, path: p }) => {
      const { user, tag } = fresh();
      const channel = channelOf(code);
      const who = p.includes('admin') ? ADMIN : user;
      // The form and an evaluation check the conversation first: Slack hides one the bot is not in (channel_not_found).
      const checked = p === 'message shortcut form' || p === 'evaluate-all button';
      const seen = checked && INVISIBLE.has(code) ? 'channel_not_found' : code;
      const line = SLACK_REFUSALS[seen].say({ channel });
      expect(heard(who, tag)).toEqual([]); // nothing before the request
      const res = await PATHS[p](user, channel, tag);
      expect((res as { status: number }).status).toBe(200);
      const answers = await hear(who, tag, line);
      expect(
        answers.some((a) => a.includes(json(line))),
        `${p}/${code}: ${answers.join('\n')}`,
      ).toBe(true);
      expect(answers.join('\n')).not.toMatch(OUR_SIDE);
    },
  );

  // Slack's own failure (HTTP 5xx once the client's retries are spent) is not ours and not for good: said as such.
  it.each(Object.keys(PATHS))(
    '%s into a channel where Slack fails (HTTP 500): "try again", never "on our side"',
    async (p) => {
      const { user, tag } = fresh();
      const who = p.includes('admin') ? ADMIN : user;
      const res = await PATHS[p](user, FAILING, tag);
      expect((res as { status: number }).status).toBe(200);
      // An evaluation queued before its progress failed names its run instead of "try again".
      const line = p === 'evaluate-all button' ? 'Slack failed on its side (HTTP 500).' : slackFailedText('HTTP 500');
      const answers = await hear(who, tag, line);
      expect(
        answers.some((a) => a.includes(json(line))),
        `${p}: ${answers.join('\n')}`,
      ).toBe(true);
      expect(answers.join('\n')).not.toMatch(OUR_SIDE);
      if (p === 'evaluate-all button') expect(answers.join('\n')).toMatch(/Run \S+ is queued.*\/jcb status \S+/);
    },
  );

  it('an eval whose progress Slack refuses names the run it queued; one where the bot cannot post queues nothing', async () => {
    const { user, tag } = fresh();
    const channel = channelOf('invalid_blocks');
    await slash('eval mr gpt-4o --limit 1', user, channel, tag);
    const answers = await hear(user, tag, 'is queued');
    const said = answers.find((a) => a.includes('is queued'))!;
    const id = /Run (\S+) is queued/.exec(said)![1];
    expect(await fx.services.findRun(id)).toBeTruthy();
    expect(said).toContain(json(SLACK_REFUSALS.invalid_blocks.say({ channel })));
    expect(said).toContain(`/jcb status ${id}`);
    expect(said).not.toMatch(OUR_SIDE);
    for (const code of UNREACHABLE) {
      const at = fresh();
      const there = channelOf(code);
      // The newest run (the list is capped; its head is not).
      const newest = async () => (await fx.services.status(undefined, { all: true }))[0]?.run.id;
      const before = await newest();
      await slash('eval mr gpt-4o --limit 1', at.user, there, at.tag);
      const line = SLACK_REFUSALS[INVISIBLE.has(code) ? 'channel_not_found' : code].say({ channel: there });
      const told = await hear(at.user, at.tag, line);
      expect(
        told.some((a) => a.includes(json(line))),
        told.join('\n'),
      ).toBe(true);
      expect(told.join('\n')).not.toMatch(/is queued|on our side/);
      expect(await newest()).toBe(before);
    }
  });

  // A live model's run, and its evaluation (no cost offer first: breaker-slack saw it refused only after Confirm).
  it.each(
    [...UNREACHABLE].flatMap((code) => ['run mr openai-test', 'eval mr openai-test --limit 1'].map((c) => [c, code])),
  )(
    "a live model's /jcb %s in a conversation refusing %s: the model not asked, nothing offered, the person told",
    async (command, code) => {
      const channel = channelOf(code);
      const line = SLACK_REFUSALS[INVISIBLE.has(code) ? 'channel_not_found' : code].say({ channel });
      const before = modelCalls;
      const { user, tag } = fresh();
      await slash(command, user, channel, tag);
      const told = await hear(user, tag, line);
      expect(
        told.some((a) => a.includes(json(line))),
        told.join('\n'),
      ).toBe(true);
      expect(told.join('\n')).not.toMatch(OUR_SIDE);
      expect(told.join('\n')).not.toMatch(/Queue it\?|jcb_cost_confirm/);
      expect(modelCalls).toBe(before);
    },
  );

  it.each([...UNREACHABLE])(
    'the message shortcut in a conversation refusing %s: nothing to the model, nothing audited as sent, the person told',
    async (code) => {
      const channel = channelOf(code);
      // Slack hides a conversation the bot is not in: conversations.info says channel_not_found.
      const line = SLACK_REFUSALS[INVISIBLE.has(code) ? 'channel_not_found' : code].say({ channel });
      const before = { model: modelCalls, audit: (await fx.services.audit(1000)).freeText.length };
      // The shortcut: a modal saying so, no form to submit.
      const a = fresh();
      await shortcut(a.user, channel, a.tag);
      const opened = (await hear(a.user, a.tag, line)).filter((h) => h.includes('"view"'));
      expect(opened).toHaveLength(1);
      expect(opened[0]).toContain(json(line));
      expect(opened[0]).not.toContain('run_task_modal');
      // A form opened earlier (or forged) for that conversation: checked again before anything is sent.
      const b = fresh();
      await PATHS['message shortcut form'](b.user, channel, b.tag);
      expect((await hear(b.user, b.tag, line)).some((h) => h.includes(json(line)))).toBe(true);
      expect(modelCalls).toBe(before.model);
      expect((await fx.services.audit(1000)).freeText.length).toBe(before.audit);
    },
  );

  it('--post into a private channel the bot is not in asks to invite the bot, not to join it', async () => {
    const { user, tag } = fresh();
    for (const code of INVISIBLE) {
      const channel = channelOf(code);
      await slash(`leaderboard --post <#${channel}|x>`, user, 'C1', `${tag}${code}`);
      const answers = await hear(user, `${tag}${code}`, 'invite @jcb');
      expect(answers.join('\n')).toContain(`I am not in <#${channel}>: invite @jcb there first`);
      expect(answers.join('\n')).not.toMatch(/Join it|Only members/);
    }
  });

  it('a form that can no longer open (expired_trigger_id) says "click again": the shortcut and the Comment button', async () => {
    const line = SLACK_REFUSALS.expired_trigger_id.say({});
    const a = fresh();
    await shortcut(a.user, 'C1', a.tag, `EXPIRED${a.tag}`);
    expect((await hear(a.user, a.tag, line)).some((h) => h.includes(json(line)))).toBe(true);
    const b = fresh();
    const rated = `rate:${JSON.stringify({ t: 'irs', m: 'gpt-4o', d: '2', h: outputHash('内服薬の忘れ') })}`;
    await button(
      b.user,
      'C1',
      b.tag,
      { type: 'button', action_id: 'rate_comment', block_id: rated },
      `EXPIRED${b.tag}`,
    );
    const answers = await hear(b.user, b.tag, line);
    expect(answers.some((h) => h.includes(json(line)))).toBe(true);
    expect(answers.join('\n')).not.toMatch(OUR_SIDE);
  });
});

describe('requests no listener has (an older version of jcb): answered at once', () => {
  const calls: Call[] = [];

  function fakeSlack() {
    fakeUsersInfo();
    nock(SLACK)
      .persist()
      .post(/\/api\/.*/)
      .reply(200, (uri, raw) => {
        calls.push({ method: uri.replace('/api/', ''), body: formBody(raw) });
        return uri.endsWith('auth.test')
          ? { ok: true, user_id: 'UBOT', bot_id: 'B1', team_id: 'T1' }
          : { ok: true, channel: 'C1', ts: '1.1' };
      });
    nock(HOOK)
      .persist()
      .post(/.*/)
      .reply(200, (uri, raw) => (calls.push({ method: 'response_url', body: { uri, ...(raw as object) } }), 'ok'));
  }
  const fx = slackBot({
    fakes: fakeSlack,
    env: { JCB_BOT_RATE_PER_MINUTE: '100000', JCB_QUEUE_PREFIX: queuePrefix('jcbunknown') },
  });
  beforeAll(fx.start, 60_000);
  afterAll(fx.stop);

  const requests = slackRequests(() => fx.url);
  const action = (id: string, tag: string) =>
    requests.button({ type: 'button', action_id: id, block_id: 'garbage', value: 'garbage' })('U1', tag);
  const view = (id: string, tag: string) => requests.submit(id, () => 'garbage', {})('U1', tag);
  const shortcut = (id: string, tag: string) => requests.shortcut(id, () => ({ ts: '1.1', text: 'x' }))('U1', tag);
  const SEND = { action, view, shortcut } as const;
  const told = (tag: string) =>
    calls
      .filter((c) => JSON.stringify(c.body).includes(tag))
      .map((c) => JSON.stringify(c.body))
      .join('\n');
  let n = 0;

  it.each(Object.keys(SEND) as (keyof typeof SEND)[])(
    'an unknown %s: acknowledged within a second, the person told',
    async (kind) => {
      const tag = `older${kind}${++n}`;
      const t0 = performance.now();
      const res = await SEND[kind]('no_such_id', tag);
      expect(res.status).toBe(200);
      expect(res.at - t0).toBeLessThan(1000);
      if (kind === 'view') {
        expect(JSON.parse(res.text)).toMatchObject({ response_action: 'update' });
        expect(res.text).toContain(json(OLDER.view));
        return;
      }
      for (let i = 0; i < 100 && !told(tag).includes(json(OLDER[kind])); i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(told(tag)).toContain(json(OLDER[kind]));
    },
  );

  // Generated from the registry: the catch-all stays silent for every id a listener has.
  const registry = listenerRegistry({} as BotContext);
  const known = registry.filter((l): l is typeof l & { kind: keyof typeof SEND } => l.kind in SEND);

  it.each(known.map((l) => ({ kind: l.kind, id: l.id })))(
    '$kind $id (a listener of the registry): not called older',
    async ({ kind, id }) => {
      const tag = `known${++n}`;
      const res = await SEND[kind](id, tag);
      await new Promise((r) => setTimeout(r, 300));
      expect(res.text + told(tag)).not.toMatch(/older version/);
    },
  );
});

describe('every Web API call of the listeners that posts or opens goes through the refusals', () => {
  // Call sites allowed to call Slack directly: the refusals themselves, the progress tracker (its own table of
  // refusals: it has no person to tell), the rate-limit notice (best effort, logged) and the older-version
  // answers (which fall back on `tell`).
  const OWN = new Set(['refusals.ts', 'progress.ts', 'doors.ts', 'unknown.ts']);
  const root = path.join(import.meta.dirname, '..', 'handlers');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  const sites = files(root)
    .filter((f) => !OWN.has(path.basename(f)))
    .flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i, lines) => ({
          file: path.relative(root, f),
          i,
          line,
          before: lines.slice(Math.max(0, i - 3), i + 1).join('\n'),
        }))
        .filter((s) =>
          /client\.(chat\.(postMessage|postEphemeral|update)|views\.(open|update|push)|filesUploadV2)\(/.test(s.line),
        ),
    );

  it('finds the call sites', () => expect(sites.length).toBeGreaterThan(3));
  // A call whose failure leaves nobody to tell (a modal's update after its outcome was stored) says so on its line
  // with its own `.catch(`.
  it.each(sites.map((s) => ({ at: `${s.file}:${s.i + 1}`, before: s.before, line: s.line })))(
    '$at',
    ({ before, line }) => {
      expect(/\)\.catch\(/.test(line) ? 'best effort' : before).toMatch(/refusedAs\(|best effort/);
    },
  );
});
