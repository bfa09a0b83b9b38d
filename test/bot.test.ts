// The real Bolt app over its HTTP receiver, with signed requests; nock stands in for the Slack Web API
// and for OpenAI.
import type { Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import nock from 'nock';
import { fakeUsersInfo } from './fake-slack.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBot, type Bot } from '../handlers/app.js';
import { FILES_UNREAD } from '../handlers/events/index.js';
import { Store } from '../src/store/store.js';
import { openEvalQueue } from '../src/queue/eval-queue.js';
import { createServices, type Services } from '../src/services/index.js';
import { detectPersonalInformation } from '../src/privacy/detect.js';
import { modelsFile } from './fake-provider.js';
import {
  FIXTURE_ENV,
  FIXTURE_RELEASE,
  freshStore,
  inThreadTokenizer,
  testModelsFile,
  TEST_MODELS,
  type TestStore,
  chatCompletion,
} from './helpers.js';
import { openaiReply } from './openai-fake.js';
import { chaosProxy } from './chaos-proxy.js';
import { formBody, HOOK, sendSigned, SIGNING_SECRET as SECRET, SLACK, type SignedOptions } from './slack-requests.js';

const TOKEN = 'xoxb-test-token';
const OPENAI = 'https://api.openai.com';

interface Posted {
  method: string;
  at: number;
  body: Record<string, unknown>;
}

describe('the Slack bot', () => {
  let bot: Bot;
  let server: Server;
  let url: string;
  let store: TestStore;
  let posted: Posted[];
  let responses: Posted[];
  let env: Record<string, string>;
  const models = testModelsFile();
  const schedules = path.join(path.dirname(models), 'schedules.yml');
  writeFileSync(
    schedules,
    'schedules:\n  nightly:\n    cron: "0 2 * * *"\n    models: [gpt-4o]\n    tasks: [mr]\n    channel: C9\n',
  );

  const start = async (extra: Record<string, string> = {}) => {
    env = {
      ...FIXTURE_ENV,
      JCB_MODELS: models,
      TEST_OPENAI_KEY: 'sk-test',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      PORT: '0',
      JCB_QUEUE_PREFIX: `jcbbot-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      JCB_SCHEDULES: schedules,
      // The packs' copies, for `/jcb run igakuqa119 …` (README "Packs").
      ...(process.env.JCB_PACKS_DIR && { JCB_PACKS_DIR: process.env.JCB_PACKS_DIR }),
      ...store.env,
      ...extra,
    };
    bot = createBot(env, createServices({ env, tokenizer: inThreadTokenizer(), retryBaseDelayMs: 1 }));
    server = (await bot.start())!;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  };

  /** Restarts the bot with a models.yml of its own holding `registry`, and `extra` over its environment. */
  const restartWithModels = async (registry: string, extra: Record<string, string> = {}) => {
    await bot.stop();
    await start({ JCB_MODELS: modelsFile(registry), ...extra });
  };

  /** Sends a request signed as Slack signs it (or not, for the forged cases). */
  async function send(body: string, type: string, opts: SignedOptions = {}) {
    const out = await sendSigned(url, body, type, opts);
    if (process.env.DEBUG_BOT) console.log('RES', url, out);
    return out;
  }

  let triggers = 0;
  const command = (text: string, user = 'U1', opts = {}) =>
    send(
      new URLSearchParams({
        command: '/jcb',
        text,
        user_id: user,
        channel_id: 'C1',
        team_id: 'T1',
        response_url: `${HOOK}/commands/T1/1/abc`,
        trigger_id: `t${++triggers}`,
      }).toString(),
      'application/x-www-form-urlencoded',
      opts,
    );
  const interaction = (payload: object) =>
    send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  const event = (ev: object, id: string, headers: Record<string, string> = {}) =>
    send(
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T1',
        api_app_id: 'A1',
        event_id: id,
        event_time: 1,
        event: ev,
      }),
      'application/json',
      { headers },
    );

  /**
   * Waits until `n` Web API posts (or response_url answers) have arrived, or `ms` have passed (a hang guard, not a
   * bound on speed: 5 s was too short for a live run's thread on a loaded 2-core machine, where CI's quick and slow
   * suites run side by side).
   */
  const until = async (list: () => unknown[], n: number, ms = 30_000) => {
    for (const end = Date.now() + ms; Date.now() < end && list().length < n;)
      await new Promise((r) => setTimeout(r, 25));
    return list();
  };
  /** The runs still watched under `prefix`, once none are (or after 30 s): the bot forgets a run after posting its end. */
  const watchedAfterEnd = async (s: Services, prefix: string) => {
    for (const end = Date.now() + 30_000; Date.now() < end && (await s.watched(prefix)).length > 0;)
      await new Promise((r) => setTimeout(r, 25));
    return s.watched(prefix);
  };

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    // Free text is checked for personal information first: its dictionary loads once, here, not in a timed wait.
    await detectPersonalInformation('');
  }, 60_000);
  afterAll(() => nock.enableNetConnect());

  beforeEach(async () => {
    store = await freshStore('sqlite');
    posted = [];
    responses = [];
    let ts = 1000;
    // Bolt asks who the bot is before its first listener runs.
    fakeUsersInfo();
    nock(SLACK).persist().post('/api/auth.test').reply(200, { ok: true, user_id: 'UBOT', bot_id: 'B1', team_id: 'T1' });
    nock(SLACK)
      .persist()
      .post(/\/api\/(chat\.postMessage|chat\.update|chat\.postEphemeral|views\.open|views\.publish)/)
      .reply(200, (uri, body) => {
        const method = uri.split('/').pop()!;
        posted.push({ method, at: performance.now(), body: formBody(body) });
        return { ok: true, channel: 'C1', ts: `${ts++}.000100` };
      });
    nock(HOOK)
      .persist()
      .post(/.*/)
      .reply(200, (_uri, body) => {
        responses.push({ method: 'response_url', at: performance.now(), body: body as Record<string, unknown> });
        return 'ok';
      });
    await start();
  });

  afterEach(async () => {
    await bot.stop();
    nock.cleanAll();
  });

  it('answers /jcb run in a thread: parent with buttons, then document, gold vs output, scores in one reply', async () => {
    const res = await command('run mr gpt-4o A_p1');
    expect(res.status).toBe(200);
    const msgs = await until(() => posted, 2);
    const [parent, ...replies] = msgs as Posted[];
    expect(parent.body).toMatchObject({
      channel: 'C1',
      text: expect.stringContaining('MR · gpt-4o (replay of the released generation)'),
    });
    expect(parent.body.thread_ts).toBeUndefined();
    const actions = (parent.body.blocks as { type: string; elements?: { action_id: string }[] }[]).find(
      (b) => b.type === 'actions',
    )!;
    expect(actions.elements!.map((e) => e.action_id)).toEqual([
      'run_random_document',
      'run_other_model',
      'run_other_shot',
      'run_every_document',
    ]);
    // Two Web API calls for the whole thread: the parent, then every detail in one reply (issue 28).
    await new Promise((r) => setTimeout(r, 200));
    expect(posted).toHaveLength(2);
    expect(replies.map((r) => r.body.thread_ts)).toEqual(['1000.000100']);
    const shown = JSON.stringify(replies[0].body.blocks);
    expect(shown.indexOf('*Document*')).toBeLessThan(shown.indexOf('*Gold* (2)'));
    expect(shown.indexOf('*Gold* (2)')).toBeLessThan(shown.indexOf('*Scores*'));
    expect(shown).toContain('*Gold* (2)\\n✓ ニトログリセリン\\n✗ アスピリン');
    expect(shown).toContain('*Output* (2)\\n✓ ニトログリセリン\\n+ ヘパリン');
    const direct = await createServices({ env, tokenizer: inThreadTokenizer() }).run({
      task: 'mr',
      model: 'gpt-4o',
      doc: 'A_p1',
      shot: 'one',
    });
    expect(replies[0].body.text).toContain(`Scores: F1 ${(direct.score * 100).toFixed(1)}`);
  });

  it.skipIf(!process.env.JCB_PACKS_DIR)(
    'answers /jcb run of a pack task, with its source and licence in the thread',
    async () => {
      const res = await command('run igakuqa119 baseline 119A1 --shot zero');
      expect(res.status).toBe(200);
      const [parent, ...replies] = (await until(() => posted, 2)) as Posted[];
      expect(parent.body.text).toContain('IgakuQA119 · baseline (baseline) · zero-shot · document 119A1');
      expect(JSON.stringify(parent.body.blocks)).toContain('pack igakuqa119 · Apache-2.0');
      expect(JSON.stringify(parent.body.blocks)).toContain('103 rows left out: the question needs an image');
      expect(replies.at(-1)!.body.text).toMatch(/Scores: accuracy (0\.0|100\.0)$/);
    },
  );

  it('acknowledges at once, before the work is done', async () => {
    nock(OPENAI).post('/v1/chat/completions').delay(400).reply(200, chatCompletion('["W"]'));
    const res = await command('run mr openai-test B_p1');
    expect(res).toMatchObject({ status: 200, text: '' });
    const [parent] = (await until(() => posted, 2)) as Posted[];
    expect(parent.at).toBeGreaterThan(res.at);
    expect(parent.body.text).toContain('openai-test (openai)');
  });

  it.each([
    ['a forged signature', { secret: 'wrong' }],
    ['a replayed request older than five minutes', { age: 600 }],
    ['a request dated ten minutes in the future', { age: -600 }],
    ['a request dated a year in the future', { age: -365 * 86400 }],
  ])('rejects %s with 401 and does nothing', async (_name, opts) => {
    const res = await command('run mr gpt-4o A_p1', 'U1', opts);
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(posted).toEqual([]);
  });

  it('works a retried event once', async () => {
    const mention = { type: 'app_mention', user: 'U1', channel: 'C1', text: '<@UBOT> help', ts: '5.1' };
    expect((await event(mention, 'Ev1')).status).toBe(200);
    expect(
      (await event(mention, 'Ev1', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status,
    ).toBe(200);
    await until(() => posted, 2, 5_000); // the time a second post would have had to come
    expect(posted).toHaveLength(1);
    expect(posted[0].body).toMatchObject({ thread_ts: '5.1' });
  });

  it.each([
    ['run nope gpt-4o', /Unknown task "nope"\. Tasks: examqa/],
    ['run mr nobody', /Unknown model "nobody"\. Known models: gpt-4o/],
    ['run mr gpt-4o Z_p9', /No document "Z_p9" in mr\. Ids look like: /],
    ['run mr gpt-4o --shot zero', /gpt-4o \(replay\) has no released zero-shot generations for mr/],
    ['frobnicate', /Unknown command "frobnicate"/],
  ])('answers "/jcb %s" with an ephemeral message saying what would be right', async (text, message) => {
    const res = await command(text);
    expect(res.status).toBe(200);
    const ephemeral = res.text ? JSON.parse(res.text) : ((await until(() => responses, 1))[0] as Posted).body;
    expect(ephemeral).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(message) });
    expect(posted).toEqual([]);
  });

  it('reports a provider that fails', async () => {
    nock(OPENAI)
      .post('/v1/chat/completions')
      .times(3)
      .reply(500, { error: { message: 'down' } });
    await command('run mr openai-test B_p1');
    const [r] = (await until(() => responses, 1)) as Posted[];
    expect(r.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/openai-test: 500 from the provider: server error: down/),
    });
  });

  it('re-runs from the buttons: the other shot, another model; says when "every document" is not available', async () => {
    await command('run mr gpt-4o A_p1');
    const [parent] = (await until(() => posted, 2)) as Posted[];
    const actions = (parent.body.blocks as { type: string; block_id: string }[]).find((b) => b.type === 'actions')!;
    const click = (action: object) =>
      interaction({
        type: 'block_actions',
        user: { id: 'U1' },
        channel: { id: 'C1' },
        team: { id: 'T1' },
        trigger_id: `t${++triggers}`,
        response_url: `${HOOK}/actions/1`,
        container: { type: 'message', message_ts: '1000.000100', channel_id: 'C1' },
        actions: [{ block_id: actions.block_id, action_ts: '1', ...action }],
      });
    await click({ action_id: 'run_random_document', type: 'button' });
    const again = (await until(() => posted, 4))[2] as Posted;
    expect(again.body.text).toMatch(/MR · gpt-4o .* one-shot · document (A_p1|B_p1)/);
    await click({ action_id: 'run_other_model', type: 'static_select', selected_option: { value: 'baseline' } });
    expect(((await until(() => posted, 6))[4] as Posted).body.text).toMatch(
      /MR · baseline \(baseline\) · one-shot · document A_p1/,
    );
    // A double click on "every document": one run queued, the second press told which.
    await Promise.all([
      click({ action_id: 'run_every_document', type: 'button' }),
      click({ action_id: 'run_every_document', type: 'button' }),
    ]);
    const progress = ((await until(() => posted, 7))[6] as Posted).body;
    expect(progress.text).toMatch(/^Evaluation \S+: gpt-4o on mr, 0\/2/);
    expect(((await until(() => responses, 1))[0] as Posted).body.text).toMatch(
      /^Already (queued from this message: run \S+ .*|being queued from this message); nothing more was queued\.$/,
    );
    // A double click on another document: one run, one line for the second.
    await Promise.all([
      click({ action_id: 'run_random_document', type: 'button' }),
      click({ action_id: 'run_random_document', type: 'button' }),
    ]);
    expect(((await until(() => responses, 2))[1] as Posted).body.text).toBe('Already on it: one press runs it once.');
    await new Promise((r) => setTimeout(r, 300));
    expect(
      posted.filter((p) => p.method === 'chat.postMessage' && /^Evaluation /.test(p.body.text as string)),
    ).toHaveLength(1);
    expect(posted.filter((p) => p.method === 'chat.postMessage' && !p.body.thread_ts)).toHaveLength(5);
    // A menu value that is not a model alias, a rating the menu never offers: one line each, nothing run.
    await click({ action_id: 'run_other_model', type: 'static_select', selected_option: { value: '' } });
    expect(((await until(() => responses, 3))[2] as Posted).body.text).toMatch(/lost what it was about/);
  });

  it('does not edit a progress message just posted to say the same again (breaker-slack finding 12)', async () => {
    await command('eval mr gpt-4o --limit 1');
    const [progress] = (await until(() => posted, 1)) as Posted[];
    expect(progress.body.text).toMatch(/^Evaluation \S+: gpt-4o on mr, 0\/1/);
    await new Promise((r) => setTimeout(r, 3_500));
    const clockless = (t: unknown) => JSON.stringify(t).replace(/\d+ s so far|\d+ s(?= |\))/g, 'T');
    const same = posted.filter(
      (p) =>
        p.method === 'chat.update' &&
        clockless(p.body.text) === clockless(progress.body.text) &&
        clockless(p.body.blocks) === clockless(progress.body.blocks),
    );
    expect(same).toEqual([]);
  });

  it('says when /jcb status shows only some of the runs (breaker-slack finding 8)', async () => {
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    try {
      for (let i = 0; i < 7; i++)
        await services.enqueueEvaluation({ task: 'mr', model: 'gpt-4o', shot: 'one', limit: 1, noCache: false });
    } finally {
      await services.close();
    }
    const answer = async (text: string) => {
      const before = responses.length;
      const ack = await command(text);
      if (ack.text) return JSON.parse(ack.text) as { text: string; blocks: unknown[] };
      return ((await until(() => responses, before + 1))[before] as Posted).body as { text: string; blocks: unknown[] };
    };
    const underWay = await answer('status');
    expect(JSON.stringify(underWay.blocks.at(-1))).toContain('Showing 5 of 7 runs under way: `/jcb status --all`');
    const all = await answer('status --all');
    expect(all.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(all.blocks)).not.toContain('Showing');
  });

  it('runs /jcb eval in the background: a progress message updated in place, final scores in its thread', async () => {
    const worker = createServices({ env, tokenizer: inThreadTokenizer() });
    try {
      await worker.startWorker(1);
      expect((await command('eval irs gpt-4o')).status).toBe(200);
      const progress = ((await until(() => posted, 1)) as Posted[])[0];
      expect(progress.body.text).toMatch(/^Evaluation (\S+): gpt-4o on irs, \d\/3/);
      const runId = /^Evaluation (\S+):/.exec(progress.body.text as string)![1];
      const final = await until(() => posted.filter((p) => p.body.thread_ts === '1000.000100'), 1);
      const updates = posted.filter((p) => p.method === 'chat.update');
      expect(updates.at(-1)!.body).toMatchObject({
        ts: '1000.000100',
        text: expect.stringMatching(/3\/3 \(finished\)/),
      });
      // The bot handles schedules on their own queue: it never takes (and fails) evaluation jobs.
      const store = await Store.open(env);
      const queue = openEvalQueue(env, await store.id());
      await store.close();
      expect(await queue.getFailedCount()).toBe(0);
      await queue.close();
      const [scored] = await worker.score(`${FIXTURE_RELEASE}/data/generated/CLG/IRS/gpt-4o/one_shot.json`);
      expect((final[0] as Posted).body).toMatchObject({
        thread_ts: '1000.000100',
        // (the fixture's IRS file holds an empty output: left out of the mean, as the release does, and marked)
        text: `Final scores of ${runId}: irs ${(scored.score * 100).toFixed(1)}† 2/3`,
      });
    } finally {
      await worker.close();
    }
  });

  it('stops a /jcb eval --max-cost run in the background once that is spent, says so, and resumes with --run', async () => {
    // One document a job: the limit must hold across jobs (as across workers), read from the store.
    await restartWithModels(
      'models:\n  priced: { provider: openai, model: gpt-4o, apiKeyEnv: TEST_OPENAI_KEY, concurrency: 1, prices: { input: 2.5, output: 10 } }\n',
      { JCB_QUEUE_CHUNK: '1' },
    );
    const bodies: unknown[] = [];
    nock(OPENAI)
      .post('/v1/chat/completions')
      .times(3)
      .reply(function (_uri, body) {
        bodies.push(body);
        const reply = openaiReply(body as Record<string, unknown>, this.req.headers.authorization as string, () => ({
          content: '["ニトログリセリン"]',
        }));
        return [reply.status, reply.body];
      });
    const worker = createServices({ env, tokenizer: inThreadTokenizer() });
    try {
      // Each answer costs $0.00045 (100 prompt tokens, 40 cached, 20 output): the first reaches $0.0002.
      await command('eval mr priced --max-cost 0.0002');
      const progress = ((await until(() => posted, 1)) as Posted[])[0];
      const runId = /^Evaluation (\S+):/.exec(progress.body.text as string)![1];
      await worker.startWorker(1);
      const stopped = async () =>
        posted.filter((p) => p.method === 'chat.update' && /stopped/.test(p.body.text as string));
      for (let i = 0; i < 200 && (await stopped()).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect((await stopped()).at(-1)!.body.text).toBe(
        `Evaluation ${runId}: priced on mr, 1/2 (stopped: --max-cost $0.0002 reached ($0.0004 spent), 1 of 2 done; ` +
          `resume with \`/jcb eval mr priced --shot one --run ${runId}\`)`,
      );
      expect(bodies).toHaveLength(1);
      expect((await worker.findRun(runId))!.status).toBe('interrupted');
      // Resumed without a limit: the rest is computed, and the run finishes.
      await command(`eval mr priced --run ${runId}`);
      for (let i = 0; i < 200 && (await worker.findRun(runId))!.status !== 'finished'; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect((await worker.findRun(runId))!.status).toBe('finished');
      expect(bodies).toHaveLength(2);
    } finally {
      await worker.close();
    }
  });

  it('cancels a run being worked on only for its owner or an admin, and says what happened', async () => {
    // Priced (free): a live model without prices would first be asked to be confirmed (cost unknown).
    await restartWithModels(
      TEST_MODELS.replace('    freeText: true\n', '    freeText: true\n    prices: { input: 0, output: 0 }\n'),
      { JCB_QUEUE_CHUNK: '1', JCB_ADMINS: 'UADMIN' },
    );
    nock(OPENAI).post('/v1/chat/completions').times(4).delay(1500).reply(200, chatCompletion('["W"]'));
    const worker = createServices({ env, tokenizer: inThreadTokenizer() });
    const opened = await Store.open(env);
    const queue = openEvalQueue(env, await opened.id());
    await opened.close();
    try {
      await command('eval mr openai-test', 'U1');
      const progress = ((await until(() => posted, 1)) as Posted[])[0];
      const runId = /^Evaluation (\S+):/.exec(progress.body.text as string)![1];
      await worker.startWorker(1);
      for (let i = 0; i < 100 && (await queue.getActiveCount()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await command(`cancel ${runId}`, 'U2');
      await command(`judge ${runId}`, 'U2');
      await command(`eval mr openai-test --run ${runId}`, 'U2');
      const refusals = (await until(() => responses, 3)) as Posted[];
      for (const [r, verb] of refusals.map((r, i) => [r, ['cancel', 'judge', 're-queue'][i]] as const))
        expect(r.body).toMatchObject({
          response_type: 'ephemeral',
          text: `:warning: Only the person who started run ${runId}, or an admin, can ${verb} it. Ask them, or start a run of your own.`,
        });
      expect((await worker.status(runId))[0].run.status).not.toBe('cancelled');
      await command(`cancel ${runId}`, 'UADMIN');
      const [answer] = ((await until(() => responses, 4)) as Posted[]).slice(3);
      expect(answer.body).toMatchObject({
        response_type: 'in_channel',
        text: `Evaluation ${runId} cancelled: 1 waiting job removed; the job being worked on stops after its current document. Finished documents stay stored.`,
      });
      expect((await worker.findRun(runId))!.started_by).toBe('U1');
    } finally {
      await queue.close();
      await worker.close();
    }
  });

  it("posts a schedule's digest on /jcb digest (an admin's), and when its watched runs have ended", async () => {
    await command('digest nightly');
    const [refused] = (await until(() => responses, 1)) as Posted[];
    expect(refused.body.text).toMatch(/Only an admin may post schedules' digests on demand/);
    expect(posted).toEqual([]);
    await bot.stop();
    await start({ JCB_ADMINS: 'UADMIN' });
    await command('digest nightly', 'UADMIN');
    const [digest] = (await until(() => posted, 1)) as Posted[];
    expect(digest.body).toMatchObject({ channel: 'C9', text: 'Digest nightly: 0 regression(s), 0 failed run(s)' });
    expect(JSON.stringify(digest.body.blocks)).toContain('*gpt-4o* — mr –');
    const s = createServices({ env, tokenizer: inThreadTokenizer() });
    try {
      const run = await s.evaluate({ task: 'mr', model: 'gpt-4o', shot: 'one' });
      await s.watch(run.run.id, 'digest:nightly', run.run.id);
      const second = ((await until(() => posted, 2)) as Posted[])[1];
      expect(JSON.stringify(second.body.blocks)).toContain('mr *75.0*');
      // Unwatched once posted.
      expect(await watchedAfterEnd(s, 'digest:')).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('posts the leaderboard to a channel with its chart uploaded as a PNG', async () => {
    const uploads: Buffer[] = [];
    nock(SLACK)
      .post('/api/files.getUploadURLExternal')
      .reply(200, { ok: true, upload_url: 'https://files.slack.com/upload/v1/abc', file_id: 'F1' });
    nock('https://files.slack.com')
      .post('/upload/v1/abc')
      .reply(200, (_u, body) => (uploads.push(Buffer.from(body as string, 'hex')), 'OK'));
    const completed = nock(SLACK)
      .post('/api/files.completeUploadExternal', (b) => JSON.stringify(b).includes('C1'))
      .reply(200, { ok: true, files: [{ id: 'F1' }] });
    await command('leaderboard --post <#C1|general>');
    const [r] = (await until(() => responses, 1)) as Posted[];
    expect(r.body.text).toBe('Leaderboard posted to <#C1>, with its chart.');
    expect(posted[0].body).toMatchObject({ channel: 'C1', text: 'J-ClinicalBench leaderboard (paper, one-shot)' });
    expect(completed.isDone()).toBe(true);
  });

  it('updates each run on its own: a deleted message unwatches its run, a 429 waits its Retry-After', async () => {
    nock.cleanAll();
    let ts = 2000;
    const updates: { ts: string; text: string; at: number }[] = [];
    let limitedAt = 0;
    nock(SLACK)
      .persist()
      .post('/api/chat.postMessage')
      .reply(200, (_uri, body) => {
        posted.push({ method: 'chat.postMessage', at: performance.now(), body: formBody(body) });
        return { ok: true, channel: 'C1', ts: `${ts++}.000100` };
      });
    nock(SLACK)
      .persist()
      .post('/api/chat.update')
      .reply((_uri, body) => {
        const b = formBody(body) as { ts: string; text: string };
        if (b.ts === '2000.000100') return [200, { ok: false, error: 'message_not_found' }];
        if (!limitedAt) {
          limitedAt = Date.now();
          return [429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' }];
        }
        updates.push({ ...b, at: Date.now() });
        return [200, { ok: true }];
      });
    const worker = createServices({ env, tokenizer: inThreadTokenizer() });
    try {
      await command('eval irs gpt-4o');
      await until(() => posted, 1);
      await command('eval mr gpt-4o');
      await until(() => posted, 2);
      await worker.startWorker(1);
      const final = await until(() => posted.filter((p) => p.body.thread_ts === '2001.000100'), 1);
      expect((final[0] as Posted).body.text).toMatch(/^Final scores of \S+: mr \d/);
      // The final scores are not held back by the 429; the final edit comes once Slack allows it.
      await until(() => updates.filter((u) => /\(finished\)$/.test(u.text)), 1);
      expect(updates[0].at - limitedAt).toBeGreaterThanOrEqual(1000);
      expect(updates.at(-1)!.text).toMatch(/\(finished\)$/);
      // A finished run's message no longer offers to cancel it.
      expect(JSON.stringify(updates.at(-1))).not.toContain('cancel');
      // The run whose message is gone is no longer watched, nor updated.
      expect(await watchedAfterEnd(worker, 'slack:')).toEqual([]);
      expect(updates.every((u) => u.ts === '2001.000100')).toBe(true);
    } finally {
      await worker.close();
    }
  });

  it('resumes updating progress messages after a restart', async () => {
    expect((await command('eval irs gpt-4o')).status).toBe(200);
    await until(() => posted, 1);
    await bot.stop();
    await start({ JCB_QUEUE_PREFIX: env.JCB_QUEUE_PREFIX }); // a new bot on the same store and queue
    const worker = createServices({ env, tokenizer: inThreadTokenizer() });
    try {
      await worker.startWorker(1);
      const final = await until(() => posted.filter((p) => p.body.thread_ts === '1000.000100'), 1);
      expect((final[0] as Posted).body.text).toMatch(/^Final scores of \S+: irs \d/);
    } finally {
      await worker.close();
    }
  });

  it('lets two people rate a generated output in its thread, and shows Table 6 with alpha', async () => {
    await command('run irs gpt-4o 3');
    const msgs = (await until(() => posted, 2)) as Posted[];
    const rate = (msgs[1].body.blocks as { type: string; block_id: string }[]).find((b) => b.type === 'actions')!;
    expect(rate.block_id).toMatch(/^rate:/);
    const select = (user: string, criterion: string, value: number) =>
      interaction({
        type: 'block_actions',
        user: { id: user },
        channel: { id: 'C1' },
        team: { id: 'T1' },
        trigger_id: `t${++triggers}`,
        response_url: `${HOOK}/actions/r`,
        container: { type: 'message', message_ts: '1001.000100', channel_id: 'C1' },
        actions: [
          {
            block_id: rate.block_id,
            action_id: `rate_${criterion}`,
            type: 'static_select',
            selected_option: { value: String(value) },
            action_ts: '1',
          },
        ],
      });
    await select('U1', 'consistency', 5);
    await select('U1', 'consistency', 4); // replaces the first
    await select('U2', 'consistency', 4);
    await select('U1', 'fluency', 5);
    await until(() => responses, 4);
    expect(responses.map((r) => r.body.text)).toContain('Saved: consistency 4.');
    await command('ratings irs');
    const table = ((await until(() => responses, 5)) as Posted[])[4].body as { text: string; blocks: unknown[] };
    expect(JSON.stringify(table.blocks)).toMatch(/irs +all +2 +4\.00 +– +5\.00/);
    expect(JSON.stringify(table.blocks)).toContain(
      'alpha (ordinal) over 1 outputs rated by two raters or more: consistency 1.00',
    );
  });

  it('deals a blind batch of outputs to rate, without model names', async () => {
    await command('ratings irs --batch');
    const [first] = (await until(() => responses, 1)) as Posted[];
    const blocks = first.body.blocks as { type: string; block_id?: string }[];
    const shown = JSON.stringify(blocks);
    expect(shown).toContain('model hidden');
    expect(shown).not.toMatch(/gpt-4o/);
    const id = blocks.find((b) => b.type === 'actions')!.block_id!;
    for (const c of ['consistency', 'saliency', 'fluency']) {
      await interaction({
        type: 'block_actions',
        user: { id: 'U7' },
        team: { id: 'T1' },
        trigger_id: `t${++triggers}`,
        response_url: `${HOOK}/actions/b`,
        container: { type: 'ephemeral', message_ts: '1', channel_id: 'C1' },
        actions: [
          {
            block_id: id,
            action_id: `rate_${c}`,
            type: 'static_select',
            selected_option: { value: '3' },
            action_ts: '1',
          },
        ],
      });
    }
    const next = ((await until(() => responses, 2)) as Posted[])[1].body as { replace_original: boolean; text: string };
    expect(next.replace_original).toBe(true);
    expect(next.text).toMatch(/Blind rating, irs document \S+/);
    // Stored under the model the rater did not see.
    const report = await createServices({ env, tokenizer: inThreadTokenizer() }).ratings('irs', true);
    expect(report.rows).toEqual([
      expect.objectContaining({ group: 'gpt-4o', n: 1, means: { consistency: 3, saliency: 3, fluency: 3 } }),
    ]);
  });

  it('asks to confirm a /jcb eval of a live model estimated above JCB_CONFIRM_COST_USD, queueing nothing before', async () => {
    await restartWithModels(
      'models:\n  priced: { provider: openai, model: gpt-4o, apiKeyEnv: TEST_OPENAI_KEY, prices: { input: 2.5, output: 10 } }\n',
      { JCB_CONFIRM_COST_USD: '0.0001' },
    );
    // A dry run shows the estimate and offers nothing to confirm (breaker-slack: it offered "Queue it?").
    await command('eval mr priced --max-cost 5 --dry-run');
    const [dry] = (await until(() => responses, 1)) as Posted[];
    expect(dry.body.text).toMatch(
      /^Dry run of \*mr\* on \*priced\* \(one-shot\): 2 documents, 2 calls, [\d,]+ prompt tokens, about \$0\.00, at most \$[\d.]+\. Nothing was queued: leave out --dry-run to queue it\.$/,
    );
    expect(JSON.stringify(dry.body.blocks)).not.toContain('jcb_cost_confirm');
    expect(posted).toEqual([]);
    responses.length = 0;
    await command('eval mr priced --max-cost 5');
    const [asked] = (await until(() => responses, 1)) as Posted[];
    expect(asked.body.text).toMatch(
      /\*mr\* on \*priced\* \(one-shot\) would cost about \*\$0\.00\* .*2 calls, [\d,]+ prompt tokens\. Queue it\?/,
    );
    expect(posted).toEqual([]); // nothing queued, no progress message
    const buttons = (asked.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find(
      (b) => b.type === 'actions',
    )!.elements!;
    const press = (b: { action_id: string; value: string }) =>
      interaction({
        type: 'block_actions',
        user: { id: 'U1' },
        channel: { id: 'C1' },
        team: { id: 'T1' },
        trigger_id: `t${++triggers}`,
        response_url: `${HOOK}/actions/2`,
        container: { type: 'message', message_ts: '1.1', channel_id: 'C1' },
        actions: [{ block_id: 'b', action_ts: '1', type: 'button', ...b }],
      });
    await press(buttons.find((b) => b.action_id === 'jcb_cost_cancel')!);
    expect(((await until(() => responses, 2))[1] as Posted).body.text).toBe('Cancelled: nothing was queued.');
    // The offer is spent: its Confirm (an ephemeral Slack may still show) queues nothing.
    await press(buttons.find((b) => b.action_id === 'jcb_cost_confirm')!);
    expect(((await until(() => responses, 3))[2] as Posted).body.text).toBe(
      'That offer was cancelled: nothing was queued.',
    );
    expect(posted).toEqual([]);
    responses.length = 0;
    // What was asked beyond the cost (--documents, --labels, --concurrency) is what Confirm queues.
    await command('eval mr priced --max-cost 5 --documents all');
    const [offered] = (await until(() => responses, 1)) as Posted[];
    const confirm = (offered.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .find((b) => b.type === 'actions')!
      .elements!.find((b) => b.action_id === 'jcb_cost_confirm')!;
    // A double click: two presses at once queue one run; the other is told which.
    await Promise.all([press(confirm), press(confirm)]);
    expect(((await until(() => posted, 1))[0] as Posted).body.text).toMatch(/^Evaluation \S+: priced on mr, 0\/2/);
    const answers = ((await until(() => responses, 3)) as Posted[]).slice(1).map((r) => r.body.text as string);
    const confirmed = answers.find((t) => t.startsWith('Confirmed'))!;
    expect(confirmed).toMatch(/^Confirmed by <@U1>: run \S+ queued\.$/);
    const again = answers.find((t) => t !== confirmed)!;
    expect(again).toMatch(
      /^Already confirmed: (run \S+ is queued .*|the run is being queued); nothing more was queued\.$/,
    );
    await press(confirm);
    expect(((await until(() => responses, 4))[3] as Posted).body.text).toBe(
      `Already confirmed: run ${/run (\S+) queued/.exec(confirmed)![1]} is queued (\`/jcb status ${/run (\S+) queued/.exec(confirmed)![1]}\`); nothing more was queued.`,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(
      posted.filter((p) => /^Evaluation /.test(p.body.text as string) && p.method === 'chat.postMessage'),
    ).toHaveLength(1);
    // A value it did not issue (a limit other than the one costed, none, out of range) or another person's press:
    // one line each, nothing queued.
    responses.length = 0;
    await command('eval mr priced --max-cost 5 --limit 1');
    const fresh = JSON.parse(
      ((await until(() => responses, 1))[0] as Posted).body.blocks!
        ? (responses[0].body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
            .find((b) => b.type === 'actions')!
            .elements!.find((b) => b.action_id === 'jcb_cost_confirm')!.value
        : '{}',
    ) as Record<string, unknown>;
    const cmd = fresh.cmd as Record<string, unknown>;
    expect(cmd.limit).toBe(1);
    const forged = [
      { ...fresh, cmd: { ...cmd, limit: 2 } },
      { ...fresh, cmd: { ...cmd, limit: 999999999 } },
      { ...fresh, cmd: Object.fromEntries(Object.entries(cmd).filter(([k]) => k !== 'limit')) },
      { ...fresh, offer: 'offer:000000000000000000000000' },
    ];
    for (const value of forged) await press({ action_id: 'jcb_cost_confirm', value: JSON.stringify(value) });
    const lines = ((await until(() => responses, 5)) as Posted[]).slice(1).map((r) => r.body.text);
    expect(lines).toEqual(
      Array(4).fill(
        expect.stringMatching(
          /^:\S+: This button is not one I offered: nothing was queued; run `\/jcb eval` again for a fresh estimate\.$|^This button is not one I offered/,
        ),
      ),
    );
    await interaction({
      type: 'block_actions',
      user: { id: 'U2' },
      channel: { id: 'C1' },
      team: { id: 'T1' },
      trigger_id: `t${++triggers}`,
      response_url: `${HOOK}/actions/3`,
      container: { type: 'message', message_ts: '1.1', channel_id: 'C1' },
      actions: [
        { block_id: 'b', action_ts: '1', type: 'button', action_id: 'jcb_cost_confirm', value: JSON.stringify(fresh) },
      ],
    });
    expect(((await until(() => responses, 6))[5] as Posted).body.text).toMatch(
      /This offer is not yours: nothing was queued/,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(
      posted.filter((p) => /^Evaluation /.test(p.body.text as string) && p.method === 'chat.postMessage'),
    ).toHaveLength(1);
    // The confirmed run keeps its --max-cost, which its workers stop it at.
    const runId = /run (\S+) queued/.exec(confirmed)![1];
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    expect((await services.findRun(runId))!.max_cost_usd).toBe(5);
    expect((await services.findRun(runId))!.document_set).toBe('all');
    await services.close();
  });

  it('asks to confirm a /jcb eval whose cost is unknown on an external provider, not on an on-premises server', async () => {
    await restartWithModels(
      'models:\n' +
        '  bare: { provider: openai, model: gpt-4o, apiKeyEnv: TEST_OPENAI_KEY }\n' +
        '  router: { provider: openai-compatible, model: openai/gpt-4o, baseUrl: "https://router.example/v1" }\n' +
        '  local: { provider: openai-compatible, model: llm-jp, baseUrl: "http://10.0.0.5:8000/v1", dataPolicy: on-premises }\n',
    );
    await command('eval mr bare');
    await command('eval mr router --shot zero');
    const asked = ((await until(() => responses, 2)) as Posted[]).map((r) => r.body.text as string).sort();
    expect(asked).toEqual([
      expect.stringMatching(
        /^\*mr\* on \*bare\* \(one-shot\): cost unknown \(no prices are known for it\): 2 calls, [\d,]+ prompt tokens\. Queue it\?$/,
      ),
      expect.stringMatching(
        /^\*mr\* on \*router\* \(zero-shot\): cost unknown .*: 3 calls, [\d,]+ prompt tokens\. Queue it\?$/,
      ),
    ]);
    expect(posted).toEqual([]); // nothing queued
    // --max-cost cannot be counted without prices: refused in one line, not asked for.
    await command('eval mr bare --max-cost 1');
    expect(((await until(() => responses, 3))[2] as Posted).body.text).toBe(
      ':warning: --max-cost needs the prices of bare. Leave out --max-cost, or ask whoever runs jcb to add its prices.',
    );
    // An on-premises server without prices costs nothing per token: queued at once.
    await command('eval mr local');
    expect(((await until(() => posted, 1))[0] as Posted).body.text).toMatch(/^Evaluation \S+: local on mr, 0\/2/);
    expect(responses).toHaveLength(3);
  });

  it('says when the queue is unavailable, and single runs still work', async () => {
    await bot.stop();
    await start({ REDIS_URL: 'redis://127.0.0.1:1' });
    await command('eval irs gpt-4o');
    const [r] = (await until(() => responses, 1)) as Posted[];
    expect(r.body.text).toMatch(/The evaluation queue is unavailable/);
    // Slack speaks Slack: no Redis URL, no environment variable, no terminal command.
    expect(r.body.text).not.toMatch(/redis:|REDIS_URL|127\.0\.0\.1/);
    await command('status nope');
    const [unknown] = ((await until(() => responses, 2)) as Posted[]).slice(1);
    expect(unknown.body.text).toBe(':warning: No run "nope". Check its id: `/jcb status --all` lists the latest runs.');
    await command('run mr gpt-4o A_p1');
    expect(((await until(() => posted, 2)) as Posted[])[0].body.text).toMatch(/^MR · gpt-4o/);
  });

  it('answers a mention with a task and free text in a thread, and DMs the same way', async () => {
    nock(OPENAI).post('/v1/chat/completions').times(2).reply(200, chatCompletion('患者さんは熱があります。'));
    await event(
      { type: 'app_mention', user: 'U1', channel: 'C1', text: '<@UBOT> simplify: 発熱あり', ts: '7.1' },
      'Ev2',
    );
    await event(
      {
        type: 'message',
        channel_type: 'im',
        user: 'U1',
        channel: 'D1',
        text: 'cts --model openai-test 発熱あり',
        ts: '8.1',
      },
      'Ev3',
    );
    const msgs = (await until(() => posted, 2)) as Posted[];
    expect(msgs.map((m) => m.body.thread_ts).sort()).toEqual(['7.1', '8.1']);
    expect(JSON.stringify(msgs[0].body.blocks)).toContain('患者さんは熱があります。');
    expect(JSON.stringify(msgs[0].body.blocks)).toContain('no gold answer, so there is no score');
    // A DM with a file attached (subtype file_share): its text is answered; files alone are said to be unread.
    nock(OPENAI).post('/v1/chat/completions').reply(200, chatCompletion('患者さんは熱があります。'));
    const dm = { type: 'message', subtype: 'file_share', channel_type: 'im', user: 'U1', channel: 'D1' };
    await event({ ...dm, text: 'cts --model openai-test 発熱あり', ts: '9.1', files: [{ id: 'F1' }] }, 'Ev4');
    await event({ ...dm, text: '', ts: '10.1', files: [{ id: 'F2' }] }, 'Ev5');
    const more = ((await until(() => posted, 4)) as Posted[]).slice(2);
    expect(more.map((m) => m.body.thread_ts).sort()).toEqual(['10.1', '9.1']);
    expect(JSON.stringify(more.find((m) => m.body.thread_ts === '9.1')!.body.blocks)).toContain(
      '患者さんは熱があります。',
    );
    expect(more.find((m) => m.body.thread_ts === '10.1')!.body.text).toBe(FILES_UNREAD);
  });

  it.each([
    [
      'cts --model gpt-4o 発熱',
      /gpt-4o is replayed from the paper's outputs: it cannot answer new text\. Models allowed free text: openai-test/,
    ],
    ['cts --model local 発熱', /local is not allowed free text/],
    ['ir 発熱', /Unknown task "ir"/],
    [`cts ${'長'.repeat(9000)}`, /9,000 characters long; the limit is 8,000/],
    // --post names another channel (its members decide): the slash command's, not posted here (breaker-slack).
    ['leaderboard --post <#C2|other>', /^:warning: Use `\/jcb leaderboard --post #other` for that\.$/],
  ])('explains why a mention cannot be answered (%#)', async (text, message) => {
    await event(
      { type: 'app_mention', user: 'U1', channel: 'C1', text: `<@UBOT> ${text.slice(0, 9100)}`, ts: '9.1' },
      `E-${text.length}-${text.slice(0, 8)}`,
    );
    const [m] = (await until(() => posted, 1)) as Posted[];
    expect(m.body.text).toMatch(message);
  });

  it("runs a task on a message from the shortcut, in that message's thread", async () => {
    nock(OPENAI).post('/v1/chat/completions').reply(200, chatCompletion('38度の熱があります'));
    await interaction({
      type: 'message_action',
      callback_id: 'run_task_on_message',
      trigger_id: 'trig',
      user: { id: 'U1' },
      channel: { id: 'C1' },
      team: { id: 'T1' },
      message: { ts: '11.1', text: '38度の発熱あり' },
      response_url: `${HOOK}/a`,
    });
    const [open] = (await until(() => posted, 1)) as Posted[];
    expect(open.method).toBe('views.open');
    const view = open.body.view as { callback_id: string; private_metadata: string };
    await interaction({
      type: 'view_submission',
      user: { id: 'U1' },
      team: { id: 'T1' },
      view: {
        id: 'V1',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: {
          values: {
            task: { value: { type: 'static_select', selected_option: { value: 'cts' } } },
            model: { value: { type: 'static_select', selected_option: { value: 'openai-test' } } },
          },
        },
      },
    });
    const answer = ((await until(() => posted, 2)) as Posted[])[1];
    if (process.env.DEBUG_BOT)
      console.log(
        posted.map((p) => [p.method, p.body.text]),
        responses,
      );
    expect(answer.body).toMatchObject({ channel: 'C1', thread_ts: '11.1' });
    expect(JSON.stringify(answer.body.blocks)).toContain('38度の熱があります');
  });

  it('answers a mention in its thread: the run, its details and its errors', async () => {
    await event(
      { type: 'app_mention', user: 'U1', channel: 'C1', text: '<@UBOT> run mr gpt-4o A_p1', ts: '21.1' },
      'Ev21',
    );
    const msgs = (await until(() => posted, 2)) as Posted[];
    expect(msgs.map((m) => m.body.thread_ts)).toEqual(Array(2).fill('21.1'));
  });

  /** The live model answers `answer` once; `text` is then the prompt it was sent (its messages, a line each). */
  const modelSees = (answer: string) => {
    const sent = { text: '' };
    nock(OPENAI)
      .post('/v1/chat/completions', (b: { messages: { content: string }[] }) => {
        sent.text = b.messages.map((m) => m.content).join('\n');
        return true;
      })
      .reply(200, chatCompletion(answer));
    return sent;
  };

  it('sends the model the text as typed, echoes it escaped once, and keeps its fences inside the code block', async () => {
    const sent = modelSees('BP & HR\n```\n*not bold*\n```');
    const typed = 'BP 120/80 &amp; HR &gt; 100 <!channel> <https://evil.example/x|click here> <@U2> <@UBOT>';
    await event({ type: 'app_mention', user: 'U1', channel: 'C1', text: `<@UBOT> cts ${typed}`, ts: '22.1' }, 'Ev22');
    const [answer] = (await until(() => posted, 1)) as Posted[];
    expect(sent.text).toContain('BP 120/80 & HR > 100 @channel click here (https://evil.example/x) @user');
    expect(sent.text).not.toMatch(/&amp;|&gt;|<!channel>|<https:|<@U/);
    const blocks = JSON.stringify(answer.body.blocks);
    expect(blocks).toContain('BP &amp; HR');
    expect(blocks).not.toContain('&amp;amp;');
    const output = (answer.body.blocks as { text?: { text: string } }[])
      .map((b) => b.text?.text ?? '')
      .find((t) => t.includes('not bold'))!;
    // One code block, from its opening to its closing fence.
    expect(output.startsWith('```')).toBe(true);
    expect(output.endsWith('```')).toBe(true);
    expect(output.slice(3, -3)).not.toContain('```');
  });

  it("sends another person's mention as @user (never a name), drops only the bot's own, keeps a typed <@U…>", async () => {
    const sent = modelSees('ok');
    // Typed: "@jcb cts @Sato さんに &lt;@U3&gt; と書いた @jcb" (Slack sends a typed `<` `>` escaped).
    const text = '<@UBOT> cts <@U2|sato> さんに &lt;@U3&gt; と書いた <@UBOT>';
    await event({ type: 'app_mention', user: 'U1', channel: 'C1', text, ts: '22.5' }, 'Ev22b');
    await until(() => posted, 1);
    expect(sent.text).toContain('@user さんに <@U3> と書いた');
    expect(sent.text).not.toMatch(/sato|UBOT|<@U2/);
  });

  it('counts the typed characters against the limit, not the entities Slack sent', async () => {
    nock(OPENAI).post('/v1/chat/completions').reply(200, chatCompletion('ok'));
    const text = '&amp;'.repeat(1700); // 1,700 typed, 8,500 sent
    await event({ type: 'app_mention', user: 'U1', channel: 'C1', text: `<@UBOT> cts ${text}`, ts: '23.1' }, 'Ev23');
    const [answer] = (await until(() => posted, 1)) as Posted[];
    expect(answer.body.text).not.toMatch(/limit is 8000/);
    expect(answer.body.text).toMatch(/by openai-test/);
  });

  it("the shortcut's refusal of a long message states its limit, quotes counting twice (breaker-slack finding 12)", async () => {
    const shortcut = (text: string, ts: string) =>
      interaction({
        type: 'message_action',
        callback_id: 'run_task_on_message',
        trigger_id: `t${++triggers}`,
        user: { id: 'U1' },
        channel: { id: 'C1' },
        team: { id: 'T1' },
        message: { ts, text },
        response_url: `${HOOK}/r/${ts}`,
      });
    await shortcut('"'.repeat(1600), '31.1');
    const [refused] = (await until(() => posted, 1)) as Posted[];
    expect(refused.method).toBe('chat.postEphemeral');
    expect(refused.body.text).toMatch(
      /^:warning: That message is too long for the shortcut: it takes 2,7\d\d characters, quotes, backslashes and line breaks counting twice; this one takes 3,200\. DM it to me instead \(up to 8,000 characters\)\.$/,
    );
    await shortcut('あ'.repeat(2700), '31.2');
    expect(((await until(() => posted, 2))[1] as Posted).method).toBe('views.open');
  });

  it('reads a full-width ｒａｎｄｏｍ like random', async () => {
    await command('run mr gpt-4o ｒａｎｄｏｍ');
    const [parent] = (await until(() => posted, 2)) as Posted[];
    expect(parent.body.text).toMatch(/^MR · gpt-4o/);
  });

  it('says whom to ask when the server has no data, with no path', async () => {
    await bot.stop();
    await start({ JCB_DATA_DIR: path.join(path.dirname(models), 'no-release-here') });
    await command('run mr gpt-4o A_p1');
    const [r] = (await until(() => responses, 1)) as Posted[];
    expect(r.body.text).toBe(
      ':warning: The benchmark data is not on this server. Ask an admin to run `jcb data pull`.',
    );
  });

  it("publishes App Home: the leaderboards, the person's recent runs, how to use it", async () => {
    await command('run mr gpt-4o A_p1');
    await until(() => posted, 2);
    await event({ type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home' }, 'Ev9');
    const home = ((await until(() => posted, 3)) as Posted[]).find((p) => p.method === 'views.publish')!;
    const text = JSON.stringify(home.body.view);
    expect(home.body.user_id).toBe('U1');
    expect(text).toContain('/jcb run');
    expect(text).toMatch(/gpt-4o +– +– +75\.0/);
    expect(text).toMatch(/mr gpt-4o one-shot A_p1 +50\.0/);
  });
  // breaker-pg 3: PostgreSQL stopped for more than 30 s: /jcb status and leaderboard --source runs answered
  // "Something went wrong on our side" after 29 s. Now the store's own reading of the error, for Slack, in ~10 s.
  it('says the store is unavailable (try again later) within ~10 s when PostgreSQL goes away', async () => {
    const pgStore = await freshStore('postgres');
    const proxy = await chaosProxy({ host: '127.0.0.1', port: 5432 }, 7);
    let cleanupSpies = () => {};
    try {
      const url = new URL(pgStore.env.DATABASE_URL!);
      url.port = String(proxy.port);
      await bot.stop();
      await start({ DATABASE_URL: url.toString() });
      await command('status');
      const first = (await until(() => responses, 1)) as Posted[];
      expect(first[0]!.body.text).toMatch(/No evaluations under way/);
      const logged: string[] = [];
      const said = (...args: unknown[]) =>
        void logged.push(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' '));
      const spies = [
        vi.spyOn(console, 'error').mockImplementation(said),
        vi.spyOn(console, 'warn').mockImplementation(said),
      ];
      cleanupSpies = () => spies.forEach((s) => s.mockRestore());
      await proxy.close(); // PostgreSQL stops: every connection is cut and new ones are refused
      for (const [i, text] of ['status', 'leaderboard --source runs'].entries()) {
        const asked = performance.now();
        await command(text);
        for (let t = 0; t < 600 && responses.length < i + 2; t++) await new Promise((r) => setTimeout(r, 50));
        const answer = responses[i + 1]!;
        expect(answer.body.text).toBe(
          ':warning: The results store is unavailable right now (connection refused). Try again in a few minutes; if it lasts, tell an admin.',
        );
        expect(answer.at - asked).toBeLessThan(15_000);
      }
      // breaker-pg 4: the progress tracker (every second) said the outage once, in one line, not a stack a second.
      const outageLines = () => logged.filter((l) => /store unavailable|ECONNREFUSED/.test(l));
      for (let t = 0; t < 300 && outageLines().length === 0; t++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 3_000)); // three more passes of the tracker
      const outage = outageLines();
      expect(outage).toHaveLength(1);
      expect(outage[0]).toMatch(
        /progress: store unavailable \(PostgreSQL at 127\.0\.0\.1:\d+\/jcb_test_\w+: connection refused\); retrying$/,
      );
      expect(logged.join('\n')).not.toMatch(/\n +at /);
    } finally {
      cleanupSpies();
      await proxy.close().catch(() => {});
      await bot.stop();
      await pgStore.drop();
      await start();
    }
  }, 60_000);
});

describe("the bot's guards", () => {
  it.each([
    [{}, /SLACK_BOT_TOKEN is not set/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /Set SLACK_APP_TOKEN .* or SLACK_SIGNING_SECRET/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: 'eighty' }, /^PORT must be a port number/],
  ])('names what is missing in the configuration (%#)', (env, message) => {
    expect(() => createBot(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  // Kind: a needed setting set to nothing (`SLACK_BOT_TOKEN=`) is said to be empty (or blank), never "not set",
  // and never read as unset (an empty SLACK_APP_TOKEN beside a signing secret started the other receiver).
  const whole = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_SIGNING_SECRET: 's' };
  it.each(Object.keys(whole).flatMap((name) => ['', ' '].map((value) => [name, value] as const)))(
    '%s=%j is said to be empty or blank',
    (name, value) => {
      const said = `${name} is ${value === '' ? 'empty' : 'blank'}`;
      expect(() => createBot({ ...whole, [name]: value })).toThrow(new RegExp(`^${said}[ :]`));
    },
  );
});

describe('per-user limits and the allowlist', () => {
  let bot: Bot;
  let store: TestStore;
  const said: string[] = [];
  let target: string;

  beforeAll(async () => {
    store = await freshStore('sqlite');
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    fakeUsersInfo();
    nock(SLACK).persist().post('/api/auth.test').reply(200, { ok: true, user_id: 'UBOT', bot_id: 'B1', team_id: 'T1' });
    nock(HOOK)
      .persist()
      .post(/.*/)
      .reply(200, (_u, b) => (said.push((b as { text: string }).text), 'ok'));
    const env = {
      ...FIXTURE_ENV,
      JCB_MODELS: testModelsFile(),
      TEST_OPENAI_KEY: 'sk-test',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      PORT: '0',
      JCB_BOT_RATE_PER_MINUTE: '2',
      JCB_BOT_ALLOWED_USERS: 'U_OK',
      ...store.env,
    };
    bot = createBot(env, createServices({ env, tokenizer: inThreadTokenizer() }));
    const srv = (await bot.start())!;
    target = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    await bot.stop();
    nock.cleanAll();
    nock.enableNetConnect();
    await store.drop();
  });

  const slash = async (text: string, user: string) => {
    const body = new URLSearchParams({
      command: '/jcb',
      text,
      user_id: user,
      channel_id: 'C1',
      team_id: 'T1',
      response_url: `${HOOK}/c`,
      trigger_id: `t${Math.random()}`,
    }).toString();
    return (await sendSigned(target, body, 'application/x-www-form-urlencoded')).text;
  };

  it('keeps live models to the allowed users', async () => {
    await slash('run mr openai-test B_p1', 'U_OTHER');
    for (let i = 0; i < 80 && said.length < 1; i++) await new Promise((r) => setTimeout(r, 25));
    expect(said[0]).toMatch(/Only some users may run one document on a live model here/);
  });

  it('refuses a user over the per-minute limit', async () => {
    await slash('help', 'U_BUSY');
    await slash('help', 'U_BUSY');
    expect(JSON.parse(await slash('help', 'U_BUSY')).text).toMatch(/2 requests in the last minute; the limit is 2/);
    expect(await slash('help', 'U_CALM')).toBe('');
  });
});

describe('starting the bot', () => {
  it('says when Slack refuses the token', async () => {
    nock.disableNetConnect();
    nock(SLACK).post('/api/auth.test').times(2).reply(200, { ok: false, error: 'invalid_auth' });
    const refused = createBot({ SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_SIGNING_SECRET: 's', PORT: '0' });
    await expect(refused.start()).rejects.toThrow(/Slack refused SLACK_BOT_TOKEN: invalid_auth/);
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('says when Slack cannot be reached: no refusal of the token, no library warnings', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-x',
      SLACK_SIGNING_SECRET: 's',
      PORT: '0',
      SLACK_API_URL: 'http://127.0.0.1:1/api/',
    };
    await expect(createBot(env).start()).rejects.toThrow(
      /^Could not reach Slack to check SLACK_BOT_TOKEN( \(connection refused\))?\.$/, // (nock hides the cause)
    );
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  }, 30_000);
});
