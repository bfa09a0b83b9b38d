// Every button and menu of the bot (the action listeners of handlers/index.ts), pressed with values it did not
// issue: forged, stale or out of range (breaker-slack findings 2 and 11). Each press is answered with one line,
// only to the person, and starts no work: no post, no modal, no model called, no run queued. A new action
// without forged values here fails the test.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotContext } from '../handlers/context.js';
import { listenerRegistry } from '../handlers/index.js';
import { outputHash } from '../src/ratings/ratings.js';
import { fakeSlackApi } from './fake-slack.js';
import { queuePrefix, slackBot } from './slack-bot-fixture.js';
import { slackRequests } from './slack-requests.js';

const ADMIN = 'UADMIN';

describe('every button pressed with a value the bot did not issue', () => {
  const said: string[] = [];
  let providerCalls = 0;
  let n = 0;
  const fx = slackBot({
    fakes: () => {
      fakeSlackApi(said, () => ({ ok: true, members: [] }));
      nock('https://api.openai.com')
        .persist()
        .post(/.*/)
        .reply(500, () => (providerCalls++, {}));
    },
    env: {
      TEST_OPENAI_KEY: 'sk-test',
      JCB_ADMINS: ADMIN,
      JCB_BOT_RATE_PER_MINUTE: '100000',
      JCB_QUEUE_PREFIX: queuePrefix('jcbforged'),
    },
  });
  beforeAll(fx.start, 60_000);
  afterAll(fx.stop);

  const { button, slash } = slackRequests(() => fx.url);
  const ref = (r: object) => `run:${JSON.stringify(r)}`;
  const good = { t: 'mr', m: 'openai-test', d: 'B_p1', s: 'one' };
  const rated = `rate:${JSON.stringify({ t: 'irs', m: 'gpt-4o', d: '2', h: outputHash('内服薬の忘れ') })}`;
  const costed = {
    task: 'mr',
    model: 'openai-test',
    shot: 'one',
    limit: 1,
    runId: null,
    noCache: false,
    maxCost: null,
    labels: null,
    documents: null,
    concurrency: null,
  };
  const offer = `offer:${'ab'.repeat(12)}`;
  const select = (id: string, block: string, value: string) => ({
    type: 'static_select',
    action_id: id,
    block_id: block,
    selected_option: { value },
  });
  const press = (id: string, fields: object) => ({ type: 'button', action_id: id, block_id: 'b', ...fields });

  /** Per action id, presses it never issued. */
  const FORGED: Record<string, object[]> = {
    run_random_document: [
      press('run_random_document', { block_id: ref({ t: 'mr' }) }),
      press('run_random_document', { block_id: ref({ ...good, s: 'two' }) }),
      press('run_random_document', { block_id: 'run:{bad json' }),
    ],
    run_other_model: [
      select('run_other_model', ref(good), ''),
      select('run_other_model', ref(good), 'x'.repeat(500)),
      select('run_other_model', ref({ ...good, extra: 1 }), 'gpt-4o'),
    ],
    run_other_shot: [
      press('run_other_shot', { block_id: 'b' }),
      press('run_other_shot', { block_id: ref({ ...good, d: '' }) }),
    ],
    run_every_document: [press('run_every_document', { block_id: ref({ ...good, s: 'three' }) })],
    rate_consistency: [select('rate_consistency', rated, '9'), select('rate_consistency', rated, '3.5')],
    rate_saliency: [select('rate_saliency', rated, '0'), select('rate_saliency', 'rate:{}', '3')],
    rate_fluency: [select('rate_fluency', rated, '-1'), select('rate_fluency', rated, '')],
    // Carries nothing it acts on: answers the definitions whatever it carries (checked below: no work).
    rate_definitions: [press('rate_definitions', { block_id: 'rate:{bad' })],
    rate_comment: [press('rate_comment', { block_id: 'rate:{bad' })],
    jcb_cost_confirm: [
      press('jcb_cost_confirm', { value: 'cancel' }),
      press('jcb_cost_confirm', { value: JSON.stringify({ ...costed, offer }) }),
      press('jcb_cost_confirm', { value: JSON.stringify({ ...costed, limit: 999_999_999, offer }) }),
      press('jcb_cost_confirm', { value: JSON.stringify({ ...costed, limit: undefined, offer }) }),
      press('jcb_cost_confirm', { value: JSON.stringify({ ...costed, offer: 'offer:x' }) }),
    ],
    jcb_cost_cancel: [press('jcb_cost_cancel', { value: 'cancel' }), press('jcb_cost_cancel', { value: '{}' })],
    free_text_send_masked: [
      press('free_text_send_masked', { value: 'p' }),
      press('free_text_send_masked', { value: 'a'.repeat(1999) }),
    ],
    free_text_cancel: [press('free_text_cancel', { value: '0'.repeat(24) })],
  };

  const actions = listenerRegistry({} as BotContext).filter((l) => l.kind === 'action');
  const ids = [...new Set(actions.map((l) => l.id))];

  it('has forged presses for every action listener', () => {
    expect(Object.keys(FORGED).sort()).toEqual(ids.sort());
  });

  it.each(ids.flatMap((id) => (FORGED[id] ?? []).map((p, i) => ({ id, i, p }))))(
    '$id #$i: one line to the person, no work',
    async ({ id, p }) => {
      const tag = `${5000 + ++n}.1`;
      const before = said.length;
      const runsBefore = (await fx.services.status(undefined, { all: true })).length;
      const ack = await button(p)(ADMIN, tag);
      expect(ack.status).toBe(200);
      const answers = () => said.slice(before).filter((s) => s.includes(tag));
      for (let i = 0; i < 200 && answers().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 200));
      const sent = said.slice(before);
      // Only the answer on the response_url: no message, update, modal or ephemeral posted elsewhere.
      expect(sent.filter((s) => s.includes('"method"'))).toEqual([]);
      expect(answers()).toHaveLength(1);
      const text = (JSON.parse(answers()[0]) as { body: { text: string } }).body.text;
      if (id !== 'rate_definitions') {
        expect(text).not.toMatch(/\n/);
        expect(text).toMatch(/lost|not one I offered|expired|not your|whole number|1 to 5|hidden|not one jcb/i);
      }
      expect(text).not.toMatch(/at .*\.(ts|js):\d|\/work\/|Error:/);
      expect(providerCalls).toBe(0);
      expect((await fx.services.status(undefined, { all: true })).length).toBe(runsBefore);
    },
  );

  // A message older than 30 minutes: its response_url answers 404. The same line reaches the person as an
  // ephemeral where they pressed (breaker-slack: nothing reached them, and the log had an unhandled error).
  const expired = [
    ...ids.map((id) => ({ id, send: (tag: string) => button(FORGED[id][0])(ADMIN, tag) })),
    { id: '/jcb status nope', send: (tag: string) => slash('status nope')(ADMIN, tag) },
  ];
  it.each(expired)('$id with an expired response_url: the answer as an ephemeral', async ({ send }) => {
    const tag = `OLD${5000 + ++n}.1`;
    const before = said.length;
    expect((await send(tag)).status).toBe(200);
    const told = () =>
      said
        .slice(before)
        .map((s) => JSON.parse(s) as { method?: string; user?: string; channel?: string; text?: string })
        .filter((c) => c.method?.endsWith('chat.postEphemeral') && c.user === ADMIN && c.channel === 'C1');
    for (let i = 0; i < 200 && told().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 200));
    expect(told()).toHaveLength(1);
    expect(told()[0].text).toMatch(/\S/);
    expect(said.slice(before).filter((s) => s.includes('chat.postMessage'))).toEqual([]);
  });
});
