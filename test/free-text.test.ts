// Issue 14 over the real bot (signed HTTP, Slack Web API and the model providers nock'd): a DM with a
// name and a phone number for an external model is not sent; "Send masked" sends the masked text only;
// an on-premises model gets the original; the audit row holds no text.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { fakeUsersInfo } from './fake-slack.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBot, type Bot } from '../handlers/app.js';
import { findingsMessage } from '../handlers/blocks/findings.js';
import { askCommand } from '../src/cli/free-text.js';
import { detectPersonalInformation, type Detector } from '../src/privacy/detect.js';
import { CheckFailedError, FindingsError } from '../src/privacy/free-text.js';
import { createServices, type Services } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { chatCompletion, FIXTURE_ENV, freshStore, inThreadTokenizer, type TestStore } from './helpers.js';
import { formBody, HOOK, sendSigned, SIGNING_SECRET as SECRET, SLACK } from './slack-requests.js';

const OPENAI = 'https://api.openai.com';
const ON_PREMISES = 'http://llm.hospital.example';
const TEXT = '長女の真由美さん（080-2233-4455）より，発熱が続くと連絡あり．';
const MASKED = '長女の[氏名]さん（[電話番号]）より，発熱が続くと連絡あり．';

// openai-test says on-premises: the OpenAI API is external whatever the file says.
const MODELS = `
models:
  openai-test: { provider: openai, model: gpt-4o-mini, apiKeyEnv: TEST_OPENAI_KEY, maxRetries: 0, freeText: true, dataPolicy: on-premises }
  ward-llm: { provider: openai-compatible, model: ward, baseUrl: ${ON_PREMISES}/v1, maxRetries: 0, freeText: true, dataPolicy: on-premises }
`;

interface Posted {
  method: string;
  body: Record<string, unknown>;
}

// The first detection loads IPADIC (seconds on a busy machine).
// Slack gives every interaction its own trigger id; the bot treats a repeated one as a retry.
let triggers = 0;

describe('free text with personal information (issue 14)', { timeout: 60_000 }, () => {
  let bot: Bot;
  let url: string;
  let store: TestStore;
  let posted: Posted[];
  let responses: Record<string, unknown>[];
  let env: Record<string, string>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-free-text-'));
  writeFileSync(path.join(dir, 'models.yml'), MODELS);

  const send = async (body: string, type: string) => (await sendSigned(url, body, type)).status;
  const dm = (text: string, ts: string) =>
    send(
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T1',
        api_app_id: 'A1',
        event_id: `Ev-${ts}`,
        event_time: 1,
        event: { type: 'message', channel_type: 'im', user: 'U1', channel: 'D1', text, ts },
      }),
      'application/json',
    );
  const click = (actionId: string, value: string, user = 'U1') =>
    send(
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: user },
          team: { id: 'T1' },
          channel: { id: 'D1' },
          container: { type: 'message', is_ephemeral: true },
          trigger_id: `t${++triggers}`,
          response_url: `${HOOK}/actions/1`,
          actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1' }],
        }),
      }).toString(),
      'application/x-www-form-urlencoded',
    );
  const mention = (text: string, ts: string) =>
    send(
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T1',
        api_app_id: 'A1',
        event_id: `Ev-mention-${ts}`,
        event_time: 1,
        event: { type: 'app_mention', user: 'U1', channel: 'C1', text: `<@UBOT> ${text}`, ts },
      }),
      'application/json',
    );
  /** The shortcut's modal submitted for a message `text` in C1 (the thread `ts`). */
  const submit = (text: string, model = 'openai-test', ts = '26.1') =>
    send(
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'view_submission',
          user: { id: 'U1' },
          team: { id: 'T1' },
          view: {
            id: 'V1',
            callback_id: 'run_task_modal',
            private_metadata: JSON.stringify({ channel: 'C1', ts, text }),
            state: {
              values: {
                task: { value: { type: 'static_select', selected_option: { value: 'cts' } } },
                model: { value: { type: 'static_select', selected_option: { value: model } } },
              },
            },
          },
        }),
      }).toString(),
      'application/x-www-form-urlencoded',
    );
  const until = async <T>(list: () => T[], n: number) => {
    for (let i = 0; i < 800 && list().length < n; i++) await new Promise((r) => setTimeout(r, 25));
    return list();
  };

  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(() => nock.enableNetConnect());

  beforeEach(async () => {
    store = await freshStore('sqlite');
    posted = [];
    responses = [];
    let ts = 1000;
    fakeUsersInfo();
    nock(SLACK).persist().post('/api/auth.test').reply(200, { ok: true, user_id: 'UBOT', bot_id: 'B1', team_id: 'T1' });
    nock(SLACK)
      .persist()
      .post(/\/api\/(chat\.postMessage|chat\.postEphemeral)/)
      .reply(200, (uri, body) => {
        posted.push({ method: uri.split('/').pop()!, body: formBody(body) });
        return { ok: true, channel: 'D1', ts: `${ts++}.000100` };
      });
    nock(HOOK)
      .persist()
      .post(/.*/)
      .reply(200, (_uri, body) => {
        responses.push(body as Record<string, unknown>);
        return 'ok';
      });
    env = {
      ...FIXTURE_ENV,
      JCB_MODELS: path.join(dir, 'models.yml'),
      TEST_OPENAI_KEY: 'sk-test',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SECRET,
      PORT: '0',
      JCB_QUEUE_PREFIX: `jcbft-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      JCB_SCHEDULES: path.join(dir, 'none.yml'),
      ...store.env,
    };
    writeFileSync(env.JCB_SCHEDULES, 'schedules: {}\n');
    bot = createBot(env, createServices({ env, tokenizer: inThreadTokenizer(), retryBaseDelayMs: 1 }));
    const server = (await bot.start()) as Server;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterEach(async () => {
    await bot.stop();
    nock.cleanAll();
  });

  const auditRows = async () => {
    const s = await Store.open(env);
    try {
      return await s.db.selectFrom('free_text_audit').selectAll().execute();
    } finally {
      await s.db.destroy();
    }
  };

  it('sends nothing to an external model, offers the masked text, and "Send masked" sends only that', async () => {
    // No provider interceptor yet: a request to OpenAI would fail the DM (nock refuses it).
    await dm(`cts --model openai-test ${TEXT}`, '20.1');
    const [offer] = await until(() => posted, 1);
    expect(offer.method).toBe('chat.postEphemeral');
    expect(offer.body).toMatchObject({ user: 'U1', channel: 'D1', thread_ts: '20.1' });
    const blocks = JSON.stringify(offer.body.blocks);
    expect(blocks).toContain('*真由美*〔氏名〕');
    expect(blocks).toContain('*080-2233-4455*〔電話番号〕');
    expect(blocks).toContain(MASKED);
    expect(await auditRows()).toEqual([]);

    let sent = '';
    nock(OPENAI)
      .post('/v1/chat/completions', (body) => {
        sent = JSON.stringify(body);
        return true;
      })
      .reply(200, chatCompletion('長女より発熱の連絡。'));
    const pendingId = (offer.body.blocks as { type: string; elements?: { value: string }[] }[]).find(
      (b) => b.type === 'actions',
    )!.elements![0].value;
    // Another person's click (a forged one: the offer is ephemeral) is told it is not theirs, and sends nothing.
    await click('free_text_send_masked', pendingId, 'U2');
    await until(() => responses, 1);
    expect(responses.at(-1)).toMatchObject({
      response_type: 'ephemeral',
      text: 'This is not your request: only the person who sent the text can send or cancel it.',
    });
    expect(sent).toBe('');
    await click('free_text_send_masked', pendingId);
    const [, answer] = await until(() => posted, 2);
    expect(answer.body).toMatchObject({ channel: 'D1', thread_ts: '20.1' });
    expect(sent).toContain('長女の[氏名]さん（[電話番号]）より');
    expect(sent).not.toContain('真由美');
    expect(sent).not.toContain('2233');
    expect(JSON.stringify(answer.body.blocks)).toContain(MASKED);

    const [row] = await auditRows();
    expect(row).toMatchObject({ user_id: 'U1', model: 'openai-test', data_policy: 'external', applied: 'masked' });
    expect(JSON.parse(row.findings)).toEqual({ name: 1, phone: 1 });
    expect(row.text_length).toBe(Array.from(TEXT).length);
    const stored = JSON.stringify(row);
    for (const piece of ['真由美', '080', '2233-4455', '発熱が続く', '長女の']) expect(stored).not.toContain(piece);

    // The offer is used once.
    await click('free_text_send_masked', pendingId);
    await until(() => responses, 3);
    expect(JSON.stringify(responses.at(-1))).toContain('expired');
  });

  it('logs none of the text with JCB_DEBUG on: debug lines keep their head, not the bodies (breaker-slack)', async () => {
    await bot.stop();
    const lines: string[] = [];
    const keep = (...a: unknown[]) => void lines.push(a.map((x) => (typeof x === 'string' ? x : String(x))).join(' '));
    const spies = (['debug', 'info', 'warn', 'error'] as const).map((k) =>
      vi.spyOn(console, k).mockImplementation(keep),
    );
    try {
      const debug = { ...env, JCB_DEBUG: '1' };
      bot = createBot(debug, createServices({ env: debug, tokenizer: inThreadTokenizer(), retryBaseDelayMs: 1 }));
      const server = (await bot.start()) as Server;
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
      await dm(`cts --model openai-test ${TEXT}`, '40.1');
      const [offer] = await until(() => posted, 1);
      expect(JSON.stringify(offer.body.blocks)).toContain('080-2233-4455'); // the person sees it; the log must not
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(lines.some((l) => l.includes('[DEBUG]') && l.includes('body not logged'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/真由美|080-2233-4455|発熱/);
  });

  it('refuses in the service too (the CLI face): a UserError naming the findings, no provider call', async () => {
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    try {
      await expect(services.ask({ task: 'cts', model: 'openai-test', text: TEXT })).rejects.toThrow(
        /Not sent: your text holds personal information \(1 氏名, 1 電話番号\) and openai-test is an external model/,
      );
    } finally {
      await services.close();
    }
  });

  it('keeps the text and the answer only with JCB_KEEP_FREE_TEXT=1', async () => {
    nock(ON_PREMISES).post('/v1/chat/completions').reply(200, chatCompletion('発熱の連絡。'));
    const services = createServices({ env: { ...env, JCB_KEEP_FREE_TEXT: '1' }, tokenizer: inThreadTokenizer() });
    try {
      await services.ask({ task: 'cts', model: 'ward-llm', text: TEXT, user: 'U9', origin: 'cli' });
    } finally {
      await services.close();
    }
    const [row] = await auditRows();
    expect(row).toMatchObject({ user_id: 'U9', text: TEXT, answer: '発熱の連絡。' });
  });

  it('lists the audit for admins only (/jcb audit), with no text', async () => {
    nock(ON_PREMISES).post('/v1/chat/completions').reply(200, chatCompletion('発熱の連絡。'));
    await dm(`cts --model ward-llm ${TEXT}`, '24.1');
    await until(() => posted, 1);
    await bot.stop();
    env.JCB_ADMINS = 'U_ADMIN, U_OTHER_ADMIN';
    bot = createBot(env, createServices({ env, tokenizer: inThreadTokenizer() }));
    const server = (await bot.start()) as Server;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    const slash = (user: string) =>
      send(
        new URLSearchParams({
          command: '/jcb',
          text: 'audit',
          user_id: user,
          channel_id: 'C1',
          team_id: 'T1',
          response_url: `${HOOK}/commands/1`,
          trigger_id: `t${++triggers}`,
        }).toString(),
        'application/x-www-form-urlencoded',
      );
    await slash('U1');
    await slash('U_ADMIN');
    const [refused, listed] = await until(() => responses, 2);
    expect(refused.text).toMatch(/Only an admin may read the free-text audit/);
    // Wider than 80 columns, the table is stacked in two parts.
    expect(listed.text).toMatch(/U1 +slack:D1 +ward-llm +on-premises/);
    expect(listed.text).toMatch(/ sent +name 1, phone 1 +\d+ +[0-9a-f]{12}/);
    expect(listed.text).not.toContain('真由美');
    // The private tasks' access rows too, as in the terminal (test/json-faces.test.ts).
    expect(listed.text).toContain("Private tasks' data (who, what, where):");
  });

  it('applies the same rule to a mention and to the message shortcut', async () => {
    await mention(`cts --model openai-test ${TEXT}`, '25.1');
    await submit(TEXT);
    const offers = await until(() => posted, 2);
    expect(offers.map((m) => [m.method, m.body.channel, m.body.thread_ts]).sort()).toEqual([
      ['chat.postEphemeral', 'C1', '25.1'],
      ['chat.postEphemeral', 'C1', '26.1'],
    ]);
    for (const m of offers) expect(JSON.stringify(m.body.blocks)).toContain(MASKED);
  });

  it('cancels: nothing is sent', async () => {
    await dm(`cts --model openai-test ${TEXT}`, '21.1');
    const [offer] = await until(() => posted, 1);
    const id = JSON.stringify(offer.body.blocks).match(/"value":"([0-9a-f]{24})"/)![1];
    await click('free_text_cancel', id);
    const [response] = await until(() => responses, 1);
    expect(JSON.stringify(response)).toContain('nothing was sent');
    expect(posted).toHaveLength(1);
  });

  it('sends the original to an on-premises model, unless JCB_FREE_TEXT_POLICY=mask-always', async () => {
    let sent = '';
    nock(ON_PREMISES)
      .post('/v1/chat/completions', (body) => {
        sent = JSON.stringify(body);
        return true;
      })
      .reply(200, chatCompletion('発熱の連絡。'));
    await dm(`cts --model ward-llm ${TEXT}`, '22.1');
    const [answer] = await until(() => posted, 1);
    expect(answer.method).toBe('chat.postMessage');
    expect(sent).toContain('真由美');
    expect(sent).toContain('080-2233-4455');
    const [row] = await auditRows();
    expect(row).toMatchObject({ data_policy: 'on-premises', applied: 'sent', text: null, answer: null });

    await bot.stop();
    env.JCB_FREE_TEXT_POLICY = 'mask-always';
    bot = createBot(env, createServices({ env, tokenizer: inThreadTokenizer() }));
    const server = (await bot.start()) as Server;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    await dm(`cts --model ward-llm ${TEXT}`, '23.1');
    const [, offer] = await until(() => posted, 2);
    expect(offer.method).toBe('chat.postEphemeral');
  });
  describe('failing closed (issue 27)', () => {
    const REFUSAL =
      ':warning: The check for personal information failed on this text: nothing was sent. Try again, or send a shorter part of the text.';
    // What kuromoji threw on a NUL before issue 27: any error of the detector must be a refusal.
    const crash = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'length')");
    };
    let requests: string[];
    beforeEach(() => {
      requests = [];
      for (const host of [OPENAI, ON_PREMISES]) {
        nock(host)
          .persist()
          .post('/v1/chat/completions')
          .reply(200, (_uri, body) => {
            requests.push(JSON.stringify(body));
            return chatCompletion('答え');
          });
      }
    });
    const restartWith = async (detector: Detector) => {
      await bot.stop();
      bot = createBot(env, createServices({ env, tokenizer: inThreadTokenizer(), detector }));
      const server = (await bot.start()) as Server;
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    };

    it('sends nothing from a DM, a mention or the shortcut when the detector throws, to any model, and says so', async () => {
      await restartWith(async () => crash());
      await dm(`cts --model openai-test ${TEXT}`, '30.1');
      await dm(`cts --model ward-llm ${TEXT}`, '30.2');
      await dm('cts --model ward-llm 夜間の発熱なし．', '30.3');
      await mention(`cts --model openai-test ${TEXT}`, '30.4');
      await submit(TEXT, 'ward-llm', '30.5');
      const said = await until(() => posted, 5);
      expect(said.map((m) => [m.body.thread_ts, m.body.text]).sort()).toEqual(
        ['30.1', '30.2', '30.3', '30.4', '30.5'].map((ts) => [ts, REFUSAL]),
      );
      expect(requests).toEqual([]);
      expect(await auditRows()).toEqual([]);
    });

    it('reads --model=<alias> as the grammar does, and refuses a bare or repeated --model without sending', async () => {
      await dm(`cts --model=ward-llm 夜間の発熱なし．`, '32.1');
      await dm(`cts 夜間の発熱なし． --model`, '32.2');
      await dm(`cts --model ward-llm 夜間の発熱なし． --model=openai-test`, '32.3');
      const said = await until(() => posted, 3);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toContain('夜間の発熱なし．');
      expect(requests[0]).not.toContain('--model');
      expect(
        said
          .filter((m) => m.body.thread_ts !== '32.1')
          .map((m) => [m.body.thread_ts, m.body.text])
          .sort(),
      ).toEqual([
        // (escaped for Slack's mrkdwn)
        [
          '32.2',
          ':warning: `--model` needs a model alias. Write `--model &lt;alias&gt;` (or `--model=&lt;alias&gt;`) once to choose the model.',
        ],
        [
          '32.3',
          ':warning: `--model` is given more than once. Write `--model &lt;alias&gt;` (or `--model=&lt;alias&gt;`) once to choose the model.',
        ],
      ]);
    });

    it('sends nothing on "Send masked" when the check of the re-sent text fails', async () => {
      let broken = false;
      await restartWith(async (text) => (broken ? crash() : detectPersonalInformation(text)));
      await dm(`cts --model openai-test ${TEXT}`, '31.1');
      const [offer] = await until(() => posted, 1);
      const id = JSON.stringify(offer.body.blocks).match(/"value":"([0-9a-f]{24})"/)![1];
      broken = true;
      await click('free_text_send_masked', id);
      const said = await until(() => responses, 2);
      expect(said.at(-1)).toMatchObject({ text: REFUSAL });
      expect(requests).toEqual([]);
    });

    it('sends nothing from the terminal (jcb ask) when the detector throws or never answers', async () => {
      const ask = (services: Services) =>
        askCommand({ kind: 'ask', task: 'cts', model: 'ward-llm', masked: true, json: false }, services, {
          readStdin: async () => TEXT,
          print: () => expect.fail('nothing is printed'),
        });
      for (const [detector, timeout] of [
        [async () => crash(), '30000'],
        [() => new Promise<never>(() => {}), '50'],
      ] as const) {
        const services = createServices({ env: { ...env, JCB_CHECK_TIMEOUT_MS: timeout }, detector });
        try {
          await expect(ask(services)).rejects.toThrow(CheckFailedError);
        } finally {
          await services.close();
        }
      }
      expect(requests).toEqual([]);
    });
  });
});

describe('the offer to send masked (issue 27)', () => {
  it('shows the whole masked text, byte for byte, however long, in blocks Slack accepts', () => {
    const masked = `[氏名]さん & <${'発熱が続く。'.repeat(1200)}> [電話番号]`;
    const offer = findingsMessage(masked, new FindingsError([], masked, 'cloud'), 'p1');
    const codes = (offer.blocks as { text?: { text: string } }[])
      .map((b) => b.text?.text ?? '')
      .filter((t) => t.startsWith('```'));
    expect(codes.length).toBeGreaterThan(2);
    for (const c of codes) expect(c.length).toBeLessThanOrEqual(3000);
    const shown = codes.map((c) => c.slice(3, -3)).join('');
    expect(shown.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toBe(masked);
  });
});
